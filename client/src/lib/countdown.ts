// What the header counts down to, and how the remaining time reads. The phase comes from the server;
// `now` is the client clock corrected by the server's offset.
import type { MeetingTimes } from '../../../shared/phase';
import type { Phase } from '../../../shared/schemas';

export type CountdownKind = 'lineTest' | 'session' | 'end';

export interface Countdown {
  kind: CountdownKind;
  at: number;
  /** Milliseconds left, never negative. */
  remainingMs: number;
  /** The target has passed but the phase has not moved on yet (a session running over time). */
  overdue: boolean;
}

const two = (n: number): string => String(n).padStart(2, '0');

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
 * `4:05`, `1:02:03`, `2 ngày 03:04:05`. Seconds round up, so the display reaches 0:00 exactly at the
 * target rather than a second early.
 */
export function countdownText(remainingMs: number, days: (n: number) => string): string {
  const total = Math.max(0, Math.ceil(remainingMs / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${days(d)} ${two(h)}:${two(m)}:${two(s)}`;
  if (h > 0) return `${h}:${two(m)}:${two(s)}`;
  return `${m}:${two(s)}`;
}

/** Elapsed durations (outages): `0:07`, `12:30`, `1:02:03`, `2 ngày 03:04:05`; seconds round down. */
export function durationText(ms: number, days: (n: number) => string): string {
  return countdownText(Math.floor(Math.max(0, ms) / 1000) * 1000, days);
}
