import { describe, expect, it } from 'vitest';
import { meetingTimes } from '../../../shared/phase';
import { countdownFor, countdownText, durationText } from '../../../client/src/lib/countdown';
import { vi as viMessages } from '../../../client/src/i18n/vi';

const times = meetingTimes({
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 120 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:30:00+07:00' },
});
const at = (iso: string): number => Date.parse(iso);

describe('countdown target by phase', () => {
  it('before the line test it counts down to the line test', () => {
    const cd = countdownFor('scheduled', times, at('2026-03-05T14:00:00+07:00'));
    expect(cd).toMatchObject({ kind: 'lineTest', remainingMs: 3_600_000, overdue: false });
  });

  it('during the line test and while waiting it counts down to the session start', () => {
    expect(countdownFor('lineTest', times, at('2026-03-05T15:30:00+07:00'))).toMatchObject({ kind: 'session' });
    const cd = countdownFor('waiting', times, at('2026-03-06T07:59:00+07:00'));
    expect(cd).toMatchObject({ kind: 'session', remainingMs: 60_000 });
  });

  it('in session it counts down to the planned end, and says so when running over', () => {
    expect(countdownFor('live', times, at('2026-03-06T11:00:00+07:00'))).toMatchObject({
      kind: 'end',
      remainingMs: 1_800_000,
    });
    expect(countdownFor('live', times, at('2026-03-06T11:31:00+07:00'))).toMatchObject({
      kind: 'end',
      remainingMs: 0,
      overdue: true,
    });
  });

  it('an ended meeting has no countdown', () => {
    expect(countdownFor('ended', times, at('2026-03-06T12:00:00+07:00'))).toBeNull();
  });
});

describe('countdown text', () => {
  const days = viMessages.days;
  it('minutes and seconds under an hour', () => {
    expect(countdownText(0, days)).toBe('0:00');
    expect(countdownText(65_000, days)).toBe('1:05');
  });

  it('rounds seconds up, so 0:00 shows exactly at the target', () => {
    expect(countdownText(1, days)).toBe('0:01');
    expect(countdownText(59_001, days)).toBe('1:00');
  });

  it('hours, and days in Vietnamese', () => {
    expect(countdownText(3_723_000, days)).toBe('1:02:03');
    expect(countdownText(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000, days)).toBe('2 ngày 03:04:05');
  });

  it('elapsed durations round down', () => {
    expect(durationText(59_999, days)).toBe('0:59');
    expect(durationText(-5, days)).toBe('0:00');
    expect(durationText(3_600_000, days)).toBe('1:00:00');
  });
});
