import { describe, expect, it } from 'vitest';
import { toWireInstant } from '../../../shared/time';
import type { Sample } from '../../../shared/schemas';
import { gapBands, silenceBands } from '../../../client/src/lib/chartData';

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

/** Bands in minutes from T0. */
const spans = (bands: { x1: number; x2: number }[]) => bands.map((b) => [(b.x1 - T0) / MIN, (b.x2 - T0) / MIN]);

describe('time the point was not observed', () => {
  const HOST = '127.0.0.9';
  const sample = (t: number, host = HOST): Sample => ({
    point: 'C1',
    target: host,
    t: toWireInstant(t),
    sent: 10,
    received: 10,
    rttMin: 1,
    rttAvg: 1,
    rttMax: 1,
    jitter: 0,
  });
  const every = (from: number, to: number, stepMs: number): Sample[] => {
    const out: Sample[] = [];
    for (let t = from; t < to; t += stepMs) out.push(sample(t));
    return out;
  };

  it('[NU5] shades the chart before the server first probed the point, and nothing once results flow', () => {
    // The chart spans the whole window; the server started at +60 min and has probed every 10 s since.
    const samples = every(T0 + 60 * MIN, T0 + 200 * MIN, 10_000);
    expect(spans(silenceBands(samples, HOST, [], range, range.to))).toEqual([[0, 60]]);
    // Another host's results (the backup line) say nothing about this one.
    expect(spans(silenceBands([sample(T0), ...samples], '127.0.0.8', [], range, range.to))).toEqual([[0, 200]]);
  });

  it('[NU5] a silence longer than 2 min is shaded; the 60 s idle cadence and the unwritten last seconds are not', () => {
    const samples = [
      ...every(T0, T0 + 50 * MIN, 60_000), // idle cadence: observed
      ...every(T0 + 80 * MIN, T0 + 200 * MIN - 15_000, 10_000), // a 30 min silence before
    ];
    expect(spans(silenceBands(samples, HOST, [], range, range.to))).toEqual([[49 + 1 / 6, 80]]);
    // Until now, not past it: a chart whose range runs ahead of the clock shades no future.
    const now = T0 + 150 * MIN;
    expect(spans(silenceBands(every(T0, now - 20_000, 10_000), HOST, [], range, now))).toEqual([]);
  });

  it('[NU5] leaves out what the recorded monitor gaps already shade, keeping the rest of a silence', () => {
    const samples = [...every(T0, T0 + 20 * MIN, 10_000), ...every(T0 + 100 * MIN, T0 + 200 * MIN, 10_000)];
    const recorded = [gap(T0 + 40 * MIN, T0 + 100 * MIN)];
    expect(spans(silenceBands(samples, HOST, recorded, range, range.to))).toEqual([[20, 40]]);
    // Both together cover the whole silence, once each.
    expect(spans(gapBands(recorded, range))).toEqual([[40, 100]]);
  });
});
