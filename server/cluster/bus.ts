// The monitor bus (docs/CLUSTER.md): the active monitor's instance publishes every message of its
// monitor process (server/pipeline/messages.ts FromMonitor) to the stream `diemcau:{NAME}:monitor`, and
// every instance reads them in order, as the parent reads them over IPC on a single machine.
//
// Each entry carries the monitor's epoch (its tenure: a number that only grows from one active monitor
// to the next) and a sequence number counted per epoch, including the messages the publisher had to
// drop. A reader that finds a jump in the sequence (entries trimmed before it read them, or dropped
// while Redis was away), a new epoch, or that (re)started or reconnected, cannot be sure it saw every
// change: it is told (onGap) and asks for a full batch (server/cluster/commands.ts). Messages of an
// older epoch than the one being read (a deposed monitor's late words) are skipped.
//
// Payloads are MessagePack: a StatusRow holds NaN, which JSON would turn into null.
import { decode, encode } from '@msgpack/msgpack';
import type { Logger } from 'pino';
import type { FromMonitor } from '../pipeline/messages';
import { clusterKeys } from './keys';
import type { Redis } from './redis';
import { StreamTail, type ResumeReason, type TailEntry } from './stream-tail';

/**
 * Entries kept in the stream (XADD MAXLEN ~): about 100 s at the monitor's busiest (a batch every
 * 50 ms, an alive every 500 ms, stats every second); a reader further behind than that resyncs.
 */
export const MONITOR_STREAM_MAXLEN = 2_000;

/** XADDs waiting for Redis at most; beyond, messages are dropped (and counted, and seen as a gap). */
export const MAX_IN_FLIGHT = 256;

const packOptions = { ignoreUndefined: true } as const;

/** One entry of the monitor stream: epoch `e`, sequence `s`, instance `i`, MessagePack data `d`. */
export function busFields(
  epoch: number,
  seq: number,
  m: FromMonitor,
  instance?: string,
): Record<string, string | Buffer> {
  const fields: Record<string, string | Buffer> = {
    e: String(epoch),
    s: String(seq),
    d: Buffer.from(encode(m, packOptions)),
  };
  if (instance !== undefined) fields.i = instance;
  return fields;
}

export interface BusPublisherOptions {
  redis: Redis;
  cluster: string;
  /** This monitor's tenure; a later monitor must have a greater one. */
  epoch: number;
  /** Which instance publishes, for the logs of the readers. */
  instance?: string;
  logger: Logger;
  maxLen?: number;
  maxInFlight?: number;
}

export class BusPublisher {
  private readonly key: string;
  private seq = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /** Messages handed to Redis, dropped without trying (Redis away or too slow), failed in flight. */
  readonly counts = { sent: 0, dropped: 0, failed: 0 };

  private epochNow: number;

  constructor(private readonly o: BusPublisherOptions) {
    this.key = clusterKeys(o.cluster).monitor;
    this.epochNow = o.epoch;
  }

  get epoch(): number {
    return this.epochNow;
  }

  /** The same monitor under a new lease epoch: numbered afresh (readers take it as a new tenure). */
  setEpoch(epoch: number): void {
    this.epochNow = epoch;
    this.seq = 0;
  }

  /** Hands `m` to Redis without waiting; false when it was dropped. Never blocks, never throws. */
  publish(m: FromMonitor): boolean {
    const seq = ++this.seq;
    if (!this.o.redis.isReady || this.inFlight >= (this.o.maxInFlight ?? MAX_IN_FLIGHT)) {
      this.counts.dropped++;
      return false;
    }
    this.inFlight++;
    this.o.redis
      .xAdd(this.key, '*', busFields(this.epochNow, seq, m, this.o.instance), {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.o.maxLen ?? MONITOR_STREAM_MAXLEN },
      })
      .then(
        () => this.counts.sent++,
        (err: unknown) => {
          if (this.counts.failed++ === 0) this.o.logger.warn({ err }, 'monitor bus: publish failed');
        },
      )
      .finally(() => {
        if (--this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    return true;
  }

  /** Resolves when no message is on its way to Redis. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}

/** Where a reader may have missed messages, and why. */
export type BusGap =
  | { reason: ResumeReason }
  | { reason: 'epoch'; from: number; to: number }
  | { reason: 'missed'; epoch: number; expected: number; got: number };

/** What came with a message. */
export interface BusMeta {
  id: string;
  epoch: number;
  seq: number;
  instance: string | null;
}

export interface BusReaderOptions {
  redis: Redis;
  cluster: string;
  logger: Logger;
  onMessage(m: FromMonitor, meta: BusMeta): void;
  /** Called before the message that follows the gap; ask the monitor for a full batch. */
  onGap(gap: BusGap): void;
  blockMs?: number;
}

export class BusReader {
  private readonly tail: StreamTail;
  private epoch: number | null = null;
  private seq = 0;
  /** Messages delivered, skipped as a deposed monitor's, unreadable, and gaps told. */
  readonly counts = { received: 0, stale: 0, bad: 0, gaps: 0 };

  constructor(private readonly o: BusReaderOptions) {
    this.tail = new StreamTail({
      redis: o.redis,
      key: clusterKeys(o.cluster).monitor,
      logger: o.logger,
      blockMs: o.blockMs,
      onEntries: (entries) => {
        for (const e of entries) this.entry(e);
      },
      onResume: (reason) => {
        // After a reconnect the epochs may have been counted anew: judge from the next message.
        this.epoch = null;
        this.gap({ reason });
      },
    });
  }

  /** Resolves once reading: what is added to the stream from then on is delivered. */
  start(): Promise<void> {
    return this.tail.start();
  }

  stop(): Promise<void> {
    return this.tail.stop();
  }

  private entry(e: TailEntry): void {
    const epoch = Number(e.fields.e?.toString());
    const seq = Number(e.fields.s?.toString());
    let m: FromMonitor;
    try {
      if (!Number.isFinite(epoch) || !Number.isInteger(seq) || !e.fields.d) throw new Error('missing fields');
      m = decode(e.fields.d) as FromMonitor;
    } catch (err) {
      if (this.counts.bad++ === 0) this.o.logger.warn({ err, id: e.id }, 'monitor bus: unreadable entry');
      return;
    }
    if (this.epoch !== null && epoch < this.epoch) {
      this.counts.stale++;
      return;
    }
    if (this.epoch !== null && epoch > this.epoch) this.gap({ reason: 'epoch', from: this.epoch, to: epoch });
    else if (this.epoch !== null && seq !== this.seq + 1)
      this.gap({ reason: 'missed', epoch, expected: this.seq + 1, got: seq });
    this.epoch = epoch;
    this.seq = seq;
    this.counts.received++;
    try {
      this.o.onMessage(m, { id: e.id, epoch, seq, instance: e.fields.i?.toString() ?? null });
    } catch (err) {
      this.o.logger.error({ err, type: m.type }, 'monitor bus: message listener failed');
    }
  }

  private gap(g: BusGap): void {
    this.counts.gaps++;
    try {
      this.o.onGap(g);
    } catch (err) {
      this.o.logger.error({ err }, 'monitor bus: gap listener failed');
    }
  }
}
