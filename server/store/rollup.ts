// In-memory 10 s rollups of probe results per (point, target), written to the store in batches.
// The hot path (`add`) runs once per probe — thousands per second at province scale — so it looks
// buckets up through nested maps (no string keys built per call) and reuses written buckets, so a
// steady flow of results allocates nothing that lives long enough to burden the old generation.
// The store keeps each (point, target, minute) as one packed row (rollup-codec.ts); the buffer still
// hands it one row per 10 s bucket every flush, so at most one flush (~10 s) is lost to a crash.
import type { Logger } from 'pino';
import type { Clock } from '../clock';

import { BUCKET_MS } from './rollup-codec';
import type { RollupRow, Store } from './types';
import { Serial } from '../serial';

export { BUCKET_MS };

/**
 * Rows per write when the timer flushes. 10,000 points make 10,000 rows every 10 s; written in one
 * transaction they hold the event loop ~100 ms on a 2-core machine (300 ms more when SQLite's own
 * checkpoint ran inside it; checkpoints now run on a worker, checkpointer.ts), and every dashboard's
 * delta waits behind it. In slices of this size, with a turn of the event loop between them, no write
 * holds it for more than ~10–60 ms (each slice is one fsynced commit).
 */
export const SLICE_ROWS = 1000;

/** Written buckets kept for reuse: one per series of a national meeting, with room. */
const MAX_SPARE = 50_000;

export interface RollupBufferOptions {
  store: Pick<Store, 'writeRollups'>;
  clock: Clock;
  logger: Logger;
  /** A bucket is written once its end is this far in the past, so late replies still land in it. */
  graceMs?: number;
  /** Rows kept for retry while the store fails; beyond this the oldest are dropped (and logged). */
  maxPending?: number;
}

/** After each write attempt (for the storage health): success, rows still pending, the error. */
export type RollupWriteListener = (ok: boolean, pending: number, err?: unknown) => void;

export interface FlushResult {
  /** Rows written by this flush (0 when the write failed). */
  written: number;
  /** Rows waiting for the next attempt after this flush. */
  pending: number;
  /** Rows given up for good by this flush because of the pending cap. */
  dropped: number;
}

interface Bucket {
  t: number;
  sent: number;
  received: number;
  min: number;
  max: number;
  sum: number;
  /** Sum of |rtt - previous rtt| over successive replies in this bucket. */
  diffSum: number;
  /** RTT of the previous reply in this bucket; NaN before the first (a number field stays unboxed). */
  last: number;
}

interface Series {
  point: string;
  target: string;
  /** Usually one open bucket, two around a boundary; more only after late or out-of-order results. */
  buckets: Bucket[];
}

export const bucketStart = (t: number): number => Math.floor(t / BUCKET_MS) * BUCKET_MS;

export class RollupBuffer {
  private readonly series = new Map<string, Map<string, Series>>();
  private pending: RollupRow[] = [];
  /** Written buckets, for reuse. */
  private readonly spare: Bucket[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  /** A sliced write (flushInSlices) under way. */
  private slicing: Promise<void> | null = null;
  /** Writes reach the store one at a time, in order: each waits for the one in flight. */
  private readonly writes = new Serial();
  private readonly graceMs: number;
  private readonly maxPending: number;
  private readonly writeListeners = new Set<RollupWriteListener>();

  constructor(private readonly opts: RollupBufferOptions) {
    this.graceMs = opts.graceMs ?? 2_000;
    this.maxPending = opts.maxPending ?? 100_000;
  }

  onWrite(listener: RollupWriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  add(point: string, target: string, r: { t: number; rtt: number | null }): void {
    let byTarget = this.series.get(point);
    if (!byTarget) this.series.set(point, (byTarget = new Map()));
    let s = byTarget.get(target);
    if (!s) byTarget.set(target, (s = { point, target, buckets: [] }));

    const t = bucketStart(r.t);
    let b = s.buckets[s.buckets.length - 1];
    if (!b || b.t !== t) {
      b = undefined;
      for (const x of s.buckets) if (x.t === t) b = x;
    }
    if (!b) {
      b = this.spare.pop() ?? { t: 0, sent: 0, received: 0, min: 0, max: 0, sum: 0, diffSum: 0, last: NaN };
      b.t = t;
      b.sent = 0;
      b.received = 0;
      b.min = Infinity;
      b.max = -Infinity;
      b.sum = 0;
      b.diffSum = 0;
      b.last = NaN;
      s.buckets.push(b);
    }
    b.sent++;
    if (r.rtt === null) return;
    b.received++;
    if (r.rtt < b.min) b.min = r.rtt;
    if (r.rtt > b.max) b.max = r.rtt;
    b.sum += r.rtt;
    if (b.received > 1) b.diffSum += Math.abs(r.rtt - b.last);
    b.last = r.rtt;
  }

  /**
   * Write every complete bucket (end + grace < now), or every bucket with `all`, plus rows left over
   * from failed writes, in one `writeRollups` call, after any write in flight. Never rejects: on
   * failure the rows stay pending.
   */
  flush(now: number = this.opts.clock.now(), opts: { all?: boolean } = {}): Promise<FlushResult> {
    this.collect(now, opts.all ?? false);
    return this.writes.run(() =>
      this.pending.length === 0 ? Promise.resolve(NOTHING) : this.write(this.pending.length),
    );
  }

  /**
   * The timer's flush: the same rows as flush(), written SLICE_ROWS at a time with a turn of the event
   * loop between slices (each slice its own transaction). A failed slice stops the pass; what is left
   * stays pending for the next one, in order. Never overlaps itself; flush() and stop() may run in
   * between (writes never overlap: each waits for the one in flight) and simply leave less to write.
   */
  flushInSlices(now: number = this.opts.clock.now()): Promise<void> {
    if (this.slicing) return this.slicing;
    this.collect(now, false);
    if (this.pending.length === 0) return Promise.resolve();
    this.slicing = (async () => {
      try {
        while (this.pending.length > 0) {
          const r = await this.writes.run(() => this.write(Math.min(SLICE_ROWS, this.pending.length), true));
          if (r.written === 0 || r.pending === 0) return;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        this.slicing = null;
      }
    })();
    return this.slicing;
  }

  /** Moves every complete bucket (end + grace < now), or every bucket with `all`, to the pending rows. */
  private collect(now: number, all: boolean): void {
    const cutoff = all ? Infinity : now - this.graceMs - BUCKET_MS;
    for (const [point, byTarget] of this.series) {
      for (const [target, s] of byTarget) {
        // Compacted in place: the buckets still open stay, in order.
        const bs = s.buckets;
        let kept = 0;
        for (let i = 0; i < bs.length; i++) {
          const b = bs[i]!;
          if (b.t < cutoff) {
            this.pending.push(toRow(point, target, b));
            if (this.spare.length < MAX_SPARE) this.spare.push(b);
          } else bs[kept++] = b;
        }
        bs.length = kept;
        // Drop emptied series so points removed from the inventory do not linger in memory.
        if (kept === 0) byTarget.delete(target);
      }
      if (byTarget.size === 0) this.series.delete(point);
    }
  }

  /**
   * Writes the oldest `n` pending rows in one `writeRollups` call. Never rejects: on failure they stay.
   * Rows collected while the write is in flight are appended behind them.
   */
  private async write(n: number, slice = false): Promise<FlushResult> {
    if (n === 0) return NOTHING;
    const rows = this.pending.slice(0, n);
    try {
      await this.opts.store.writeRollups(rows);
      this.pending.splice(0, n);
      // A slice with more to come is not news (the storage health would flicker with every slice).
      if (this.pending.length === 0 || !slice) for (const l of this.writeListeners) l(true, this.pending.length);
      return { written: n, pending: this.pending.length, dropped: 0 };
    } catch (err) {
      // Oldest first out: the newest samples are the ones a technician is looking at.
      const dropped = Math.max(0, this.pending.length - this.maxPending);
      if (dropped > 0) this.pending.splice(0, dropped);
      this.opts.logger.warn(
        { err, pending: this.pending.length, dropped },
        dropped > 0 ? 'rollups: write failed, dropped oldest rows beyond the cap' : 'rollups: write failed, will retry',
      );
      for (const l of this.writeListeners) l(false, this.pending.length, err);
      return { written: 0, pending: this.pending.length, dropped };
    }
  }

  /** Flush every `intervalMs` on a real timer (restarts the timer if already running). */
  start(intervalMs: number): void {
    this.stopTimer();
    this.timer = setInterval(() => void this.flushInSlices(), intervalMs);
    // The server's sockets keep the process alive; this timer alone should not.
    this.timer.unref();
  }

  /** Stop the timer and write everything buffered, including buckets still in progress. */
  stop(): Promise<FlushResult> {
    this.stopTimer();
    return this.flush(this.opts.clock.now(), { all: true });
  }

  /** Rows held for retry, and buckets still open. */
  get size(): { pending: number; open: number } {
    let open = 0;
    for (const byTarget of this.series.values()) for (const s of byTarget.values()) open += s.buckets.length;
    return { pending: this.pending.length, open };
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

const NOTHING: FlushResult = { written: 0, pending: 0, dropped: 0 };

function toRow(point: string, target: string, b: Bucket): RollupRow {
  const any = b.received > 0;
  return {
    point,
    target,
    t: b.t,
    sent: b.sent,
    received: b.received,
    rttMin: any ? b.min : null,
    rttAvg: any ? b.sum / b.received : null,
    rttMax: any ? b.max : null,
    jitter: b.received >= 2 ? b.diffSum / (b.received - 1) : null,
  };
}
