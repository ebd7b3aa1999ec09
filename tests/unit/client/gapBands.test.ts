import { describe, expect, it } from 'vitest';
import { toWireInstant } from '../../../shared/time';
import { gapBands } from '../../../client/src/lib/chartData';

const MIN = 60_000;
const T0 = Date.parse('2026-03-06T07:00:00+07:00');
const range = { from: T0, to: T0 + 200 * MIN };
const gap = (from: number, to: number) => ({ from: toWireInstant(from), to: toWireInstant(to) });

describe('monitor gaps on the chart', () => {
  it('draws a gap inside the range as it is', () => {
    expect(gapBands([gap(T0 + 30 * MIN, T0 + 45 * MIN)], range)).toEqual([
      { key: expect.any(String), x1: T0 + 30 * MIN, x2: T0 + 45 * MIN },
    ]);
  });

  it('clips a gap that began before the chart or ends after it', () => {
    const [band] = gapBands([gap(T0 - 60 * MIN, T0 + 300 * MIN)], range);
    expect(band).toMatchObject({ x1: range.from, x2: range.to });
  });

  it('leaves out gaps wholly outside the range, and nonsense (to before from)', () => {
    expect(gapBands([gap(T0 - 60 * MIN, T0 - 1), gap(T0 + 201 * MIN, T0 + 210 * MIN)], range)).toEqual([]);
    expect(gapBands([gap(T0 + 50 * MIN, T0 + 40 * MIN), { from: 'x', to: 'y' }], range)).toEqual([]);
  });

  it('widens a restart of a few seconds to 1/200 of the chart so that it is seen', () => {
    const [band] = gapBands([gap(T0 + 100 * MIN, T0 + 100 * MIN + 2000)], range);
    expect(band!.x2 - band!.x1).toBeCloseTo(MIN, 5);
    // At the chart's right edge ("now"), it widens to the left.
    const [edge] = gapBands([gap(range.to - 1000, range.to)], range);
    expect(edge).toMatchObject({ x2: range.to });
    expect(edge!.x2 - edge!.x1).toBeCloseTo(MIN, 5);
  });
});
