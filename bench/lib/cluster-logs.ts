// What the instances logged at warn and above (pino's JSON lines, bench/lib/cluster-procs.ts `log`):
// a lost lease, a silent monitor, a full write queue say why a run's figures are what they are.
import { existsSync, readFileSync } from 'node:fs';

/** Messages of level ≥ 40 (warn) logged before `until` (ms), with how often each was logged. */
export function warnings(file: string, until: number): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { level?: number; time?: number; msg?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 40 || (entry.time ?? 0) > until) continue;
    const msg = entry.msg ?? '(no message)';
    out.set(msg, (out.get(msg) ?? 0) + 1);
  }
  return out;
}

/** "3× monitor process silent…; 1× …", most frequent first; "none" when empty. */
export function warningText(w: ReadonlyMap<string, number>): string {
  const xs = [...w].sort((a, b) => b[1] - a[1]).map(([m, k]) => `${k}× “${m}”`);
  return xs.length > 0 ? xs.join('; ') : 'none';
}
