// STAND-IN, REPLACED AT MERGE by the outbox branch's on-disk outbox (same path; the part of its API the
// agent uses: open, append, tick, peek(max, now), ack, idleBatch, stats, saveSchedule, loadSchedule, close): batches kept in memory only (a restart loses them), the last
// schedule in a JSON file next to FILE (written whole, then renamed) so an agent restarted without the
// centre probes on the schedule it had. Enough for the link (server/agent/run.ts) and its tests.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { TargetResult } from '../probe/kinds';
import { AGENT_BATCH_MS, MAX_BATCH_RESULTS, type AgentBatch, type AgentSchedule } from './contract';

export interface OutboxOptions {
  /** Bound of what is kept (counted here as 64 bytes a result); the oldest results go first. */
  maxBytes?: number;
  logger: Logger;
}

export interface OutboxStats {
  batches: number;
  results: number;
  bytes: number;
  oldestT: number | null;
  dropped: number;
}

interface Held {
  seq: number;
  openedAt: number;
  results: TargetResult[];
}

const BYTES_PER_RESULT = 64;

export class Outbox {
  private readonly closedBatches: Held[] = [];
  private open: Held | null = null;
  private nextSeq = 1;
  private held = 0;
  private dropped = 0;

  private constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly logger: Logger,
  ) {}

  static open(path: string, opts: OutboxOptions): Outbox {
    const o = new Outbox(path, opts.maxBytes ?? 1_000 * 86_400 * BYTES_PER_RESULT, opts.logger);
    // Sequence numbers grow over restarts: the next one is kept beside FILE at close.
    try {
      const next = Number(readFileSync(`${path}.seq`, 'utf8'));
      if (Number.isSafeInteger(next) && next > 0) o.nextSeq = next;
    } catch {
      // none yet
    }
    return o;
  }

  /** Results as they come; the open batch closes once AGENT_BATCH_MS old or full. */
  append(results: readonly TargetResult[], now: number): void {
    this.tick(now);
    for (const r of results) {
      if (this.open && this.open.results.length >= MAX_BATCH_RESULTS) {
        this.closedBatches.push(this.open);
        this.open = null;
      }
      this.open ??= { seq: this.nextSeq++, openedAt: now, results: [] };
      this.open.results.push(r);
      this.held++;
    }
    while (this.held * BYTES_PER_RESULT > this.maxBytes && this.closedBatches.length > 0) {
      const gone = this.closedBatches.shift()!;
      this.held -= gone.results.length;
      this.dropped += gone.results.length;
      this.logger.warn(
        { seq: gone.seq, results: gone.results.length, dropped: this.dropped },
        'outbox full: oldest dropped',
      );
    }
  }

  /** Closes the open batch when it is due. */
  tick(now: number): void {
    if (this.open && (now - this.open.openedAt >= AGENT_BATCH_MS || this.open.results.length >= MAX_BATCH_RESULTS)) {
      this.closedBatches.push(this.open);
      this.open = null;
    }
  }

  /** The oldest unacknowledged closed batches, in order, stamped with `now` and the results behind each. */
  peek(max: number, now: number): AgentBatch[] {
    let behind = this.held;
    return this.closedBatches.slice(0, max).map((b) => {
      behind -= b.results.length;
      return { seq: b.seq, sentAt: now, outboxDepth: behind, results: b.results };
    });
  }

  /** The seq of the newest closed batch (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1 - (this.open ? 1 : 0);
  }

  /** The empty batch to send when nothing waits (its seq already acknowledged); null while a batch waits. */
  idleBatch(now: number): AgentBatch | null {
    if (this.closedBatches.length > 0) return null;
    return { seq: this.lastSeq, sentAt: now, outboxDepth: this.held, results: [] };
  }

  /** Releases every batch up to `seq`. */
  ack(seq: number): void {
    while (this.closedBatches.length > 0 && this.closedBatches[0]!.seq <= seq) {
      this.held -= this.closedBatches.shift()!.results.length;
    }
  }

  stats(): OutboxStats {
    const first = this.closedBatches[0] ?? this.open;
    return {
      batches: this.closedBatches.length + (this.open ? 1 : 0),
      results: this.held,
      bytes: this.held * BYTES_PER_RESULT,
      oldestT: first?.results[0]?.t ?? null,
      dropped: this.dropped,
    };
  }

  saveSchedule(s: AgentSchedule): void {
    const file = `${this.path}.schedule.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify(s), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** The last schedule saved, or null (none, or unreadable: said in the log). */
  loadSchedule(): AgentSchedule | null {
    let text: string;
    try {
      text = readFileSync(`${this.path}.schedule.json`, 'utf8');
    } catch {
      return null;
    }
    try {
      return JSON.parse(text) as AgentSchedule;
    } catch (err) {
      this.logger.warn({ err }, 'the saved schedule is unreadable: waiting for the centre');
      return null;
    }
  }

  /** Closes the open batch (the real outbox also syncs the file). */
  close(_now = Date.now()): void {
    if (this.open) this.closedBatches.push(this.open);
    this.open = null;
    writeFileSync(`${this.path}.seq`, String(this.nextSeq));
  }
}
