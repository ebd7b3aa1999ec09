// The login limiter on a ManualClock: a sliding window of attempts per key (reserved before the
// password is checked, kept as failures or given back), bounded memory.
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

describe('reservations: an attempt counts before its password is checked', () => {
  it('lets only max attempts in at once; a failure keeps its place, a release gives it back', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock });
    const keys = ['ip:10.0.0.1', 'user:an'];
    const taken = Array.from({ length: 5 }, () => l.reserve(keys));
    expect(taken.every((r) => 'attempt' in r)).toBe(true);
    // Five in flight, none decided yet: the sixth waits a whole window, on either key.
    expect(l.reserve(keys)).toEqual({ waitMs: 15 * MIN });
    expect(l.reserve(['ip:10.0.0.2', 'user:an'])).toEqual({ waitMs: 15 * MIN });
    expect(l.reserve(['ip:10.0.0.1', 'user:binh'])).toEqual({ waitMs: 15 * MIN });
    const [a, b] = taken.map((r) => ('attempt' in r ? r.attempt : null));
    a!.release();
    b!.failed();
    b!.release(); // settled once: ignored
    expect(l.blockedFor('user:an')).toBe(0);
    expect(l.lockouts()).toEqual([]);
    expect('attempt' in l.reserve(keys)).toBe(true);
    expect(l.lockouts()).toEqual([
      { key: 'ip:10.0.0.1', failures: 1, pending: 4, waitMs: 15 * MIN },
      { key: 'user:an', failures: 1, pending: 4, waitMs: 15 * MIN },
    ]);
  });

  it('a refused reservation takes nothing on any key', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock, max: 1 });
    l.fail('user:an');
    expect(l.reserve(['ip:1', 'user:an'])).toEqual({ waitMs: 15 * MIN });
    expect(l.blockedFor('ip:1')).toBe(0);
    expect(l.size).toBe(1);
  });

  it('reset forgets failures but not attempts still being checked', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock, max: 3 });
    l.fail('user:an');
    l.fail('user:an');
    const r = l.reserve(['user:an']);
    expect(l.blockedFor('user:an')).toBe(15 * MIN);
    expect(l.reset('user:an')).toBe(true);
    expect(l.reset('user:an')).toBe(false);
    expect(l.lockouts()).toEqual([]);
    // Two more may start; the one in flight still holds the third place.
    l.reserve(['user:an']);
    l.reserve(['user:an']);
    expect(l.blockedFor('user:an')).toBeGreaterThan(0);
    expect(l.reset('nobody')).toBe(false);
    if ('attempt' in r) r.attempt.failed();
    expect(l.lockouts()[0]).toMatchObject({ key: 'user:an', failures: 1, pending: 2 });
  });

  it('a failure whose reservation was lifted meanwhile is still counted', () => {
    const clock = new ManualClock(0);
    const l = new FailureLimiter({ clock, max: 1 });
    const r = l.reserve(['user:an']);
    clock.advance(16 * MIN); // the check outlived the window (a clock jump)
    expect(l.blockedFor('user:an')).toBe(0);
    if ('attempt' in r) r.attempt.failed();
    expect(l.blockedFor('user:an')).toBe(15 * MIN);
  });
});
