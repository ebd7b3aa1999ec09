// The overview's arithmetic on the client (docs/NATIONAL.md NV4): the regions "most problems first",
// the meeting's totals from its regions, and whether a meeting opens in the overview by default.
import {
  emptyCounts,
  OVERVIEW_FROM,
  type ProblemPoint,
  type RegionView,
  type StateCounts,
} from '../../../shared/overview';
import type { MeetingView } from '../../../shared/protocol';
import { POINT_STATES } from '../../../shared/schemas';

/** Points of a region that need a look: every line not up, and the lines up in front of a dead endpoint. */
export function regionProblems(r: Pick<RegionView, 'counts' | 'endpointDown'>): number {
  return r.counts.down + r.counts.severe + r.counts.degraded + r.counts.unknown + r.endpointDown;
}

/**
 * "Nhiều sự cố trước": the regions with the most problems first, then those with more points down;
 * otherwise inventory order (the sort is stable), so equal regions do not swap under the reader's eye.
 */
export function regionsByProblems<R extends Pick<RegionView, 'counts' | 'endpointDown'>>(regions: readonly R[]): R[] {
  return regions
    .map((r, i) => ({ r, i, n: regionProblems(r) }))
    .sort((a, b) => b.n - a.n || b.r.counts.down - a.r.counts.down || a.i - b.i)
    .map((x) => x.r);
}

export interface MeetingTotals {
  total: number;
  counts: StateCounts;
  endpointDown: number;
}

/** The whole meeting's counts: the sum of its regions' (every participating point is in one region). */
export function meetingTotals(
  regions: readonly Pick<RegionView, 'total' | 'counts' | 'endpointDown'>[],
): MeetingTotals {
  const counts = emptyCounts();
  let total = 0;
  let endpointDown = 0;
  for (const r of regions) {
    total += r.total;
    endpointDown += r.endpointDown;
    for (const s of POINT_STATES) counts[s] += r.counts[s];
  }
  return { total, counts, endpointDown };
}

/** A meeting of more than OVERVIEW_FROM points opens in the overview; a size not given is a small meeting. */
export const isLargeMeeting = (m: Pick<MeetingView, 'size'> | null | undefined): boolean =>
  m?.size !== undefined && m.size > OVERVIEW_FROM;

/** The overview's meeting size: the meeting's own when it says, else the sum of its regions. */
export function overviewSize(
  meeting: Pick<MeetingView, 'size'>,
  regions: readonly Pick<RegionView, 'total'>[],
): number {
  return meeting.size ?? regions.reduce((n, r) => n + r.total, 0);
}

const bad = (p: Pick<ProblemPoint, 'state'>): boolean => p.state === 'down' || p.state === 'severe';

/**
 * The problem points a delta made down or severe (new in the list, or worse than they were): what
 * the overview beeps for, as the grid beeps for an outage opened. Degraded, unknown and a dead
 * endpoint do not beep (the grid's outages are down and severe only).
 */
export function newlyBad(before: readonly ProblemPoint[], entered: readonly ProblemPoint[]): ProblemPoint[] {
  const was = new Map(before.map((p) => [p.code, p]));
  return entered.filter((p) => {
    const old = was.get(p.code);
    return bad(p) && (old === undefined || !bad(old));
  });
}
