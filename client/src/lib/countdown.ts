// What the header counts down to, and how the remaining time reads. The phase comes from the server;
// `now` is the client clock corrected by the server's offset.
import type { MeetingTimes } from '../../../shared/phase';
import type { Phase } from '../../../shared/schemas';
import { formatDurationWords, type DurationLang } from '../../../shared/time';

export type CountdownKind = 'lineTest' | 'session' | 'end';

export interface Countdown {
  kind: CountdownKind;
  at: number;
  /** Milliseconds left, never negative. */
  remainingMs: number;
  /** The target has passed but the phase has not moved on yet (a session running over time). */
  overdue: boolean;
}

const TARGET: Record<Phase, CountdownKind | null> = {
  scheduled: 'lineTest',
  lineTest: 'session',
  waiting: 'session',
  live: 'end',
  ended: null,
};

export function countdownFor(phase: Phase, times: MeetingTimes, now: number): Countdown | null {
  const kind = TARGET[phase];
  if (kind === null) return null;
  const at = kind === 'lineTest' ? times.lineTestStart : kind === 'session' ? times.sessionStart : times.plannedEnd;
  return { kind, at, remainingMs: Math.max(0, at - now), overdue: now >= at };
}

/**
 * The time left, in words (`4 phút 05 giây`, `1 giờ 05 phút`; English `4 min 05 s`): never `4:05`,
 * which reads as a time of day. Seconds round up, so the display reaches `0 giây` exactly at the
 * target rather than a second early.
 */
export function countdownText(remainingMs: number, lang: DurationLang): string {
  return formatDurationWords(Math.ceil(Math.max(0, remainingMs) / 1000) * 1000, lang);
}

/** Elapsed durations (outages) in words: `7 giây`, `12 phút 30 giây`, `1 giờ 02 phút`; seconds round down. */
export function durationText(ms: number, lang: DurationLang): string {
  return formatDurationWords(Math.max(0, ms), lang);
}
