// The monitor bus over the real Redis: messages in order and intact (NaN included), the gaps a reader
// is told of (start, trimmed entries, dropped messages, a new epoch), a deposed monitor's messages
// skipped, and commands reaching the active monitor from another instance.
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusPublisher, BusReader, busFields, type BusGap, type BusMeta } from '../../../server/cluster/bus';
import { CommandReader, sendToMonitor, type ClusterCommand } from '../../../server/cluster/commands';
import { clusterKeys } from '../../../server/cluster/keys';
import { closeRedis } from '../../../server/cluster/redis';
import type { FromMonitor, StatusRow } from '../../../server/pipeline/messages';
import { dropCluster, ensureRedis, eventually, sharedClient, testCluster } from '../../helpers/redis';

const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(ensureRedis);

afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

/** A cluster of the test's own, a connection to it and a reader collecting what it hears. */
async function setup(opts: { read?: boolean } = {}) {
  const cluster = testCluster();
  const redis = await sharedClient();
  cleanups.push(async () => {
    await dropCluster(redis, cluster);
    closeRedis(redis);
  });
  const heard: { m: FromMonitor; meta: BusMeta }[] = [];
  const gaps: BusGap[] = [];
  const reader = new BusReader({
    redis,
    cluster,
    logger,
    blockMs: 500,
    onMessage: (m, meta) => heard.push({ m, meta }),
    onGap: (g) => gaps.push(g),
  });
  if (opts.read ?? true) {
    await reader.start();
    cleanups.push(() => reader.stop());
  }
  const publisher = (epoch: number, extra: { maxInFlight?: number; maxLen?: number } = {}) =>
    new BusPublisher({ redis, cluster, epoch, instance: 'inst-a', logger, ...extra });
  return { cluster, redis, reader, heard, gaps, publisher };
}

const row = (code: string, state: StatusRow[1], rtt: number): StatusRow => [
  code,
  state,
  rtt,
  NaN,
  NaN,
  NaN,
  null,
  1_762_000_000_123,
  'up',
  true,
  [
    {
      id: `${code}/sip`,
      kind: 'sip',
      role: 'endpoint',
      state: 'up',
      rtt: 4.25,
      reason: null,
      code: 200,
      detail: 'Cổng SIP trả lời',
      certExpiresAt: null,
      call: null,
    },
  ],
  1_762_000_000_127,
];

const batch = (n: number): FromMonitor => ({
  type: 'batch',
  full: n === 0,
  rows: [row(`HT-${n}`, n % 2 ? 'down' : 'up', n + 0.5)],
  events: [
    { kind: 'write', source: 'outages', ok: true, pending: n },
    { kind: 'blind', span: { from: 1_000 * n, to: 1_000 * n + 1_500, reason: 'stall' } },
  ],
});

describe('monitor bus', () => {
  it('delivers every message in order and intact, NaN and Vietnamese included', async () => {
    const { heard, gaps, publisher } = await setup();
    const pub = publisher(7);
    const sent: FromMonitor[] = [{ type: 'ready', engine: 'fping', pid: 4242 }];
    for (let i = 0; i < 300; i++) sent.push(batch(i), { type: 'alive' });
    sent.push({ type: 'fatal', message: 'không mở được cơ sở dữ liệu' });
    // In runs of 100: at most MAX_IN_FLIGHT (256) wait for Redis at once.
    for (let i = 0; i < sent.length; i++) {
      expect(pub.publish(sent[i]!)).toBe(true);
      if (i % 100 === 99) await pub.idle();
    }
    await pub.idle();
    expect(pub.counts).toEqual({ sent: sent.length, dropped: 0, failed: 0 });
    await eventually('every message read', () => heard.length === sent.length);
    expect(heard.map((h) => h.m)).toEqual(sent);
    expect(heard.map((h) => h.meta.seq)).toEqual(sent.map((_, i) => i + 1));
    expect(heard[0]!.meta).toMatchObject({ epoch: 7, instance: 'inst-a' });
    const first = heard.find((h) => h.m.type === 'batch')!.m as Extract<FromMonitor, { type: 'batch' }>;
    expect(Number.isNaN(first.rows[0]![3])).toBe(true);
    // An absent optional field stays absent (not null): the parent tests `error === undefined`.
    expect('error' in first.events[0]!).toBe(false);
    expect(gaps).toEqual([{ reason: 'start' }]);
  });

  it('starts at the end of the stream: what was published before is not replayed', async () => {
    const { heard, gaps, reader, publisher } = await setup({ read: false });
    const pub = publisher(1);
    pub.publish(batch(1));
    await pub.idle();
    await reader.start();
    cleanups.push(() => reader.stop());
    pub.publish(batch(2));
    await eventually('the new message read', () => heard.length === 1);
    expect(heard[0]!.m).toEqual(batch(2));
    expect(gaps).toEqual([{ reason: 'start' }]);
  });

  it('tells of a gap when entries were trimmed before the reader read them', async () => {
    const { heard, gaps, publisher, redis, cluster } = await setup();
    const pub = publisher(3);
    pub.publish(batch(1));
    await eventually('first read', () => heard.length === 1);
    // 500 entries at once (one transaction: the reader cannot read between them) into a stream kept
    // to about 10: by the time the reader reads on, most of them are gone.
    const key = clusterKeys(cluster).monitor;
    const tx = redis.multi();
    for (let seq = 2; seq <= 501; seq++)
      tx.xAdd(key, '*', busFields(3, seq, batch(seq)), {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 10 },
      });
    await tx.exec();
    // MAXLEN ~ trims whole nodes of the stream (100 entries each by default): bounded, not exact.
    const kept = await redis.xLen(key);
    expect(kept).toBeLessThanOrEqual(110);
    await eventually('the rest read', () => heard.length === 1 + kept);
    expect(gaps).toEqual([{ reason: 'start' }, { reason: 'missed', epoch: 3, expected: 2, got: 502 - kept }]);
    expect(heard.slice(1).map((h) => h.meta.seq)).toEqual(Array.from({ length: kept }, (_, i) => 502 - kept + i));
    expect(heard.at(-1)!.m).toEqual(batch(501));
  });

  it('tells of a gap when the publisher dropped messages (too many in flight)', async () => {
    const { heard, gaps, publisher } = await setup();
    const pub = publisher(5, { maxInFlight: 1 });
    expect(pub.publish(batch(1))).toBe(true);
    expect(pub.publish(batch(2))).toBe(false);
    expect(pub.publish(batch(3))).toBe(false);
    await pub.idle();
    expect(pub.publish(batch(4))).toBe(true);
    await pub.idle();
    expect(pub.counts).toMatchObject({ sent: 2, dropped: 2 });
    await eventually('both read', () => heard.length === 2);
    expect(heard.map((h) => h.m)).toEqual([batch(1), batch(4)]);
    expect(gaps).toEqual([{ reason: 'start' }, { reason: 'missed', epoch: 5, expected: 2, got: 4 }]);
  });

  it('tells of a new epoch, and skips what a deposed monitor still says', async () => {
    const { heard, gaps, publisher } = await setup();
    const old = publisher(10);
    const next = publisher(11);
    old.publish(batch(1));
    old.publish(batch(2));
    await old.idle();
    await eventually('the old monitor heard', () => heard.length === 2);
    next.publish(batch(0));
    await next.idle();
    old.publish(batch(3)); // late words of the deposed monitor
    await old.idle();
    next.publish({ type: 'alive' });
    await next.idle();
    await eventually('the new monitor heard', () => heard.length === 4);
    expect(heard.map((h) => [h.meta.epoch, h.meta.seq])).toEqual([
      [10, 1],
      [10, 2],
      [11, 1],
      [11, 2],
    ]);
    expect(gaps).toEqual([{ reason: 'start' }, { reason: 'epoch', from: 10, to: 11 }]);
  });

  it('a reader whose connection drops resumes from its last id: told, and nothing lost', async () => {
    const { heard, gaps, publisher, redis, cluster } = await setup();
    const pub = publisher(2);
    pub.publish(batch(1));
    await eventually('first read', () => heard.length === 1);
    // Only this reader's connection is cut (the shared Redis stays up for everyone else).
    const name = `reader:${clusterKeys(cluster).monitor}`;
    const line = (await redis.clientList()).find((c) => c.name === name);
    expect(line).toBeDefined();
    await redis.sendCommand(['CLIENT', 'KILL', 'ID', String(line!.id)]);
    for (let i = 2; i <= 50; i++) pub.publish(batch(i));
    await pub.idle();
    await eventually('the rest read', () => heard.length === 50);
    expect(heard.map((h) => h.meta.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(gaps).toEqual([{ reason: 'start' }, { reason: 'reconnect' }]);
  });

  it('skips an unreadable entry and goes on', async () => {
    const { heard, redis, cluster, publisher, reader } = await setup();
    await redis.xAdd(clusterKeys(cluster).monitor, '*', { e: '1', s: '1', d: Buffer.from([0xc1]) });
    const pub = publisher(1);
    pub.publish({ type: 'alive' });
    await eventually('the good one read', () => heard.length === 1);
    expect(reader.counts).toMatchObject({ bad: 1, received: 1 });
  });
});

describe('commands to the active monitor', () => {
  it('reach the active reader from any instance, from the moment it takes office', async () => {
    const { cluster, redis } = await setup({ read: false });
    const other = await sharedClient();
    cleanups.push(() => closeRedis(other));
    expect(await sendToMonitor(other, cluster, { type: 'inventory' }, 'inst-b')).toBe(true); // before office
    const got: [ClusterCommand, string | null][] = [];
    const gaps: string[] = [];
    const reader = new CommandReader({
      redis,
      cluster,
      logger,
      blockMs: 500,
      onCommand: (cmd, from) => got.push([cmd, from]),
      onGap: (r) => gaps.push(r),
    });
    await reader.start();
    cleanups.push(() => reader.stop());
    expect(await sendToMonitor(other, cluster, { type: 'resync' }, 'inst-b')).toBe(true);
    expect(await sendToMonitor(redis, cluster, { type: 'inventory' })).toBe(true);
    await eventually('both commands', () => got.length === 2);
    expect(got).toEqual([
      [{ type: 'resync' }, 'inst-b'],
      [{ type: 'inventory' }, null],
    ]);
    expect(gaps).toEqual([]);
  });

  it('a command sent while Redis is unreachable is refused at once, not queued', async () => {
    const { openRedis } = await import('../../../server/cluster/redis');
    const { freePort } = await import('../../helpers/redis');
    const dead = openRedis(`redis://127.0.0.1:${await freePort()}`, { logger, name: 'dead' });
    cleanups.push(() => closeRedis(dead));
    const t0 = Date.now();
    expect(await sendToMonitor(dead, testCluster(), { type: 'resync' })).toBe(false);
    expect(Date.now() - t0).toBeLessThan(100);
  });
});
