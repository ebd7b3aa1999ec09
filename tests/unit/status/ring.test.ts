import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RING_CAPACITY, Ring, median } from '../../../server/status/ring';

describe('ring buffer', () => {
  it('[ST7] median by quickselect equals the median of the sorted values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -500, max: 500 }), { maxLength: 200 }), fc.nat(50), (xs, drop) => {
        const r = new Ring(2);
        for (const [i, x] of xs.entries()) {
          if (r.full()) r.shift();
          r.push(i, x);
        }
        const kept = xs.slice(Math.min(drop, xs.length));
        for (let i = 0; i < Math.min(drop, xs.length); i++) r.shift();
        const sorted = [...kept].sort((a, b) => a - b);
        const m = sorted.length >> 1;
        const want = sorted.length === 0 ? null : sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
        expect(median(r)).toBe(want);
      }),
      { seed: 3, numRuns: 500 },
    );
  });

  it('grows, keeps order across wrap-around, and stops at its maximum capacity', () => {
    const r = new Ring(2);
    for (let i = 0; i < 5; i++) {
      expect(r.full()).toBe(false);
      r.push(i, i * 10);
    }
    expect(r.shift()).toBe(0);
    expect(r.shift()).toBe(10);
    r.push(5, 50);
    r.push(6, 60);
    expect(r.oldestT()).toBe(2);
    expect(Array.from({ length: r.size }, (_, i) => r.value(i))).toEqual([20, 30, 40, 50, 60]);
    const big = new Ring(MAX_RING_CAPACITY / 2);
    for (let i = 0; i < MAX_RING_CAPACITY; i++) {
      expect(big.full()).toBe(false);
      big.push(i, i);
    }
    expect(big.full()).toBe(true);
    expect(big.size).toBe(MAX_RING_CAPACITY);
  });
});
