// RTT quantiles from a histogram of the 10 s bucket averages. Fixed bins (finer where RTTs are small)
// let a unit's or the meeting's quantiles come from summing its points' histograms, with no sort of
// millions of values. Resolution: 0.01 ms below 1 ms, 0.1 ms below 100 ms, 1 ms below 1 s, 10 ms
// below 10 s; beyond, one bin. A quantile is reported as its bin's lower edge (rounded down).

/** RTTs arrive in hundredths of a ms (truncated), as the store digests them. */
export function rttBin(hundredths: number): number {
  const u = hundredths;
  if (u < 100) return u;
  if (u < 10_000) return 100 + Math.floor((u - 100) / 10);
  if (u < 100_000) return 1_090 + Math.floor((u - 10_000) / 100);
  if (u < 1_000_000) return 1_990 + Math.floor((u - 100_000) / 1_000);
  return 2_890;
}

export const RTT_BINS = 2_891;

/** rttBin for RTTs below 1 s, looked up: the report bins millions of them. */
const LUT_LIMIT = 100_000;
const LUT = new Uint16Array(LUT_LIMIT);
for (let u = 0; u < LUT_LIMIT; u++) LUT[u] = rttBin(u);

/** The lower edge of a bin, in ms (exact to the bin's resolution). */
export function binValue(bin: number): number {
  if (bin < 100) return bin / 100;
  if (bin < 1_090) return (100 + (bin - 100) * 10) / 100;
  if (bin < 1_990) return 100 + (bin - 1_090);
  if (bin < 2_890) return 1_000 + (bin - 1_990) * 10;
  return 10_000;
}

/** A histogram that remembers which bins it touched, so merging and clearing cost what was added. */
export class RttHistogram {
  private readonly counts = new Float64Array(RTT_BINS);
  private readonly touched: number[] = [];
  total = 0;

  add(bin: number, weight = 1): void {
    if (this.counts[bin] === 0) this.touched.push(bin);
    this.counts[bin]! += weight;
    this.total += weight;
  }

  /** One sample per RTT, in hundredths of a ms. */
  addHundredths(values: Uint32Array): void {
    const counts = this.counts;
    for (let i = 0; i < values.length; i++) {
      const u = values[i]!;
      const bin = u < LUT_LIMIT ? LUT[u]! : rttBin(u);
      if (counts[bin] === 0) this.touched.push(bin);
      counts[bin]!++;
    }
    this.total += values.length;
  }

  addAll(other: RttHistogram): void {
    for (const b of other.touched) this.add(b, other.counts[b]!);
  }

  /** Nearest-rank quantile (q in (0, 1]) in ms; null when empty. */
  quantile(q: number): number | null {
    return this.quantiles([q])[0] ?? null;
  }

  /** Several quantiles, ascending q, in one walk up the bins (no sort: thousands of points ask). */
  quantiles(qs: readonly number[]): (number | null)[] {
    if (this.total === 0) return qs.map(() => null);
    const out: (number | null)[] = [];
    let k = 0;
    let seen = 0;
    for (let b = 0; b < RTT_BINS && k < qs.length; b++) {
      seen += this.counts[b]!;
      while (k < qs.length && seen >= Math.max(1, Math.ceil(qs[k]! * this.total - 1e-9))) {
        out.push(binValue(b));
        k++;
      }
    }
    while (out.length < qs.length) out.push(binValue(RTT_BINS - 1));
    return out;
  }

  clear(): void {
    for (const b of this.touched) this.counts[b] = 0;
    this.touched.length = 0;
    this.total = 0;
  }
}
