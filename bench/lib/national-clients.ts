// The national bench's dashboards, in a process of their own so their work is not counted as the
// centre's: `overviews` Socket.IO clients on the national meeting's overview (`overview:join`, NV2) and
// one client per unit listed on that province's grid (`meeting:join { meetingId, unit }`, NV3). Each
// delta's probe→client latency (receipt − knownAt: from the outcome of the oldest probe it reflects; and
// receipt − probedAt, from its send) is recorded per kind, with the seq gaps and how the
// overview's problem list moved.
// Usage: tsx bench/lib/national-clients.ts <url> <cookie> <meetingId> <overviews> <unit,unit,…>
// Prints "ready" once all joined; stdin "measure" starts the window, "report" prints its JSON result.
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type ClientEvents, type ServerEvents } from '../../shared/protocol';
import type { OverviewSnapshot } from '../../shared/overview';
import { decodeSnapshot, unpackWire, type PackedSnapshot } from '../../shared/wire';
import { quantile } from './cpu';

type S = Socket<ServerEvents, ClientEvents>;

export interface KindResult {
  clients: number;
  deltas: number;
  latencies: number;
  p50: number;
  p99: number;
  max: number;
  /** The part up to the hub's tick that sent the delta (its serverTime − knownAt): the rest is the link. */
  hubP50: number;
  hubP99: number;
  /** Counted from the probe's send (receipt − probedAt): with its round trip, or a loss's timeout. */
  sentP50: number;
  sentP99: number;
  gaps: number;
  /** Deltas that were not for this client (a grid delta of another unit, an overview of another meeting). */
  foreign: number;
}

export interface NationalClientsResult {
  seconds: number;
  joinMs: number;
  overview: KindResult & {
    regions: number;
    problemTotal: number;
    /** Problem entries that entered or changed, and codes that left, over the window (per client). */
    problemsIn: number;
    problemsOut: number;
    /** Why no overview could be joined (a server without NV2), null when they were. */
    error: string | null;
  };
  /** `points`: the first grid's snapshot size; `outages`: opened or closed, as the grids' deltas carried them. */
  grid: KindResult & { points: number; outages: number };
}

const quantiles = (xs: number[]): ((q: number) => number) => {
  const sorted = xs.toSorted((a, b) => a - b);
  return (q) => quantile(sorted, q);
};

class Kind {
  lat: number[] = [];
  hub: number[] = [];
  sent: number[] = [];
  deltas = 0;
  gaps = 0;
  foreign = 0;
  clients = 0;
  /** A delta's latency from the outcome of its oldest probe, the part of it up to the hub's tick, and from its send. */
  add(now: number, d: { probedAt?: number; knownAt?: number; serverTime: number }): void {
    if (d.probedAt === undefined || d.knownAt === undefined) return;
    this.lat.push(now - d.knownAt);
    this.hub.push(d.serverTime - d.knownAt);
    this.sent.push(now - d.probedAt);
  }
  result(): KindResult {
    const q = quantiles(this.lat);
    const hub = quantiles(this.hub);
    const sent = quantiles(this.sent);
    return {
      clients: this.clients,
      deltas: this.deltas,
      latencies: this.lat.length,
      p50: q(0.5),
      p99: q(0.99),
      max: q(1),
      hubP50: hub(0.5),
      hubP99: hub(0.99),
      sentP50: sent(0.5),
      sentP99: sent(0.99),
      gaps: this.gaps,
      foreign: this.foreign,
    };
  }
}

async function connect(url: string, cookie: string): Promise<S> {
  const s: S = io(url, {
    transports: ['websocket'],
    auth: { protocol: PROTOCOL_VERSION },
    reconnection: false,
    forceNew: true,
    extraHeaders: { cookie },
  });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
}

function acked<T>(what: string, send: (cb: (r: Ack<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in 60 s`)), 60_000);
    send((r) => {
      clearTimeout(timer);
      if (r.ok) resolve(r.data);
      else reject(new Error(`${what} refused: ${r.error.message}`));
    });
  });
}

async function main(): Promise<void> {
  const [url, cookie, meetingId, nOverviews, unitList] = process.argv.slice(2);
  if (!url || !cookie || !meetingId || !nOverviews || unitList === undefined)
    throw new Error('usage: national-clients.ts url cookie meeting overviews units');
  const units = unitList.split(',').filter(Boolean);
  const overview = new Kind();
  const grid = new Kind();
  let measuring = false;
  let regions = 0;
  let problemTotal = 0;
  let problemsIn = 0;
  let problemsOut = 0;
  let gridPoints = 0;
  let overviewError: string | null = null;
  let outages = 0;
  const sockets: S[] = [];
  const t0 = performance.now();
  for (let i = 0; i < Number(nOverviews); i++) {
    const s = await connect(url, cookie);
    sockets.push(s);
    let seq: number | null = null;
    // Listening before the ack: a delta in the same chunk as the ack is emitted before its continuation.
    s.on('overview:delta', (d) => {
      const now = Date.now();
      if (seq === null) return;
      if (d.meetingId !== meetingId) return void overview.foreign++;
      if (d.seq !== seq + 1) overview.gaps++;
      seq = d.seq;
      problemTotal = d.problemTotal;
      if (!measuring) return;
      overview.deltas++;
      problemsIn += d.problems.length;
      problemsOut += d.removed.length;
      overview.add(now, d);
    });
    let snap: OverviewSnapshot;
    try {
      snap = await acked<OverviewSnapshot>('overview:join', (cb) =>
        s.emit('overview:join', { meetingId }, (r) => {
          if (r.ok) seq = r.data.seq;
          cb(r);
        }),
      );
    } catch (err) {
      // A server without the overview (NV2) is said in the result, and the grids are measured all the same.
      overviewError = (err as Error).message;
      s.disconnect();
      break;
    }
    regions = snap.regions.length;
    problemTotal = snap.problemTotal;
    overview.clients++;
  }
  for (const unit of units) {
    const s = await connect(url, cookie);
    sockets.push(s);
    let seq: number | null = null;
    s.on('meeting:delta', (d) => {
      const now = Date.now();
      if (seq === null) return;
      if (d.meetingId !== meetingId || d.unit !== unit) return void grid.foreign++;
      if (d.seq !== seq + 1) grid.gaps++;
      seq = d.seq;
      if (!measuring) return;
      grid.deltas++;
      outages += d.outages.length;
      grid.add(now, d);
    });
    const snap = await acked<PackedSnapshot>('meeting:join', (cb) =>
      s.emit('meeting:join', { meetingId, unit }, (r) => {
        if (r.ok) seq = r.data.seq;
        cb(r);
      }),
    );
    // The first grid's size says whether the server scoped it to the unit (1,000) or not (40,000).
    if (grid.clients === 0) gridPoints = decodeSnapshot(await unpackWire(snap)).points.length;
    grid.clients++;
  }
  const joinMs = performance.now() - t0;
  process.stdout.write('ready\n');
  let start = 0;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'measure') {
      overview.gaps = grid.gaps = 0;
      measuring = true;
      start = performance.now();
    } else if (line === 'report') {
      measuring = false;
      const seconds = (performance.now() - start) / 1000;
      const perOverview = Math.max(1, overview.clients);
      const result: NationalClientsResult = {
        seconds,
        joinMs,
        overview: {
          ...overview.result(),
          regions,
          problemTotal,
          problemsIn: problemsIn / perOverview,
          problemsOut: problemsOut / perOverview,
          error: overviewError,
        },
        grid: { ...grid.result(), points: gridPoints, outages },
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  });
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  for (const s of sockets) s.disconnect();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
