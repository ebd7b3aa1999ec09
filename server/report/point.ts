// One point's time in one phase, split into up / degraded / severe / down / unknown (docs/REPORT.md).
// Down and severe time come from the outage records (ms precise), unknown from monitor gaps and 10 s
// buckets without a probe; the rest is judged bucket by bucket from the stored rollups. Buckets that
// an outage touches count their remainder as up: the losses that opened or closed the outage are the
// outage's, not degradation (as the status machine's windows forget a down run, SPEC ST9).
import type { RollupDigest } from '../store/report-types';
import type { RttHistogram } from './bins';
import { overlap, subtract, total, union, type Span } from './intervals';
import type { TimelineSink } from './timeline';
import { BUCKET_MS } from './window';

export interface PointPhaseInput {
  /** The covered window [start, end), on the bucket grid. */
  start: number;
  end: number;
  digest: RollupDigest;
  /** Monitor gaps, down and severe outages, clipped to the window and normalised. */
  gaps: readonly Span[];
  down: readonly Span[];
  severe: readonly Span[];
  /** Each down record's own span within the window (non-empty), for the count and the longest. */
  downRecords: readonly Span[];
  severeRecords: number;
  /** Loss (%) at or above which a bucket is degraded; RTT and jitter are flagged by the store. */
  lossPct: number;
}

export interface PointPhaseResult {
  periodMs: number;
  upMs: number;
  /** Degraded without severe (amber buckets). */
  amberMs: number;
  severeMs: number;
  downMs: number;
  unknownMs: number;
  downCount: number;
  severeCount: number;
  longestDownMs: number;
  sent: number;
  received: number;
}

/** Binary search in an ascending array. */
function has(sorted: Float64Array, t: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === t) return true;
    if (v < t) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Pointer-walking overlap: callers ask for ascending buckets. */
class Cursor {
  private i = 0;
  constructor(private readonly spans: readonly Span[]) {}
  overlap(from: number, to: number): number {
    while (this.i < this.spans.length && this.spans[this.i]![1] <= from) this.i++;
    return overlap(this.spans, from, to, this.i);
  }
}

export function computePointPhase(
  inp: PointPhaseInput,
  hist: RttHistogram,
  timeline: TimelineSink | null,
): PointPhaseResult {
  const { start, end, digest: d } = inp;
  const periodMs = end - start;
  const gaps = inp.gaps;
  const down = subtract(inp.down, gaps);
  const severe = subtract(subtract(inp.severe, inp.down), gaps);
  const outage = union(inp.down, inp.severe);
  const special = new Set<number>();

  const unmeasured = new Set<number>();
  const amber = new Set<number>();
  for (let i = 0; i < d.lossy.length; i += 3) {
    const t = d.lossy[i]!;
    const sent = d.lossy[i + 1]!;
    const lost = sent - d.lossy[i + 2]!;
    if (sent === 0) unmeasured.add(t);
    else if (lost * 100 >= inp.lossPct * sent) amber.add(t);
  }
  for (const t of d.flagged) amber.add(t);
  for (const t of unmeasured) special.add(t);
  for (const t of amber) special.add(t);
  for (const [a, b] of union(gaps, outage)) {
    for (let t = start + Math.floor((a - start) / BUCKET_MS) * BUCKET_MS; t < b; t += BUCKET_MS) special.add(t);
  }

  const n = d.buckets.length;
  const first = n > 0 ? d.buckets[0]! : 0;
  const contiguous = n > 0 && d.buckets[n - 1]! - first === (n - 1) * BUCKET_MS;
  const isPresent = (t: number): boolean => (contiguous ? t >= first && t <= d.buckets[n - 1]! : has(d.buckets, t));
  if (timeline) {
    if (contiguous) timeline.upRange((first - start) / BUCKET_MS, n);
    else for (const t of d.buckets) timeline.add('up', (t - start) / BUCKET_MS, 1);
  }

  let upMs = (n - unmeasured.size) * BUCKET_MS;
  let amberMs = 0;
  const g = new Cursor(gaps);
  const dn = new Cursor(down);
  const sv = new Cursor(severe);
  const os = new Cursor(outage);
  for (const t of [...special].sort((x, y) => x - y)) {
    const to = t + BUCKET_MS;
    const measured = isPresent(t) && !unmeasured.has(t);
    const inGap = g.overlap(t, to);
    const inDown = dn.overlap(t, to);
    const inSevere = sv.overlap(t, to);
    const rest = BUCKET_MS - inGap - inDown - inSevere;
    const isAmber = measured && amber.has(t) && os.overlap(t, to) === 0;
    const base = measured ? BUCKET_MS : 0;
    const restUp = measured && !isAmber ? rest : 0;
    const restAmber = isAmber ? rest : 0;
    upMs += restUp - base;
    amberMs += restAmber;
    if (timeline) {
      const i = (t - start) / BUCKET_MS;
      timeline.add('up', i, (restUp - base) / BUCKET_MS);
      timeline.add('degraded', i, (inSevere + restAmber) / BUCKET_MS);
      timeline.add('down', i, inDown / BUCKET_MS);
    }
  }
  hist.addHundredths(d.rtt);

  const downMs = total(down);
  const severeMs = total(severe);
  let longestDownMs = 0;
  for (const r of inp.downRecords) longestDownMs = Math.max(longestDownMs, total(subtract([r], gaps)));
  return {
    periodMs,
    upMs,
    amberMs,
    severeMs,
    downMs,
    unknownMs: periodMs - upMs - amberMs - severeMs - downMs,
    downCount: inp.downRecords.length,
    severeCount: inp.severeRecords,
    longestDownMs,
    sent: d.sent,
    received: d.received,
  };
}
