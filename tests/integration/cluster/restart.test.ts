// Redis stops (`shutdown nosave`: its data gone) and starts again in the middle of the cluster's work.
// A private server on a free port, not the shared one, so the test files running beside this one keep
// their Redis; the tests of this file run one after the other, each starting Redis again even when it
// fails, and the server is removed at the end whatever happened.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimiterUnavailableError, RedisFailureLimiter } from '../../../server/auth/limiter-redis';
import { BusPublisher, BusReader, type BusGap } from '../../../server/cluster/bus';
import { CommandReader, sendToMonitor, type ClusterCommand } from '../../../server/cluster/commands';
import { closeRedis, openRedis, untilReady, type Redis } from '../../../server/cluster/redis';
import { ManualClock } from '../../../server/clock';
import type { FromMonitor } from '../../../server/pipeline/messages';
import { ensureRedis, eventually, privateRedis, testCluster, type PrivateRedis } from '../../helpers/redis';
import { socketNode, untilLinked } from './socket-nodes';

const logger = pino({ level: 'silent' });
let server: PrivateRedis;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await privateRedis();
});

afterAll(async () => {
  for (const c of clients) closeRedis(c);
  await server?.dispose();
  // The shared Redis was never touched; still, leave it answering for whoever runs next.
  await ensureRedis();
});

async function client(): Promise<Redis> {
  const c = openRedis(server.url, { logger, name: 'restart test' });
  clients.push(c);
  await untilReady(c);
  return c;
}

/** Stops Redis, runs `whileDown`, and starts it again even if `whileDown` fails. */
async function outage(whileDown: () => Promise<void>): Promise<void> {
  await server.stop();
  try {
    await whileDown();
  } finally {
    await server.start();
  }
}

const alive: FromMonitor = { type: 'alive' };
const stats = (n: number): FromMonitor => ({
  type: 'stats',
  stats: {
    results: [{ kind: 'icmp', reply: n, lost: 0 }],
    lag: { count: n, sumMs: 1, maxMs: 1 },
    loop: { p99Ms: NaN, maxMs: NaN },
  },
});

describe('a Redis restart in the middle', () => {
  it('the bus: the publisher drops while Redis is away and resumes; readers resume and are told', async () => {
    const cluster = testCluster();
    const a = await client(); // the active monitor's instance
    const b = await client(); // another instance
    const heard: FromMonitor[] = [];
    const gaps: BusGap[] = [];
    const reader = new BusReader({
      redis: b,
      cluster,
      logger,
      blockMs: 500,
      onMessage: (m) => heard.push(m),
      onGap: (g) => gaps.push(g),
    });
    const commands: ClusterCommand[] = [];
    const commandGaps: string[] = [];
    const ear = new CommandReader({
      redis: a,
      cluster,
      logger,
      blockMs: 500,
      onCommand: (c) => commands.push(c),
      onGap: (r) => commandGaps.push(r),
    });
    try {
      await reader.start();
      await ear.start();
      const pub = new BusPublisher({ redis: a, cluster, epoch: 1, logger });
      pub.publish(stats(1));
      pub.publish(alive);
      expect(await sendToMonitor(b, cluster, { type: 'inventory' })).toBe(true);
      await eventually('read before the restart', () => heard.length === 2 && commands.length === 1);

      await outage(async () => {
        await eventually('the publisher sees Redis gone', () => !a.isReady);
        for (let i = 0; i < 1_000; i++) expect(pub.publish(stats(i))).toBe(false);
        expect(pub.counts).toMatchObject({ sent: 2, dropped: 1_000 });
        expect(await sendToMonitor(b, cluster, { type: 'resync' })).toBe(false);
      });

      await untilReady(a);
      await untilReady(b);
      // Redis came back without the stream: both readers start it over, and say so.
      await eventually('the reader told', () => gaps.length === 2);
      expect(gaps).toEqual([{ reason: 'start' }, { reason: 'reset' }]);
      await eventually('the command reader told', () => commandGaps.length === 1);
      expect(commandGaps).toEqual(['reset']);

      pub.publish(stats(2));
      pub.publish(alive);
      expect(await sendToMonitor(b, cluster, { type: 'resync' })).toBe(true);
      await eventually('read after the restart', () => heard.length === 4 && commands.length === 2);
      expect(heard).toEqual([stats(1), alive, stats(2), alive]);
      expect(commands).toEqual([{ type: 'inventory' }, { type: 'resync' }]);
      expect(gaps).toEqual([{ reason: 'start' }, { reason: 'reset' }]);
    } finally {
      await reader.stop();
      await ear.stop();
    }
  });

  it('the Socket.IO adapter: local clients served during the outage, other instances reached after it', async () => {
    const cluster = testCluster();
    const redis = await client();
    const a = await socketNode(redis, cluster, logger);
    const b = await socketNode(redis, cluster, logger);
    try {
      const onA = await a.client('meeting:M1');
      const onB = await b.client('meeting:M1');
      await untilLinked(a, 'meeting:M1', onB.got);
      onA.got.length = 0;
      onB.got.length = 0;

      await outage(async () => {
        await eventually('the publisher sees Redis gone', () => !a.adapter.publisher.isReady);
        a.io.to('meeting:M1').emit('news', { during: true });
        await eventually('the local client served', () => onA.got.length === 1, 2_000);
        expect(onB.got).toEqual([]);
      });

      await untilReady(redis);
      onB.got.length = 0;
      await untilLinked(a, 'meeting:M1', onB.got);
      onB.got.length = 0;
      a.io.to('meeting:M1').emit('news', { after: true });
      await eventually('the other instance reached', () => onB.got.length === 1);
      expect(onB.got).toEqual([{ after: true }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('the login limiter: refuses while Redis is away, works again after (its scripts sent anew)', async () => {
    const redis = await client();
    const clock = new ManualClock(0);
    const l = new RedisFailureLimiter({ redis, cluster: testCluster(), clock, max: 2 });
    await l.fail('user:an');
    await l.fail('user:an');
    expect(await l.blockedFor('user:an')).toBe(15 * 60_000);

    await outage(async () => {
      await eventually('the client sees Redis gone', () => !redis.isReady);
      await expect(l.reserve(['user:an'])).rejects.toBeInstanceOf(LimiterUnavailableError);
    });

    await untilReady(redis);
    // `nosave`: the failures went with Redis; the Lua scripts too (NOSCRIPT, then sent whole).
    expect(await l.blockedFor('user:an')).toBe(0);
    const r = await l.reserve(['user:an']);
    expect('attempt' in r).toBe(true);
    await l.fail('user:an');
    expect(await l.lockouts()).toEqual([{ key: 'user:an', failures: 1, pending: 1, waitMs: 15 * 60_000 }]);
  });
});
