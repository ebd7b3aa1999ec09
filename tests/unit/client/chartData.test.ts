import { describe, expect, it } from 'vitest';
import { meetingTimes } from '../../../shared/phase';
import type { Sample } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import { buildSeries, chartRange, outageBands, timeTicks } from '../../../client/src/lib/chartData';
import { outage } from './fixtures';

const times = meetingTimes({
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 120 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:30:00+07:00' },
});
const MIN = 60_000;

function sample(
  t: number,
  sent: number,
  received: number,
  min: number | null,
  avg: number | null,
  max: number | null,
  host = '10.0.0.1',
): Sample {
  return {
    point: 'P',
    target: host,
    t: toWireInstant(t),
    sent,
    received,
    rttMin: min,
    rttAvg: avg,
    rttMax: max,
    jitter: null,
  };
}

describe('chart range', () => {
  it('runs from 15 min before the line test to now', () => {
    const now = Date.parse('2026-03-06T09:00:00+07:00');
    expect(chartRange(times, now)).toEqual({ from: times.lineTestStart - 15 * MIN, to: now });
  });

  it('stops 15 min after the planned end', () => {
    const later = Date.parse('2026-03-07T00:00:00+07:00');
    expect(chartRange(times, later).to).toBe(times.plannedEnd + 15 * MIN);
  });

  it('is never empty, even before it starts', () => {
    const r = chartRange(times, times.lineTestStart - 60 * MIN);
    expect(r.to).toBeGreaterThan(r.from);
  });
});

describe('series', () => {
  const from = times.sessionStart;
  const range = { from, to: from + 10 * MIN };

  it('keeps 10 s rollups of the chosen host as they are, loss in percent', () => {
    const s = buildSeries(
      [
        sample(from, 10, 10, 1, 2, 3),
        sample(from + 10_000, 10, 8, 2, 4, 9),
        sample(from, 10, 0, null, null, null, '10.0.0.2'),
      ],
      '10.0.0.1',
      range,
    );
    expect(s).toEqual([
      { t: from, avg: 2, band: [1, 3], loss: 0 },
      { t: from + 10_000, avg: 4, band: [2, 9], loss: 20 },
    ]);
  });

  it('a bucket with every probe lost has loss 100 and no RTT', () => {
    expect(buildSeries([sample(from, 10, 0, null, null, null)], '10.0.0.1', range)).toEqual([
      { t: from, avg: null, band: null, loss: 100 },
    ]);
  });

  it('merges rollups into at most maxPoints bins, weighting the average by replies', () => {
    const samples = [sample(from, 10, 10, 1, 10, 20), sample(from + 10_000, 10, 5, 5, 40, 80)];
    const s = buildSeries(samples, '10.0.0.1', range, 30); // 10 min / 30 bins → 20 s bins
    expect(s).toEqual([{ t: from, avg: 20, band: [1, 80], loss: 25 }]);
  });

  it('breaks the line over a long silence (overnight) but not over 60 s probing', () => {
    const sparse = [0, 1, 2, 3].map((i) => sample(from + i * MIN, 1, 1, 5, 5, 5));
    expect(buildSeries(sparse, '10.0.0.1', range).every((p) => p.avg !== null)).toBe(true);
    const gap = [sample(from, 1, 1, 5, 5, 5), sample(from + 9 * MIN, 1, 1, 5, 5, 5)];
    const s = buildSeries(gap, '10.0.0.1', range);
    expect(s.map((p) => p.avg)).toEqual([5, null, 5]);
  });

  it('ignores rollups outside the range and empty ones', () => {
    expect(
      buildSeries([sample(from - 10_000, 1, 1, 1, 1, 1), sample(from, 0, 0, null, null, null)], '10.0.0.1', range),
    ).toEqual([]);
  });
});

describe('outage bands', () => {
  const range = { from: times.sessionStart, to: times.sessionStart + 60 * MIN };
  it('clips to the range and runs an open outage to now', () => {
    const now = times.sessionStart + 30 * MIN;
    const bands = outageBands(
      [
        outage({
          id: 1,
          point: 'P',
          startedAt: toWireInstant(range.from - 5 * MIN),
          endedAt: toWireInstant(range.from + MIN),
        }),
        outage({ id: 2, point: 'P', type: 'severe', startedAt: toWireInstant(range.from + 20 * MIN) }),
        outage({
          id: 3,
          point: 'P',
          startedAt: toWireInstant(range.from - 20 * MIN),
          endedAt: toWireInstant(range.from - 10 * MIN),
        }),
      ],
      range,
      now,
    );
    expect(bands).toEqual([
      { id: 1, type: 'down', x1: range.from, x2: range.from + MIN, open: false },
      { id: 2, type: 'severe', x1: range.from + 20 * MIN, x2: now, open: true },
    ]);
  });
});

const short = (id: number, s: number, e: number) =>
  outage({ id, point: 'P', startedAt: toWireInstant(s), endedAt: toWireInstant(e) });

describe('short outages', () => {
  it('are widened to a visible share of the range, inside it', () => {
    const range = { from: 0, to: 200_000 };
    const bands = outageBands([short(1, 50_000, 50_200), short(2, 199_900, 199_950)], range, 300_000);
    expect(bands.map((b) => [b.x1, b.x2])).toEqual([
      [50_000, 51_000],
      [199_000, 200_000],
    ]);
  });
});

describe('time ticks', () => {
  it('falls on round local (UTC+7) times and fits the budget', () => {
    const from = Date.parse('2026-03-06T08:07:00+07:00');
    const ticks = timeTicks({ from, to: from + 50 * MIN }, 8);
    expect(ticks.map((t) => toWireInstant(t).slice(11, 16))).toEqual(['08:10', '08:20', '08:30', '08:40', '08:50']);
  });

  it('a day-long range (line test the day before) uses hour steps at round hours', () => {
    const r = chartRange(times, times.plannedEnd + 60 * MIN);
    const ticks = timeTicks(r, 8);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const t of ticks) expect(toWireInstant(t).slice(14, 16)).toBe('00');
    expect(ticks[0]!).toBeGreaterThanOrEqual(r.from);
    expect(ticks.at(-1)!).toBeLessThanOrEqual(r.to);
  });
});
