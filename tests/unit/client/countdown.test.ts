import { describe, expect, it } from 'vitest';
import { meetingTimes } from '../../../shared/phase';
import { countdownFor, countdownText, durationText } from '../../../client/src/lib/countdown';

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
  it('[NU2] reads as a duration in words, never as a time of day', () => {
    expect(countdownText(0, 'vi')).toBe('0 giây');
    expect(countdownText(65_000, 'vi')).toBe('1 phút 05 giây');
    expect(countdownText(65_000, 'en')).toBe('1 min 05 s');
  });

  it('rounds seconds up, so 0 giây shows exactly at the target', () => {
    expect(countdownText(1, 'vi')).toBe('1 giây');
    expect(countdownText(59_001, 'vi')).toBe('1 phút 00 giây');
  });

  it('hours, and days', () => {
    expect(countdownText(3_723_000, 'vi')).toBe('1 giờ 02 phút');
    expect(countdownText(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000, 'vi')).toBe('2 ngày 03 giờ');
    expect(countdownText(3_723_000, 'en')).toBe('1 h 02 min');
  });

  it('[NU2] elapsed durations (outages) in words, rounded down', () => {
    expect(durationText(59_999, 'vi')).toBe('59 giây');
    expect(durationText(-5, 'vi')).toBe('0 giây');
    expect(durationText(40_000, 'vi')).toBe('40 giây'); // was "0:40"
    expect(durationText(3_600_000, 'vi')).toBe('1 giờ 00 phút');
    expect(durationText(750_000, 'en')).toBe('12 min 30 s');
  });
});
