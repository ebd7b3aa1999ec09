// Socket.IO across instances (docs/CLUSTER.md): with the Redis Streams adapter, `io.to(room).emit` on
// one instance reaches the sockets in that room on every instance. Broadcasts go through the stream
// `diemcau:{NAME}:socket.io` (trimmed to about SOCKET_STREAM_MAXLEN entries); the adapter's
// request/response messages through pub/sub channels of the same prefix.
//
// The adapter awaits its XADD before it emits to the instance's own sockets. On a connection that
// queues commands while Redis is away, every dashboard of the instance would stand still until Redis
// returned; so the adapter publishes on a connection of its own that refuses at once (its local emit
// then goes ahead), while its readers, which the adapter makes with duplicate(), wait for Redis as
// usual (a reader that failed at once would retry in a tight loop).
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { clusterKeys } from './keys';
import { closeRedis, duplicateRedis, type Redis } from './redis';

/** Broadcasts kept: readers only need to ride out a short lag (no connection-state recovery here). */
export const SOCKET_STREAM_MAXLEN = 1_000;

export interface ClusterAdapterOptions {
  cluster: string;
  logger: Logger;
  maxLen?: number;
  /** How long one XREAD of the adapter waits (default 2 s): also how long its reader outlives io.close(). */
  blockMs?: number;
}

export interface ClusterAdapterHandle {
  /** The connection the adapter publishes on (fails fast while Redis is away). */
  publisher: Redis;
  /** Closes the publishing connection; call after io.close(), which closes the adapter's readers. */
  close(): void;
}

export function attachClusterAdapter(io: Server, client: Redis, o: ClusterAdapterOptions): ClusterAdapterHandle {
  const keys = clusterKeys(o.cluster);
  const pub = duplicateRedis(client, { logger: o.logger, name: 'socket.io publisher', failFast: true });
  // The adapter's readers and subscriber: queued while Redis is away; it connects them itself.
  const duplicate = (): Redis =>
    duplicateRedis(client, { logger: o.logger, name: 'socket.io reader', failFast: false, connect: false });
  // For broadcasts with acks, server-side emits and fetchSockets the adapter fires PUBLISH without
  // handling its promise: refused while Redis is away, it would be an unhandled rejection (a crash).
  const publish = pub.publish.bind(pub);
  const sPublish = pub.sPublish.bind(pub);
  Object.assign(pub, {
    duplicate,
    publish: (...args: Parameters<typeof publish>) => handled(publish(...args)),
    sPublish: (...args: Parameters<typeof sPublish>) => handled(sPublish(...args)),
  });
  io.adapter(
    createAdapter(pub, {
      streamName: keys.socketIo,
      channelPrefix: keys.socketIo,
      sessionKeyPrefix: `${keys.socketIo}:session:`,
      maxLen: o.maxLen ?? SOCKET_STREAM_MAXLEN,
      blockTimeInMs: o.blockMs ?? 2_000,
    }),
  );
  return { publisher: pub, close: () => closeRedis(pub) };
}

/** The same promise, with a handler attached so a rejection nobody awaits is not "unhandled". */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
