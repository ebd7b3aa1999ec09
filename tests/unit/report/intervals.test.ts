// The interval arithmetic and the RTT histogram under the report, checked against brute force.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RttHistogram, binValue, rttBin } from '../../../server/report/bins';
import { clip, normalize, overlap, subtract, total, union, type Span } from '../../../server/report/intervals';

const span = fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })).map(([a, b]) => [a, b] as Span);
const spans = fc.array(span, { maxLength: 8 });

/** The instants 0..69 a list covers, as a set. */
const cover = (list: readonly Span[]): Set<number> => {
  const s = new Set<number>();
  for (const [a, b] of list) for (let t = a; t < b; t++) s.add(t);
  return s;
};
const same = (list: readonly Span[], expected: Set<number>): void => {
  expect(cover(list)).toEqual(expected);
  // Normalised: sorted, disjoint, not touching, none empty.
  list.forEach(([a, b], i) => {
    expect(b).toBeGreaterThan(a);
    if (i > 0) expect(a).toBeGreaterThan(list[i - 1]![1]);
  });
};

describe('intervals', () => {
  it('normalize, union, clip, subtract, total and overlap agree with counting instants', () => {
    fc.assert(
      fc.property(spans, spans, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (a, b, x, y) => {
        const A = cover(a);
        const B = cover(b);
        same(normalize(a), A);
        same(union(a, b), new Set([...A, ...B]));
        same(clip(a, x, y), new Set([...A].filter((t) => t >= x && t < y)));
        same(subtract(normalize(a), normalize(b)), new Set([...A].filter((t) => !B.has(t))));
        expect(total(normalize(a))).toBe(A.size);
        expect(overlap(normalize(a), x, y)).toBe([...A].filter((t) => t >= x && t < y).length);
      }),
    );
  });
});

describe('RTT bins', () => {
  it('are ordered, and each bin’s value is at most the RTT it holds, within its resolution', () => {
    const wrong: string[] = [];
    let prev = -1;
    for (let u = 0; u < 1_200_000; u += u < 20_000 ? 1 : 97) {
      const b = rttBin(u);
      const ms = u / 100;
      const res = ms < 1 ? 0.01 : ms < 100 ? 0.1 : ms < 1000 ? 1 : 10;
      const v = binValue(b);
      const ok = b >= prev && (ms < 10_000 ? v <= ms + 1e-9 && ms - v < res + 1e-9 : v === 10_000);
      if (!ok) wrong.push(`${u} → bin ${b} = ${v} ms`);
      prev = b;
    }
    expect(wrong).toEqual([]);
  });

  it('[RP8] quantiles are nearest-rank over the samples, merged histograms as one', () => {
    const h = new RttHistogram();
    h.addHundredths(Uint32Array.from([2000, 2000, 2000, 15000, 30000]));
    expect(h.quantile(0.5)).toBe(20);
    expect(h.quantile(0.8)).toBe(150); // rank 4
    expect(h.quantile(0.95)).toBe(300); // rank ⌈4.75⌉ = 5
    const other = new RttHistogram();
    other.addHundredths(Uint32Array.from([4, 12_345_678]));
    h.addAll(other);
    expect(h.total).toBe(7);
    expect(h.quantile(1 / 7)).toBe(0.04);
    expect(h.quantile(1)).toBe(10_000);
    h.clear();
    expect(h.quantile(0.5)).toBeNull();
  });
});
