// Socket.IO "instances" for the cluster tests: an HTTP server on port 0 with a Socket.IO server joined
// to a cluster through the Redis Streams adapter, and socket.io-client clients that join a room.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { attachClusterAdapter, type ClusterAdapterHandle } from '../../../server/cluster/socket-adapter';
import type { Redis } from '../../../server/cluster/redis';

export interface SocketNode {
  io: Server;
  adapter: ClusterAdapterHandle;
  /** A client of this node, in `room` when given; it keeps the payloads of the events named `event`. */
  client(room: string | null, event?: string): Promise<{ socket: Socket; got: unknown[] }>;
  close(): Promise<void>;
}

export async function socketNode(redis: Redis, cluster: string, logger: Logger): Promise<SocketNode> {
  const http = createServer();
  const io = new Server(http);
  const adapter = attachClusterAdapter(io, redis, { cluster, logger, blockMs: 500 });
  io.on('connection', (s) => {
    const room = s.handshake.query.room;
    if (typeof room === 'string' && room !== '') void s.join(room);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  const sockets: Socket[] = [];
  return {
    io,
    adapter,
    client: async (room, event = 'news') => {
      const socket = connect(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        query: { room: room ?? '' },
        reconnection: false,
      });
      sockets.push(socket);
      const got: unknown[] = [];
      socket.on(event, (payload: unknown) => got.push(payload));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return { socket, got };
    },
    close: async () => {
      for (const s of sockets) s.disconnect();
      await io.close();
      adapter.close();
    },
  };
}

/**
 * Emits `probe` events to `room` from `from` until `got` has one: the adapters of a new node read the
 * stream from its end once connected, so what is emitted before that is not theirs to deliver.
 */
export async function untilLinked(from: SocketNode, room: string, got: unknown[], ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (let n = 0; got.length === 0; n++) {
    if (Date.now() > end) throw new Error(`no event crossed from one node to the other within ${ms} ms`);
    from.io.to(room).emit('news', { probe: n });
    await new Promise((r) => setTimeout(r, 100));
  }
}
