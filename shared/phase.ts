// A meeting's phase and monitoring window at an instant. Pure functions of (meeting, now), shared so
// the dashboard's countdown and the server's scheduler never disagree.
import type { Meeting, Phase } from './schemas';

const MIN = 60_000;

export interface MeetingTimes {
  lineTestStart: number;
  lineTestEnd: number;
  sessionStart: number;
  plannedEnd: number;
}

export function meetingTimes(m: Pick<Meeting, 'lineTest' | 'session'>): MeetingTimes {
  const lineTestStart = Date.parse(m.lineTest.start);
  return {
    lineTestStart,
    lineTestEnd: lineTestStart + m.lineTest.durationMin * MIN,
    sessionStart: Date.parse(m.session.start),
    plannedEnd: Date.parse(m.session.plannedEnd),
  };
}

/** scheduled → lineTest → waiting → live → ended, from the clock alone. */
export function phaseAt(m: Pick<Meeting, 'lineTest' | 'session'>, now: number): Phase {
  const t = meetingTimes(m);
  if (now < t.lineTestStart) return 'scheduled';
  if (now < t.lineTestEnd) return 'lineTest';
  if (now < t.sessionStart) return 'waiting';
  if (now < t.plannedEnd) return 'live';
  return 'ended';
}

export interface WindowConfig {
  /** Minutes the line-test window opens before the line test. */
  lineTestLeadMin: number;
  /** Minutes the live window opens before the session (technicians are in place an hour early). */
  liveLeadMin: number;
  /** Minutes both windows stay open after their planned end. */
  tailMin: number;
}

export const DEFAULT_WINDOWS: WindowConfig = { lineTestLeadMin: 15, liveLeadMin: 60, tailMin: 15 };

export type WindowKind = 'lineTest' | 'live' | null;

/** Which monitoring window (if any) is open at `now`; the live window wins where both are. */
export function windowAt(
  m: Pick<Meeting, 'lineTest' | 'session'>,
  now: number,
  w: WindowConfig = DEFAULT_WINDOWS,
): WindowKind {
  const t = meetingTimes(m);
  if (now >= t.sessionStart - w.liveLeadMin * MIN && now < t.plannedEnd + w.tailMin * MIN) return 'live';
  if (now >= t.lineTestStart - w.lineTestLeadMin * MIN && now < t.lineTestEnd + w.tailMin * MIN) return 'lineTest';
  return null;
}

/** The next instant after `now` at which phaseAt or windowAt may change, or null when none. */
export function nextBoundary(
  m: Pick<Meeting, 'lineTest' | 'session'>,
  now: number,
  w: WindowConfig = DEFAULT_WINDOWS,
): number | null {
  const t = meetingTimes(m);
  const candidates = [
    t.lineTestStart - w.lineTestLeadMin * MIN,
    t.lineTestStart,
    t.lineTestEnd,
    t.lineTestEnd + w.tailMin * MIN,
    t.sessionStart - w.liveLeadMin * MIN,
    t.sessionStart,
    t.plannedEnd,
    t.plannedEnd + w.tailMin * MIN,
  ].filter((c) => c > now);
  return candidates.length ? Math.min(...candidates) : null;
}
