// A growable ring buffer of (t, value) pairs in two typed arrays: one per rolling window of each
// target. Typed arrays keep 10,000 targets' windows out of the garbage collector's way.

const INITIAL_CAPACITY = 8;
/** Beyond this the oldest sample is dropped: a window never needs more at any sane cadence. */
export const MAX_RING_CAPACITY = 1 << 14;

export class Ring {
  private ts: Float64Array;
  private vs: Float64Array;
  private head = 0;
  /** Capacity is a power of two, so indices wrap with a mask rather than a division. */
  private mask: number;
  size = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    const cap = 2 ** Math.ceil(Math.log2(Math.max(2, Math.min(capacity, MAX_RING_CAPACITY))));
    this.ts = new Float64Array(cap);
    this.vs = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** True when a push would have to drop the oldest sample (the caller evicts it first). */
  full(): boolean {
    return this.size === this.ts.length && !this.grow();
  }

  /** Appends; the caller must have made room (see `full`). */
  push(t: number, v: number): void {
    const i = (this.head + this.size) & this.mask;
    this.ts[i] = t;
    this.vs[i] = v;
    this.size++;
  }

  /** Time of the oldest sample; only valid when size > 0. */
  oldestT(): number {
    return this.ts[this.head]!;
  }

  /** Drops the oldest sample and returns its value; only valid when size > 0. */
  shift(): number {
    const v = this.vs[this.head]!;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return v;
  }

  /** Value of the i-th oldest sample. */
  value(i: number): number {
    return this.vs[(this.head + i) & this.mask]!;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private grow(): boolean {
    const cap = this.ts.length;
    if (cap >= MAX_RING_CAPACITY) return false;
    const ts = new Float64Array(cap * 2);
    const vs = new Float64Array(cap * 2);
    for (let i = 0; i < this.size; i++) {
      const j = (this.head + i) & this.mask;
      ts[i] = this.ts[j]!;
      vs[i] = this.vs[j]!;
    }
    this.ts = ts;
    this.vs = vs;
    this.head = 0;
    this.mask = cap * 2 - 1;
    return true;
  }
}

let scratch = new Float64Array(64);

/** Median of the ring's values, by quickselect on a shared scratch array (no allocation). */
export function median(r: Ring): number | null {
  const n = r.size;
  if (n === 0) return null;
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) scratch[i] = r.value(i);
  const hi = select(scratch, n, n >> 1);
  if (n % 2 === 1) return hi;
  // After select, everything left of n/2 is ≤ hi: the lower middle is their maximum.
  let lo = scratch[0]!;
  for (let i = 1; i < n >> 1; i++) if (scratch[i]! > lo) lo = scratch[i]!;
  return (lo + hi) / 2;
}

/** Hoare's quickselect: the k-th smallest of a[0..n), partially reordering a. */
function select(a: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i] = a[j]!;
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}
