// The failed-login limiter on a ManualClock: a sliding window of failures per key, bounded memory.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { FailureLimiter } from '../../../server/auth/limiter';

const MIN = 60_000;

describe('failed-login limiter', () => {
  it('blocks a key after 5 failures within 15 min, until the oldest leaves the window', () => {
    const clock = new ManualClock(1_000_000);
    const l = new FailureLimiter({ clock });
    for (let i = 0; i < 4; i++) {
      l.fail('user:an');
      clock.advance(MIN);
    }
    expect(l.blockedFor('user:an')).toBe(0);
    l.fail('user:an'); // 5th failure, 4 min after the first
    expect(l.blockedFor('user:an')).toBe(11 * MIN);
    expect(l.blockedFor('user:binh')).toBe(0);
    clock.advance(11 * MIN - 1);
    expect(l.blockedFor('user:an')).toBe(1);
    clock.advance(1);
    // The first failure left the window: four remain, one more try is allowed.
    expect(l.blockedFor('user:an')).toBe(0);
    l.fail('user:an');
    expect(l.blockedFor('user:an')).toBe(MIN);
  });

  it('forgets a key on reset and after the window', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock, max: 2, windowMs: 10_000 });
    l.fail('k');
    l.fail('k');
    expect(l.blockedFor('k')).toBe(10_000);
    l.reset('k');
    expect(l.blockedFor('k')).toBe(0);
    l.fail('k');
    clock.advance(10_001);
    expect(l.blockedFor('k')).toBe(0);
    expect(l.size).toBe(0);
  });

  it('never blocks for longer than the window, even after the clock jumps back', () => {
    const clock = new ManualClock(10 * 3_600_000);
    const l = new FailureLimiter({ clock });
    for (let i = 0; i < 5; i++) l.fail('ip:1');
    clock.advance(-3_600_000);
    expect(l.blockedFor('ip:1')).toBe(15 * MIN);
  });

  it('keeps at most maxKeys keys, dropping the stalest', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock, max: 1, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) {
      l.fail(`user:spray-${i}`);
      clock.advance(1);
    }
    expect(l.size).toBe(100);
    expect(l.blockedFor('user:spray-999')).toBeGreaterThan(0);
    expect(l.blockedFor('user:spray-0')).toBe(0);
  });
});
