// Export → import: the same inventory reads back "unchanged" row for row (CSV with either delimiter,
// XLSX); generated points survive write → read exactly.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Contact, Point, Target } from '../../../shared/schemas';
import { exportPointsCsv, exportPointsXlsx } from '../../../server/exporter';
import { previewImport } from '../../../server/importer';
import { samePoint } from '../../../server/importer/compare';
import { POINTS, UNITS } from './province';

const inventory = { units: UNITS, points: POINTS };

describe('export → import', () => {
  it.each([',', ';'] as const)('CSV with "%s" reads back unchanged, leaders and organizations kept', async (d) => {
    const p = await previewImport(Buffer.from(exportPointsCsv(inventory, d)), inventory);
    expect(p.counts).toEqual({ new: 0, updated: 0, unchanged: POINTS.length, invalid: 0 });
    expect(p.ignoredHeaders).toEqual([]);
  });

  it('XLSX reads back unchanged', async () => {
    const p = await previewImport(await exportPointsXlsx(inventory), inventory);
    expect(p.counts).toEqual({ new: 0, updated: 0, unchanged: POINTS.length, invalid: 0 });
  });

  it('lists units depth first: the province, then each district followed by its communes', async () => {
    const csv = exportPointsCsv(inventory);
    const codes = csv
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split(',')[0]);
    expect(codes).toEqual(['HT', 'HT-CL', 'HT-CL-DONG-LOC']);
  });
});

// ── Generated points ─────────────────────────────────────────────────────────────────────────────

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();
const text = (chars: string[], max: number) =>
  fc
    .string({ unit: fc.constantFrom(...chars), maxLength: max })
    .map(oneLine)
    .filter((s) => s !== '');
const FREE = ['a', 'Đ', 'ộ', 'ữ', ' ', ',', ';', '"', "'", '=', '-', '+', '@', '\n', '1'];
const PERSON = ['a', 'n', 'Đ', 'ộ', 'ữ', 'Ư', ' ', '.'];
const phone = fc.option(
  fc.tuple(fc.integer({ min: 10_000_000, max: 99_999_999 }), fc.constantFrom(' ', '.', '')).map(([n, sep]) => {
    const d = `09${n}`;
    return `${d.slice(0, 4)}${sep}${d.slice(4, 7)}${sep}${d.slice(7)}`;
  }),
  { nil: undefined },
);

function pointsArb(withLeaders: boolean): fc.Arbitrary<Point[]> {
  const contact = (role: Contact['role']) =>
    fc
      .record({ name: text(PERSON, 30).filter((s) => /\p{L}/u.test(s)), phone })
      .map(({ name, phone: ph }): Contact => ({ name, role, ...(ph !== undefined && { phone: ph }) }));
  const one = fc.record({
    name: text(FREE, 60),
    level: fc.constantFrom('province', 'district', 'commune' as const),
    unit: fc.constantFrom(...UNITS.map((u) => u.id)),
    room: fc.option(text(FREE, 40), { nil: undefined }),
    address: fc.option(text(FREE, 40), { nil: undefined }),
    backups: fc.integer({ min: 0, max: 2 }),
    dns: fc.boolean(),
    technicians: fc.array(contact('technician'), { maxLength: 3 }),
    others: withLeaders ? fc.array(contact('leader'), { maxLength: 1 }) : fc.constant([]),
  });
  return fc.array(one, { minLength: 1, maxLength: 12 }).map((list) =>
    list.map((g, i): Point => {
      const targets: Target[] = [
        { kind: 'icmp', host: g.dns ? `vc-${i}.hatinh.gov.vn` : `127.40.${i}.1`, role: 'primary' },
      ];
      for (let b = 0; b < g.backups; b++) targets.push({ kind: 'icmp', host: `127.41.${i}.${b + 1}`, role: 'backup' });
      return {
        code: `P-${i}`,
        name: g.name,
        level: g.level,
        unit: g.unit,
        ...(g.room !== undefined && { room: g.room }),
        ...(g.address !== undefined && { address: g.address }),
        targets,
        contacts: [...g.others, ...g.technicians],
      };
    }),
  );
}

describe('generated points', () => {
  it('new points written to CSV read back as exactly those points', async () => {
    await fc.assert(
      fc.asyncProperty(pointsArb(false), fc.constantFrom<',' | ';'>(',', ';'), async (points, d) => {
        const p = await previewImport(Buffer.from(exportPointsCsv({ units: UNITS, points }, d)), {
          units: UNITS,
          points: [],
        });
        expect(p.counts).toEqual({ new: points.length, updated: 0, unchanged: 0, invalid: 0 });
        const byCode = new Map(points.map((x) => [x.code, x]));
        const differing = p.rows
          .map((r) => ({ original: byCode.get(r.point?.code ?? ''), read: r.point }))
          .filter(({ original, read }) => !original || !read || !samePoint(original, read));
        expect(differing).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('an inventory exported to CSV or XLSX re-imports unchanged, whatever its contacts', async () => {
    await fc.assert(
      fc.asyncProperty(pointsArb(true), fc.boolean(), async (points, xlsx) => {
        const inv = { units: UNITS, points };
        const bytes = xlsx ? await exportPointsXlsx(inv) : Buffer.from(exportPointsCsv(inv));
        const p = await previewImport(bytes, inv);
        expect(p.rows.filter((r) => r.status !== 'unchanged')).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
