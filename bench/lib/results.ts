// bench/RESULTS.md keeps one section per part, between markers, so running one part replaces its own
// section and leaves the others' last results in place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from './machine';
import { markdownTable } from './table';
import type { BenchPart, BenchResult } from './types';

const HEADER = `# Benchmark results

Written by \`npm run bench\` (\`tsx bench/run.ts [part…] [--quick]\`); each part's section is replaced
when that part runs. Not part of \`npm test\`.
`;

const begin = (name: string): string => `<!-- bench:${name} -->`;
const end = (name: string): string => `<!-- /bench:${name} -->`;

export function section(
  part: BenchPart,
  results: readonly BenchResult[],
  m: Machine,
  when: Date,
  quick: boolean,
): string {
  const pkgs = Object.entries(m.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    begin(part.name),
    `## ${part.name}${quick ? ' (quick run: reduced data)' : ''}`,
    '',
    part.description,
    '',
    `- Date: ${when.toISOString()}`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB memory, ${m.os}; load average ${m.load} at the start`,
    `- Node ${m.node}; ${pkgs}`,
    '',
    markdownTable(results),
    end(part.name),
  ].join('\n');
}

export function writeResults(file: string, sections: ReadonlyMap<string, string>): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  for (const [name, body] of sections) {
    const a = text.indexOf(begin(name));
    const b = text.indexOf(end(name));
    if (a >= 0 && b > a) text = text.slice(0, a) + body + text.slice(b + end(name).length);
    else text = `${text.trimEnd()}\n\n${body}\n`;
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
