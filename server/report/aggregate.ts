// Figures from summed times: a point's own, or a unit's and the meeting's (the points' times added,
// so a unit's percentages are time-weighted over its points; RTT quantiles from the merged histogram).
import type { AggregateFigures, PhaseFigures } from '../../shared/report';
import { RttHistogram } from './bins';
import type { PointPhaseResult } from './point';

const round2 = (v: number): number => Math.round(v * 100) / 100;
const pct = (part: number, whole: number): number => (whole > 0 ? round2((100 * part) / whole) : 0);

export function phaseFigures(r: PointPhaseResult, hist: RttHistogram): PhaseFigures {
  const degradedMs = r.amberMs + r.severeMs;
  const known = r.periodMs - r.unknownMs;
  const [rttMedian = null, rttP95 = null] = hist.quantiles([0.5, 0.95]);
  return {
    periodMs: r.periodMs,
    upMs: r.upMs,
    degradedMs,
    severeMs: r.severeMs,
    downMs: r.downMs,
    unknownMs: r.unknownMs,
    upPct: pct(r.upMs, r.periodMs),
    degradedPct: pct(degradedMs, r.periodMs),
    downPct: pct(r.downMs, r.periodMs),
    unknownPct: pct(r.unknownMs, r.periodMs),
    reachablePct: known > 0 ? pct(r.upMs + degradedMs, known) : null,
    downCount: r.downCount,
    severeCount: r.severeCount,
    longestDownMs: r.longestDownMs,
    rttMedian,
    rttP95,
    lossPct: r.sent > 0 ? round2((100 * (r.sent - r.received)) / r.sent) : null,
    sent: r.sent,
    received: r.received,
  };
}

/** Sums of points' results, for a unit or the whole meeting. */
export class Accumulator {
  readonly hist = new RttHistogram();
  private sum: PointPhaseResult = Accumulator.zero();
  private points = 0;
  private pointsWithDown = 0;
  private pointsUnknown = 0;

  private static zero(): PointPhaseResult {
    return {
      periodMs: 0,
      upMs: 0,
      amberMs: 0,
      severeMs: 0,
      downMs: 0,
      unknownMs: 0,
      downCount: 0,
      severeCount: 0,
      longestDownMs: 0,
      sent: 0,
      received: 0,
    };
  }

  add(r: PointPhaseResult, hist: RttHistogram): void {
    const s = this.sum;
    s.periodMs += r.periodMs;
    s.upMs += r.upMs;
    s.amberMs += r.amberMs;
    s.severeMs += r.severeMs;
    s.downMs += r.downMs;
    s.unknownMs += r.unknownMs;
    s.downCount += r.downCount;
    s.severeCount += r.severeCount;
    s.longestDownMs = Math.max(s.longestDownMs, r.longestDownMs);
    s.sent += r.sent;
    s.received += r.received;
    this.hist.addAll(hist);
    this.points++;
    if (r.downCount > 0) this.pointsWithDown++;
    if (r.unknownMs === r.periodMs) this.pointsUnknown++;
  }

  figures(): AggregateFigures {
    return {
      ...phaseFigures(this.sum, this.hist),
      points: this.points,
      pointsWithDown: this.pointsWithDown,
      pointsUnknown: this.pointsUnknown,
    };
  }

  clear(): void {
    this.hist.clear();
    this.sum = Accumulator.zero();
    this.points = 0;
    this.pointsWithDown = 0;
    this.pointsUnknown = 0;
  }
}
