// Results as a plain-text table for the terminal and as Markdown for RESULTS.md.
import type { BenchResult } from './types';

const fmt = (v: number): string => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 10 ? 2 : 1));
const verdict = (r: BenchResult): string => (r.ok === undefined ? '' : r.ok ? 'PASS' : 'FAIL');

function cells(results: readonly BenchResult[]): string[][] {
  return results.map((r) => [r.name, `${fmt(r.value)} ${r.unit}`, r.target ?? '', verdict(r), r.note ?? '']);
}

const HEAD = ['measure', 'value', 'target', 'verdict', 'note'];
const esc = (s: string): string => s.replace(/\|/g, '\\|');

export function textTable(results: readonly BenchResult[]): string {
  const rows = [HEAD, ...cells(results)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(results: readonly BenchResult[]): string {
  return [
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...cells(results).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
