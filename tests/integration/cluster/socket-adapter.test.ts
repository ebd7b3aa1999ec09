// Two Socket.IO servers sharing the real Redis through the streams adapter: a room emit on one reaches
// the room's clients on both, and only them; with Redis unreachable an instance still serves its own
// clients at once, and the adapter's fire-and-forget publishes do not crash the process.
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, openRedis } from '../../../server/cluster/redis';
import { dropCluster, ensureRedis, eventually, freePort, sharedClient, testCluster } from '../../helpers/redis';
import { socketNode, untilLinked } from './socket-nodes';

const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(ensureRedis);

afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

describe('Socket.IO across instances', () => {
  it('a room emit on one instance reaches the room on every instance, and no one else', async () => {
    const cluster = testCluster();
    const redis = await sharedClient();
    cleanups.push(async () => {
      await dropCluster(redis, cluster);
      closeRedis(redis);
    });
    const a = await socketNode(redis, cluster, logger);
    cleanups.push(() => a.close());
    const b = await socketNode(redis, cluster, logger);
    cleanups.push(() => b.close());
    const onA = await a.client('meeting:M1');
    const onB = await b.client('meeting:M1');
    const outsideB = await b.client('meeting:M2');
    await untilLinked(a, 'meeting:M1', onB.got);
    await untilLinked(b, 'meeting:M1', onA.got);
    for (const c of [onA, onB, outsideB]) c.got.length = 0;

    // One instance's emits arrive in its order everywhere; two instances' emits have no order between
    // them (each serves its own sockets at once, the other's through the stream).
    const payload = { points: [['HT-01', 'down', null]], note: 'mất kết nối' };
    a.io.to('meeting:M1').emit('news', payload);
    a.io.to('meeting:M1').emit('news', { second: true });
    b.io.to('meeting:M1').emit('news', { fromB: true });
    await eventually('every event on both instances', () => onA.got.length === 3 && onB.got.length === 3);
    for (const c of [onA, onB]) {
      expect(c.got.filter((g) => !('fromB' in (g as object)))).toEqual([payload, { second: true }]);
      expect(c.got).toContainEqual({ fromB: true });
    }
    // Given time to arrive, nothing reaches a client outside the room.
    await new Promise((r) => setTimeout(r, 200));
    expect(outsideB.got).toEqual([]);
    // The broadcasts went through the cluster's own stream.
    expect(await redis.exists(`diemcau:{${cluster}}:socket.io`)).toBe(1);
  });

  it('with Redis unreachable, an instance still serves its own clients at once', async () => {
    const dead = openRedis(`redis://127.0.0.1:${await freePort()}`, { logger, name: 'dead' });
    cleanups.push(() => closeRedis(dead));
    const node = await socketNode(dead, testCluster(), logger);
    cleanups.push(() => node.close());
    const c = await node.client('meeting:M1');
    const t0 = Date.now();
    node.io.to('meeting:M1').emit('news', { alone: true });
    await eventually('the local client served', () => c.got.length === 1, 2_000);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(node.adapter.publisher.isReady).toBe(false);
    // Ephemeral messages (pub/sub) are refused too: handled, not an unhandled rejection.
    node.io.serverSideEmit('hello');
    await new Promise((r) => setTimeout(r, 200));
  });
});
