// The ladder the engine benches share: step up through the sizes until one falls behind; the cost per
// 1,000 probes is read at the largest size that kept up (or at the first, if none did).
export interface LadderStep {
  n: number;
  results: number;
  cpuMs: number;
  seconds: number;
}

export interface Ladder<S extends LadderStep> {
  /** The largest size that kept up; null when the first already fell behind. */
  best: S | null;
  /** The size that fell behind; null when every size kept up. */
  failed: S | null;
  /** Where the cost is read: `best`, else `failed`. */
  ref: S;
  /** "size: ms per 1,000" of every step, for the note. */
  perK: string;
}

/** CPU ms per 1,000 results. */
export const msPerThousand = (s: LadderStep): number => (s.cpuMs / Math.max(1, s.results)) * 1000;

/** CPU as % of one core, to 0.1. */
export const pctOfCore = (cpuMs: number, seconds: number): number => Math.round((cpuMs / seconds / 10) * 10) / 10;

export async function climb<S extends LadderStep>(
  sizes: readonly number[],
  run: (n: number) => Promise<S>,
  keepsUp: (s: S) => boolean,
  log: (s: S, ok: boolean) => void,
): Promise<Ladder<S>> {
  let best: S | null = null;
  let failed: S | null = null;
  const perK: string[] = [];
  for (const n of sizes) {
    const s = await run(n);
    const ok = keepsUp(s);
    log(s, ok);
    perK.push(`${n}: ${msPerThousand(s).toFixed(0)}`);
    if (!ok) {
      failed = s;
      break;
    }
    best = s;
  }
  return { best, failed, ref: (best ?? failed)!, perK: perK.join(', ') };
}
