// Series for the point detail chart: 10 s rollups of one target over the meeting (line test − 15 min …
// now, at most planned end + 15 min), merged into at most `maxPoints` bins so a day-long range stays
// light, with breaks where nothing was measured (overnight between line test and session).
import type { MeetingTimes } from '../../../shared/phase';
import type { Outage, OutageType, Sample } from '../../../shared/schemas';
import { VN_OFFSET_MS, toWireInstant } from '../../../shared/time';

export const CHART_MARGIN_MS = 15 * 60_000;
export const ROLLUP_MS = 10_000;

export interface ChartRange {
  from: number;
  to: number;
}

export interface ChartPoint {
  t: number;
  avg: number | null;
  /** [min, max] RTT of the bin, for the band. */
  band: [number, number] | null;
  loss: number | null;
}

export interface OutageBand {
  id: number;
  type: OutageType;
  x1: number;
  x2: number;
  open: boolean;
}

export function chartRange(times: MeetingTimes, now: number): ChartRange {
  const from = times.lineTestStart - CHART_MARGIN_MS;
  const to = Math.min(Math.max(now, from + 60_000), times.plannedEnd + CHART_MARGIN_MS);
  return { from, to };
}

const round = (n: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

interface Bin {
  sent: number;
  received: number;
  rttSum: number;
  rttWeight: number;
  min: number;
  max: number;
}

export function buildSeries(
  samples: readonly Sample[],
  target: string,
  range: ChartRange,
  maxPoints = 720,
): ChartPoint[] {
  const span = Math.max(range.to - range.from, ROLLUP_MS);
  const binMs = Math.max(ROLLUP_MS, Math.ceil(span / maxPoints / ROLLUP_MS) * ROLLUP_MS);
  const bins = new Map<number, Bin>();
  for (const s of samples) {
    if (s.target !== target || s.sent <= 0) continue;
    const t = Date.parse(s.t);
    if (!(t >= range.from && t <= range.to)) continue;
    const idx = Math.floor((t - range.from) / binMs);
    const bin = bins.get(idx) ?? { sent: 0, received: 0, rttSum: 0, rttWeight: 0, min: Infinity, max: -Infinity };
    bin.sent += s.sent;
    bin.received += s.received;
    if (s.rttAvg !== null && s.received > 0) {
      bin.rttSum += s.rttAvg * s.received;
      bin.rttWeight += s.received;
    }
    if (s.rttMin !== null) bin.min = Math.min(bin.min, s.rttMin);
    if (s.rttMax !== null) bin.max = Math.max(bin.max, s.rttMax);
    bins.set(idx, bin);
  }
  // Probes every 60 s outside the windows leave empty 10 s buckets: only longer silences break the line.
  const gapBins = Math.max(3, Math.ceil(120_000 / binMs));
  const points: ChartPoint[] = [];
  let prev: number | null = null;
  for (const idx of [...bins.keys()].sort((a, b) => a - b)) {
    const bin = bins.get(idx)!;
    if (prev !== null && idx - prev > gapBins) {
      points.push({ t: range.from + (prev + 1) * binMs, avg: null, band: null, loss: null });
    }
    const avg = bin.rttWeight > 0 ? round(bin.rttSum / bin.rttWeight, 3) : null;
    const band: [number, number] | null = bin.min <= bin.max ? [bin.min, bin.max] : null;
    points.push({
      t: range.from + idx * binMs,
      avg,
      band,
      loss: round((100 * (bin.sent - bin.received)) / bin.sent, 1),
    });
    prev = idx;
  }
  return points;
}

/** Share of the range a band covers at least, so a 5 s outage on a day-long chart is still seen. */
const MIN_BAND_SHARE = 1 / 200;

/** Outages as shaded x-ranges clipped to the chart; an open one runs to `now`. */
export function outageBands(outages: readonly Outage[], range: ChartRange, now: number): OutageBand[] {
  const minWidth = (range.to - range.from) * MIN_BAND_SHARE;
  const bands: OutageBand[] = [];
  for (const o of outages) {
    const start = Date.parse(o.startedAt);
    const end = o.endedAt === null ? now : Date.parse(o.endedAt);
    let x1 = Math.max(start, range.from);
    let x2 = Math.min(end, range.to);
    if (x2 < x1 || start > range.to) continue;
    if (x2 - x1 < minWidth) {
      x2 = Math.min(range.to, x1 + minWidth);
      x1 = Math.max(range.from, x2 - minWidth);
    }
    bands.push({ id: o.id, type: o.type, x1, x2, open: o.endedAt === null });
  }
  return bands;
}

const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

/** Round wall-clock ticks (Asia/Ho_Chi_Minh) across the range: at most `maxTicks` of them. */
export function timeTicks(range: ChartRange, maxTicks = 8): number[] {
  const span = range.to - range.from;
  const stepMin =
    TICK_STEPS_MIN.find((m) => span / (m * 60_000) <= maxTicks) ?? Math.ceil(span / maxTicks / 86_400_000) * 1440;
  const step = stepMin * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((range.from + VN_OFFSET_MS) / step) * step - VN_OFFSET_MS; t <= range.to; t += step)
    ticks.push(t);
  return ticks;
}

export interface GapBand {
  key: string;
  x1: number;
  x2: number;
}

/**
 * Spans when no monitor ran (a crash, a stop) as grey x-ranges clipped to the chart: the state was
 * unknown then, neither up nor down. Widened like outages so a short restart is still seen.
 */
export function gapBands(gaps: readonly { from: string; to: string }[], range: ChartRange): GapBand[] {
  const minWidth = (range.to - range.from) * MIN_BAND_SHARE;
  const bands: GapBand[] = [];
  for (const g of gaps) {
    const from = Date.parse(g.from);
    const to = Date.parse(g.to);
    if (!(from <= to) || to < range.from || from > range.to) continue;
    let x1 = Math.max(from, range.from);
    let x2 = Math.min(to, range.to);
    if (x2 - x1 < minWidth) {
      x2 = Math.min(range.to, x1 + minWidth);
      x1 = Math.max(range.from, x2 - minWidth);
    }
    bands.push({ key: `${g.from}/${g.to}`, x1, x2 });
  }
  return bands;
}

/** A silence longer than this in a target's rollups means it was not observed then (60 s idle cadence fits). */
export const SILENCE_MS = 120_000;

/**
 * The spans of the chart when the target was not observed although the server recorded no monitor gap
 * for them, as grey x-ranges: before its first stored result (the server had not started monitoring
 * it yet), silences of more than `SILENCE_MS` between results, and after its last result up to `now`
 * when that is a silence too. The recorded gaps (`/api/gaps`) are left out here: `gapBands` draws
 * them. Widened like outages, so a short one is still seen. The last ~20 s, which the rollup buffer
 * has not written yet, are not a silence.
 */
export function silenceBands(
  samples: readonly Sample[],
  target: string,
  gaps: readonly { from: string; to: string }[],
  range: ChartRange,
  now: number,
): GapBand[] {
  const end = Math.min(range.to, now);
  const silences: [number, number][] = [];
  let covered = range.from;
  const times = samples
    .filter((x) => x.target === target && x.sent > 0)
    .map((x) => Date.parse(x.t))
    .filter((t) => t >= range.from - ROLLUP_MS && t <= range.to)
    .sort((a, b) => a - b);
  for (const t of times) {
    if (t - covered > SILENCE_MS) silences.push([covered, t]);
    covered = Math.max(covered, t + ROLLUP_MS);
  }
  if (end - covered > SILENCE_MS) silences.push([covered, end]);
  const recorded = gaps
    .map((g) => [Date.parse(g.from), Date.parse(g.to)] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  const out: { from: string; to: string }[] = [];
  for (const [a0, b] of silences) {
    let a = a0;
    for (const [ga, gb] of recorded) {
      if (gb <= a || ga >= b) continue;
      if (ga - a > SILENCE_MS) out.push({ from: toWireInstant(a), to: toWireInstant(ga) });
      a = Math.max(a, gb);
    }
    if (b - a > SILENCE_MS) out.push({ from: toWireInstant(a), to: toWireInstant(b) });
  }
  return gapBands(out, range).map((g) => ({ ...g, key: `silence:${g.key}` }));
}

/** Outage bands on every chart: the tiles' colours for down and severe (Okabe–Ito). */
export const OUTAGE_FILL = { down: '#D55E00', severe: '#E69F00' } as const;
