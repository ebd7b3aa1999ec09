// Fuzzing the inventory file parser: any text — random bytes, random YAML/JSON documents, mutations
// of a valid file, alias tricks — either parses to a valid inventory or is refused with a located
// ValidationError. Never another exception. (No hang: the parser's budgets bound its work, which
// tests/unit/config/budgets.test.ts and tests/unit/fuzz/parsers-work.fuzz.test.ts count; time is not
// asserted here.)
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InventoryFile } from '../../../shared/schemas';
import { parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';
import { meetingNow, tinyProvince } from '../../helpers/app';

const { units, points } = tinyProvince(60, 2);
const VALID = { units, points, meetings: [meetingNow('M', 'live', { points: ['C1'] }, 1_800_000_000_000)] };

/**
 * Parses: 'ok' (a valid inventory), 'refused' (a ValidationError with located issues), or a
 * description of what went wrong — another exception, malformed issues.
 */
function outcome(text: string): string {
  let result: string;
  try {
    const inv = parseInventoryText(text, 'fuzz.yaml');
    result = InventoryFile.safeParse(inv).success ? 'ok' : 'parsed into an invalid inventory';
  } catch (err) {
    const located =
      err instanceof ValidationError &&
      err.issues.length > 0 &&
      err.issues.every((i) => i.file === 'fuzz.yaml' && typeof i.path === 'string' && typeof i.message === 'string');
    result = located ? 'refused' : `threw ${String(err)}`;
  }
  return result;
}

const CLEAN = ['ok', 'refused'];

/** A path into the valid inventory and a value to put there. */
const mutation = fc.record({
  section: fc.constantFrom('units', 'points', 'meetings'),
  index: fc.nat(5),
  key: fc.constantFrom(
    'id',
    'code',
    'name',
    'level',
    'parent',
    'unit',
    'targets',
    'contacts',
    'host',
    'lineTest',
    'session',
    'participants',
    'extra',
  ),
  value: fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null), fc.constant('-f'), fc.constant('127.0.0.1 -c 9')),
});

describe('inventory file parser (fuzz)', () => {
  it('refuses or accepts random text, never throws anything else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(CLEAN).toContain(outcome(text));
      }),
      { numRuns: 1_500 },
    );
  });

  it('handles random JSON and YAML documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (doc, asYaml) => {
        expect(CLEAN).toContain(outcome(asYaml ? stringify(doc) : JSON.stringify(doc)));
      }),
      { numRuns: 800 },
    );
  });

  it('handles mutations of a valid file', () => {
    expect(outcome(stringify(VALID))).toBe('ok');
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (muts, asYaml) => {
        const doc = structuredClone(VALID) as unknown as Record<string, Record<string, unknown>[]>;
        for (const m of muts) {
          const list = doc[m.section]!;
          const item = list[m.index % list.length];
          if (item) item[m.key] = m.value;
        }
        expect(CLEAN).toContain(outcome(asYaml ? stringify(doc) : JSON.stringify(doc)));
      }),
      { numRuns: 800 },
    );
  });

  it('refuses YAML tricks with a clean error', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [n, p] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
    ])
      bomb.push(`${n}: &${n} [${Array(9).fill(`*${p}`).join(', ')}]`);
    bomb.push('units: *e');
    for (const text of [
      bomb.join('\n'),
      'units: [*nowhere]',
      '<<: *missing',
      'units: !!js/function "function () {}"',
      'units: !!binary AAAA',
      '? [a]\n: b',
      'units: []\n---\npoints: []',
      `${'['.repeat(5_000)}`,
      `units:\n${'  - '.repeat(1)}${'{'.repeat(2_000)}`,
    ]) {
      expect([text.slice(0, 40), outcome(text)]).toEqual([text.slice(0, 40), 'refused']);
    }
  });
});
