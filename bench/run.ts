// `npm run bench [-- part… --quick]`: runs the named benchmark parts (all by default), prints a table
// and records the results, with the date, the machine and the versions, in bench/RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machine } from './lib/machine';
import { section, writeResults } from './lib/results';
import { textTable } from './lib/table';
import type { BenchResult } from './lib/types';
import { PARTS } from './parts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { quick: { type: 'boolean', default: false }, list: { type: 'boolean', default: false } },
  });
  if (values.list) {
    for (const p of PARTS) out(`${p.name}${p.optional ? ' (only when named)' : ''}\t${p.description}`);
    return 0;
  }
  const unknown = positionals.filter((n) => !PARTS.some((p) => p.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown part(s): ${unknown.join(', ')}; known: ${PARTS.map((p) => p.name).join(', ')}\n`);
    return 2;
  }
  const chosen =
    positionals.length > 0 ? PARTS.filter((p) => positionals.includes(p.name)) : PARTS.filter((p) => !p.optional);
  const m = machine();
  out(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, load ${m.load}; node ${m.node}`);
  const all: BenchResult[] = [];
  const sections = new Map<string, string>();
  const failed: string[] = [];
  for (const part of chosen) {
    const dir = mkdtempSync(join(tmpdir(), `dc-bench-${part.name}-`));
    out(`\n» ${part.name}: ${part.description}`);
    const started = new Date();
    try {
      const results = await part.run({ dir, quick: values.quick, log: (msg) => out(`  ${msg}`) });
      all.push(...results);
      sections.set(part.name, section(part, results, m, started, values.quick));
    } catch (err) {
      // The part's own cleanup has run; its section in RESULTS.md keeps the last run that finished.
      failed.push(part.name);
      out(`  ${part.name} failed, not recorded: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  out(`\n${textTable(all)}`);
  const file = join(import.meta.dirname, 'RESULTS.md');
  writeResults(file, sections);
  out(`\nwritten: ${file}`);
  if (failed.length > 0) out(`failed (sections kept as they were): ${failed.join(', ')}`);
  return failed.length > 0 || all.some((r) => r.ok === false) ? 1 : 0;
}

process.exitCode = await main();
