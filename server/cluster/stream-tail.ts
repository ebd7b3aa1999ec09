// Follows one Redis stream in order with XREAD BLOCK on a connection of its own (a blocking read holds
// its connection). It starts at the stream's end, then reads on from the last id it saw, across
// reconnects: after one, it says so before reading further (entries may have been lost with a Redis
// that restarted), and if the stream came back behind where it was (a Redis restarted without its
// data, on a clock that is behind) it starts over from the new stream's beginning.
import { RESP_TYPES } from 'redis';
import type { Logger } from 'pino';
import { closeRedis, duplicateRedis, type Redis } from './redis';

export interface TailEntry {
  id: string;
  fields: Record<string, Buffer>;
}

/** Why the tail may have missed entries: it began, its connection came back, or the stream was new. */
export type ResumeReason = 'start' | 'reconnect' | 'reset';

export interface StreamTailOptions {
  /** The shared connection; the tail reads on a duplicate of it. */
  redis: Redis;
  key: string;
  logger: Logger;
  /** Milliseconds one XREAD waits for entries (default 2 s); a dead socket is noticed 5 s after. */
  blockMs?: number;
  /** Entries one XREAD takes at most (default 200). */
  count?: number;
  onEntries(entries: readonly TailEntry[]): void;
  /** Before the first entries, and after every reconnect, before what follows it. */
  onResume(reason: ResumeReason): void;
}

/** XREAD's reply for one stream with blobs as Buffers (node-redis types its RESP3 form loosely). */
type XReadReply = { messages: { id: Buffer; message: Record<string, Buffer> }[] }[] | null;

export class StreamTail {
  private readonly conn: Redis;
  private readonly log: Logger;
  private lastId: string | null = null;
  private stopped = false;
  /** The connection dropped (or a read failed) since the tail last knew where it stood. */
  private lost = true;
  private running: Promise<void> | null = null;
  private onStarted: (() => void) | null = null;
  private readonly started = new Promise<void>((r) => (this.onStarted = r));

  constructor(private readonly o: StreamTailOptions) {
    this.log = o.logger.child({ stream: o.key });
    this.conn = duplicateRedis(o.redis, {
      logger: o.logger,
      name: `reader ${o.key}`,
      clientName: `reader:${o.key}`,
      socketTimeoutMs: (o.blockMs ?? 2_000) + 5_000,
    });
    this.conn.on('reconnecting', () => (this.lost = true));
  }

  /** The id of the last entry read (null before the start). */
  get position(): string | null {
    return this.lastId;
  }

  /** Resolves once the tail knows where it starts (Redis answered): entries added after are read. */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // Fails the XREAD in flight at once rather than waiting out its BLOCK.
    closeRedis(this.conn);
    await this.running;
  }

  private async run(): Promise<void> {
    const reader = this.conn.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    let failures = 0;
    while (!this.stopped) {
      try {
        if (this.lost) {
          // Resolves once connected: commands wait in the offline queue meanwhile. The retries of
          // the outage it waited out are covered by it; a drop after its reply is a new one.
          const reason = await this.resume();
          this.lost = false;
          this.o.onResume(reason);
          this.onStarted?.();
          this.onStarted = null;
        }
        const reply: XReadReply = await reader.xRead([{ key: this.o.key, id: this.lastId! }], {
          BLOCK: this.o.blockMs ?? 2_000,
          COUNT: this.o.count ?? 200,
        });
        failures = 0;
        const messages = reply?.[0]?.messages ?? [];
        if (messages.length === 0) continue;
        const entries = messages.map((m) => ({ id: m.id.toString(), fields: m.message }));
        this.lastId = entries.at(-1)!.id;
        this.o.onEntries(entries);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        if (failures === 1) this.log.warn({ err }, 'stream read failed; retrying');
        // Errors while Redis is away wait in the offline queue; this only paces other ones.
        await new Promise((r) => setTimeout(r, Math.min(100 * failures, 1_000)));
        // A reader that failed cannot be sure the connection is the same: check again.
        this.lost = true;
      }
    }
  }

  /** Where to read from after (re)connecting, and why. */
  private async resume(): Promise<ResumeReason> {
    const last = await this.conn.xRevRange(this.o.key, '+', '-', { COUNT: 1 });
    const end = last?.[0]?.id ?? '0-0';
    if (this.lastId === null) {
      this.lastId = end;
      return 'start';
    }
    if (compareIds(end, this.lastId) >= 0) return 'reconnect';
    // The stream is behind what was read: a new stream. Everything in it is new to this reader.
    this.lastId = '0-0';
    return 'reset';
  }
}

/** Orders two stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
