// The login limiter over the real Redis: the cases of tests/unit/auth/limiter.test.ts (the in-memory
// limiter) on a ManualClock, then what only a shared limiter meets — many reservations at the same
// instant from several connections (instances), and Redis away.
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { LimiterUnavailableError, RedisFailureLimiter } from '../../../server/auth/limiter-redis';
import { closeRedis, openRedis, type Redis } from '../../../server/cluster/redis';
import { dropCluster, ensureRedis, freePort, sharedClient, testCluster } from '../../helpers/redis';

const MIN = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(ensureRedis);

afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

async function limiter(clock: ManualClock, o: { max?: number; windowMs?: number; maxKeys?: number } = {}) {
  const cluster = testCluster();
  const redis = await sharedClient();
  cleanups.push(async () => {
    await dropCluster(redis, cluster);
    closeRedis(redis);
  });
  return { l: new RedisFailureLimiter({ redis, cluster, clock, ...o }), redis, cluster };
}

describe('failed-login limiter over Redis', () => {
  it('blocks a key after 5 failures within 15 min, until the oldest leaves the window', async () => {
    const clock = new ManualClock(1_000_000);
    const { l } = await limiter(clock);
    for (let i = 0; i < 4; i++) {
      await l.fail('user:an');
      clock.advance(MIN);
    }
    expect(await l.blockedFor('user:an')).toBe(0);
    await l.fail('user:an'); // 5th failure, 4 min after the first
    expect(await l.blockedFor('user:an')).toBe(11 * MIN);
    expect(await l.blockedFor('user:binh')).toBe(0);
    clock.advance(11 * MIN - 1);
    expect(await l.blockedFor('user:an')).toBe(1);
    clock.advance(1);
    expect(await l.blockedFor('user:an')).toBe(0);
    await l.fail('user:an');
    expect(await l.blockedFor('user:an')).toBe(MIN);
  });

  it('forgets a key on reset and after the window', async () => {
    const clock = new ManualClock(0);
    const { l } = await limiter(clock, { max: 2, windowMs: 10_000 });
    await l.fail('k');
    await l.fail('k');
    expect(await l.blockedFor('k')).toBe(10_000);
    await l.reset('k');
    expect(await l.blockedFor('k')).toBe(0);
    await l.fail('k');
    clock.advance(10_001);
    expect(await l.blockedFor('k')).toBe(0);
    expect(await l.size()).toBe(0);
  });

  it('never blocks for longer than the window, even after the clock jumps back', async () => {
    const clock = new ManualClock(10 * 3_600_000);
    const { l } = await limiter(clock);
    for (let i = 0; i < 5; i++) await l.fail('ip:1');
    clock.advance(-3_600_000);
    expect(await l.blockedFor('ip:1')).toBe(15 * MIN);
  });

  it('keeps at most maxKeys keys, dropping the stalest', async () => {
    const clock = new ManualClock(0);
    const { l, redis, cluster } = await limiter(clock, { max: 1, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) {
      await l.fail(`user:spray-${i}`);
      clock.advance(1);
    }
    expect(await l.size()).toBe(100);
    expect(await l.blockedFor('user:spray-999')).toBeGreaterThan(0);
    expect(await l.blockedFor('user:spray-0')).toBe(0);
    // The evicted keys are gone from Redis too, not only from the index.
    const sets: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: `diemcau:{${cluster}}:login:a:*`, COUNT: 1_000 }))
      sets.push(...keys);
    expect(sets).toHaveLength(100);
  });

  it('expires a key in Redis when its newest attempt leaves the window', async () => {
    const clock = new ManualClock(0);
    const { l, redis, cluster } = await limiter(clock, { windowMs: 60_000 });
    await l.fail('user:an');
    const ttl = await redis.pTTL(`diemcau:{${cluster}}:login:a:user:an`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('reservations over Redis: an attempt counts before its password is checked', () => {
  it('lets only max attempts in at once; a failure keeps its place, a release gives it back', async () => {
    const clock = new ManualClock(0);
    const { l } = await limiter(clock);
    const keys = ['ip:10.0.0.1', 'user:an'];
    const taken = [];
    for (let i = 0; i < 5; i++) taken.push(await l.reserve(keys));
    expect(taken.every((r) => 'attempt' in r)).toBe(true);
    expect(await l.reserve(keys)).toEqual({ waitMs: 15 * MIN });
    expect(await l.reserve(['ip:10.0.0.2', 'user:an'])).toEqual({ waitMs: 15 * MIN });
    expect(await l.reserve(['ip:10.0.0.1', 'user:binh'])).toEqual({ waitMs: 15 * MIN });
    const [a, b] = taken.map((r) => ('attempt' in r ? r.attempt : null));
    await a!.release();
    await b!.failed();
    await b!.release(); // settled once: ignored
    expect(await l.blockedFor('user:an')).toBe(0);
    expect(await l.lockouts()).toEqual([]);
    expect('attempt' in (await l.reserve(keys))).toBe(true);
    expect(await l.lockouts()).toEqual([
      { key: 'ip:10.0.0.1', failures: 1, pending: 4, waitMs: 15 * MIN },
      { key: 'user:an', failures: 1, pending: 4, waitMs: 15 * MIN },
    ]);
  });

  it('a refused reservation takes nothing on any key', async () => {
    const clock = new ManualClock(0);
    const { l } = await limiter(clock, { max: 1 });
    await l.fail('user:an');
    expect(await l.reserve(['ip:1', 'user:an'])).toEqual({ waitMs: 15 * MIN });
    expect(await l.blockedFor('ip:1')).toBe(0);
    expect(await l.size()).toBe(1);
  });

  it('reset forgets failures but not attempts still being checked', async () => {
    const clock = new ManualClock(0);
    const { l } = await limiter(clock, { max: 3 });
    await l.fail('user:an');
    await l.fail('user:an');
    const r = await l.reserve(['user:an']);
    expect(await l.blockedFor('user:an')).toBe(15 * MIN);
    expect(await l.reset('user:an')).toBe(true);
    expect(await l.reset('user:an')).toBe(false);
    expect(await l.lockouts()).toEqual([]);
    await l.reserve(['user:an']);
    await l.reserve(['user:an']);
    expect(await l.blockedFor('user:an')).toBeGreaterThan(0);
    expect(await l.reset('nobody')).toBe(false);
    if ('attempt' in r) await r.attempt.failed();
    expect((await l.lockouts())[0]).toMatchObject({ key: 'user:an', failures: 1, pending: 2 });
  });

  it('a failure whose reservation was lifted meanwhile is still counted', async () => {
    const clock = new ManualClock(0);
    const { l } = await limiter(clock, { max: 1 });
    const r = await l.reserve(['user:an']);
    clock.advance(16 * MIN);
    expect(await l.blockedFor('user:an')).toBe(0);
    if ('attempt' in r) await r.attempt.failed();
    expect(await l.blockedFor('user:an')).toBe(15 * MIN);
  });

  it('30 reservations at once on one key, from three instances, give exactly max', async () => {
    const clock = new ManualClock(5_000_000);
    const { l, cluster } = await limiter(clock);
    // Three instances: three connections, three limiters, one cluster.
    const others: RedisFailureLimiter[] = [];
    for (let i = 0; i < 2; i++) {
      const redis = await sharedClient();
      cleanups.push(() => closeRedis(redis));
      others.push(new RedisFailureLimiter({ redis, cluster, clock }));
    }
    const all = [l, ...others];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => all[i % 3]!.reserve([`ip:10.0.0.${i}`, 'user:an'])),
    );
    const granted = results.filter((r) => 'attempt' in r);
    expect(granted).toHaveLength(5);
    expect(results.filter((r) => 'waitMs' in r && r.waitMs === 15 * MIN)).toHaveLength(25);
    // Every instance sees the same: user:an is locked, with five in flight.
    for (const x of all)
      expect(await x.lockouts()).toContainEqual({ key: 'user:an', failures: 0, pending: 5, waitMs: 15 * MIN });
    // A release on one instance opens a place on another.
    await (granted[0] as { attempt: { release(): Promise<void> } }).attempt.release();
    expect('attempt' in (await others[1]!.reserve(['ip:10.9.9.9', 'user:an']))).toBe(true);
  });
});

describe('Redis away', () => {
  it('refuses at once with LimiterUnavailableError, counting nothing', async () => {
    let redis: Redis | null = null;
    try {
      redis = openRedis(`redis://127.0.0.1:${await freePort()}`, { logger: pino({ level: 'silent' }), name: 't' });
      const l = new RedisFailureLimiter({ redis, cluster: testCluster(), clock: new ManualClock(0) });
      const t0 = Date.now();
      await expect(l.reserve(['user:an'])).rejects.toBeInstanceOf(LimiterUnavailableError);
      await expect(l.blockedFor('user:an')).rejects.toBeInstanceOf(LimiterUnavailableError);
      expect(Date.now() - t0).toBeLessThan(100);
    } finally {
      if (redis) closeRedis(redis);
    }
  });
});
