// Sets of instants as sorted, disjoint half-open spans [from, to): outages, monitor gaps and phase
// windows meet here. Every function returns a normalised list (sorted, merged, no empty span).

export type Span = readonly [number, number];

export function normalize(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function clip(spans: readonly Span[], from: number, to: number): Span[] {
  return normalize(spans.map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const));
}

export function union(...lists: readonly (readonly Span[])[]): Span[] {
  return normalize(lists.flat());
}

/** `a` minus `b` (both normalised). */
export function subtract(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [from, to] of a) {
    let cur = from;
    while (j < b.length && b[j]![1] <= cur) j++;
    let k = j;
    while (k < b.length && b[k]![0] < to) {
      const [bf, bt] = b[k]!;
      if (bf > cur) out.push([cur, bf]);
      cur = Math.max(cur, bt);
      if (cur >= to) break;
      k++;
    }
    if (cur < to) out.push([cur, to]);
  }
  return out;
}

export function total(spans: readonly Span[]): number {
  let n = 0;
  for (const [a, b] of spans) n += b - a;
  return n;
}

/** |spans ∩ [from, to)|, scanning from `start` (an index no later than the first overlap). */
export function overlap(spans: readonly Span[], from: number, to: number, start = 0): number {
  let n = 0;
  if (to <= from) return 0;
  for (let i = start; i < spans.length; i++) {
    const [a, b] = spans[i]!;
    if (a >= to) break;
    if (b > from) n += Math.min(b, to) - Math.max(a, from);
  }
  return n;
}
