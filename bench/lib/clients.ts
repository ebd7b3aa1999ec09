// Dashboard clients for the end-to-end benchmark, in a process of their own so their work is not
// counted as the server's: n Socket.IO clients with one session cookie join a meeting, then record
// each delta's probe-to-receipt latency (receipt − probedAt) and the bytes read off each websocket.
// Usage: tsx bench/lib/clients.ts <url> <cookie> <meetingId> <clients> <durationMs>; prints JSON.
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientEvents, type ServerEvents } from '../../shared/protocol';
import { unpackWire, decodeSnapshot, type PackedSnapshot } from '../../shared/wire';

type S = Socket<ServerEvents, ClientEvents>;

export interface ClientsResult {
  clients: number;
  joinMs: number;
  snapshotWireBytes: number;
  snapshotJsonBytes: number;
  points: number;
  seconds: number;
  bytesPerClientPerSecond: number;
  deltasPerClientPerSecond: number;
  statusesPerClientPerSecond: number;
  latencies: number;
  p50: number;
  p99: number;
  max: number;
  gaps: number;
}

/** Bytes read so far by the socket's underlying TCP connection (the websocket, headers and all). */
function bytesRead(s: S): number {
  const transport = s.io.engine?.transport as unknown as { ws?: Record<string, { bytesRead: number } | undefined> };
  return transport?.ws?.['_socket']?.bytesRead ?? 0;
}

async function main(): Promise<void> {
  const [url, cookie, meetingId, n, duration] = process.argv.slice(2);
  if (!url || !cookie || !meetingId || !n || !duration) throw new Error('usage: clients.ts url cookie meeting n ms');
  const sockets: S[] = [];
  const lat: number[] = [];
  const lastSeq = new Map<S, number>();
  let deltas = 0;
  let statuses = 0;
  let gaps = 0;
  let measuring = false;
  const t0 = performance.now();
  let snapshotWireBytes = 0;
  let snapshotJsonBytes = 0;
  let points = 0;
  for (let i = 0; i < Number(n); i++) {
    const s: S = io(url, {
      transports: ['websocket'],
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie },
    });
    sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    const before = bytesRead(s);
    // Listening before the ack: a delta read in the same chunk as the ack is emitted before an
    // awaited ack's continuation runs. The ack callback itself runs synchronously, in order.
    s.on('meeting:delta', (d) => {
      const now = Date.now();
      if (!lastSeq.has(s)) return;
      if (d.seq !== lastSeq.get(s)! + 1) gaps++;
      lastSeq.set(s, d.seq);
      if (!measuring) return;
      deltas++;
      statuses += d.statuses.length;
      if (d.probedAt !== undefined) lat.push(now - d.probedAt);
    });
    const ack = await new Promise<Ack<PackedSnapshot>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('join timed out')), 60_000);
      s.emit('meeting:join', { meetingId }, (r) => {
        clearTimeout(timer);
        if (r.ok) lastSeq.set(s, r.data.seq);
        resolve(r);
      });
    });
    if (!ack.ok) throw new Error(`join refused: ${ack.error.message}`);
    if (i === 0) {
      snapshotWireBytes = bytesRead(s) - before;
      const wire = await unpackWire(ack.data);
      snapshotJsonBytes = Buffer.byteLength(JSON.stringify(wire));
      points = decodeSnapshot(wire).points.length;
    }
  }
  const joinMs = performance.now() - t0;
  process.stdout.write('ready\n');
  measuring = true;
  gaps = 0;
  const startBytes = sockets.map(bytesRead);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, Number(duration)));
  const seconds = (performance.now() - start) / 1000;
  const read = sockets.reduce((sum, s, i) => sum + bytesRead(s) - startBytes[i]!, 0);
  for (const s of sockets) s.disconnect();
  lat.sort((a, b) => a - b);
  const q = (x: number): number => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))] ?? NaN;
  const result: ClientsResult = {
    clients: sockets.length,
    joinMs,
    snapshotWireBytes,
    snapshotJsonBytes,
    points,
    seconds,
    bytesPerClientPerSecond: read / sockets.length / seconds,
    deltasPerClientPerSecond: deltas / sockets.length / seconds,
    statusesPerClientPerSecond: statuses / sockets.length / seconds,
    latencies: lat.length,
    p50: q(0.5),
    p99: q(0.99),
    max: lat[lat.length - 1] ?? NaN,
    gaps,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
