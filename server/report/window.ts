// The two phases a report covers, as windows on the 10 s bucket grid. The line test runs from its
// start for its planned duration; the live session from its start to its planned end (the monitor
// knows no actual end). A phase under way is covered up to the last complete bucket before `now`.
import { meetingTimes } from '../../shared/phase';
import type { ReportPhase } from '../../shared/report';
import type { Meeting } from '../../shared/schemas';

export const BUCKET_MS = 10_000;

export type PhaseStatus = 'notStarted' | 'inProgress' | 'complete';

export interface PhaseRange {
  phase: ReportPhase;
  /** As planned (ms). */
  from: number;
  to: number;
  /** The covered window [start, end) on the bucket grid; empty (end = start) before the phase. */
  start: number;
  end: number;
  status: PhaseStatus;
}

const floorBucket = (t: number): number => Math.floor(t / BUCKET_MS) * BUCKET_MS;
const ceilBucket = (t: number): number => Math.ceil(t / BUCKET_MS) * BUCKET_MS;

function range(phase: ReportPhase, from: number, to: number, now: number): PhaseRange {
  const start = floorBucket(from);
  const planned = ceilBucket(to);
  const status: PhaseStatus = now < from ? 'notStarted' : now < to ? 'inProgress' : 'complete';
  const end = status === 'complete' ? planned : status === 'inProgress' ? Math.max(start, floorBucket(now)) : start;
  return { phase, from, to, start, end, status };
}

export function phaseRanges(m: Pick<Meeting, 'lineTest' | 'session'>, now: number): Record<ReportPhase, PhaseRange> {
  const t = meetingTimes(m);
  return {
    lineTest: range('lineTest', t.lineTestStart, t.lineTestEnd, now),
    live: range('live', t.sessionStart, t.plannedEnd, now),
  };
}
