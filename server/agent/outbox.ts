// The agent's outbox (docs/AGENTS.md AG6): what it probed, kept on its own disk until the centre has
// acknowledged it, so nothing is lost while the link is down and a restarted agent picks up from it.
//
// `--outbox FILE` is a base name: the outbox is a run of segment files beside it, FILE.00000001,
// FILE.00000002, …, plus FILE.lock (the pid of the agent using it) and FILE.schedule.json (the last
// schedule, saveSchedule). Segments rather than one file because both ways space comes back are then a
// plain unlink: acknowledged batches are released by deleting the segments they fill, and the byte
// bound drops the oldest results by deleting the oldest segment; one file would need rewriting or a
// ring with its own wrap-around and torn-tail cases.
//
// A segment is a run of records, each
//
//   u32 payload length · u32 CRC32 (node:zlib, of everything after it) · u8 type · u48 seq ·
//   u32 results · f64 oldest t · payload
//
// of three types: a batch (its seq, result count, oldest probe time; the payload is the batch codec's
// bytes, server/agent/batch-codec.ts), an ack (seq: every batch up to it is acknowledged) and a start
// record opening every segment (payload: u48 next seq, u48 acknowledged seq), so seq keeps growing
// across restarts even once every batch has been released.
//
// Crash rule: records are written as batches close (every AGENT_CLOSE_MS, or at a size cap) and
// fsynced at most every SYNC_MS (group commit): a crash of the agent loses the batch still forming,
// a crash of the machine at most the last ~second of closed batches as well. At open, each segment is
// read through and cut at its first record that is short, fails its CRC or breaks the seq order (a
// torn tail); whatever was whole before it is kept. An ack lost that way only means batches are sent
// twice, which the centre applies once (AG5).
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import type { Point } from '../../shared/schemas';
import { words } from '../../shared/words';
import { UserError } from '../errors';
import type { TargetResult } from '../probe/kinds';
import { decodeBatch, encodeBatch, MAX_DETAIL_BYTES, resultProblem, restampBatch } from './batch-codec';
import { AgentScheduleMessage } from './schedule';
import { AGENT_CLOSE_MS, MAX_BATCH_BYTES, type AgentBatch, type AgentSchedule } from './contract';

/**
 * Default bound: 3 GiB. Measured (npm run bench outbox, bench/RESULTS.md): 1,000 ICMP points at 1 Hz
 * take ~14 bytes a result on disk, 1.2 GB for 24 hours; 3 GiB keeps 24 hours even at ~37 bytes a
 * result (every probe failing with a reason and detail, longer SIP/HTTP ids), ~2.6 days of the plain case.
 */
export const DEFAULT_OUTBOX_BYTES = 3 * 1024 ** 3;
/** The smallest bound accepted: room for a few of the largest batches. */
export const MIN_OUTBOX_BYTES = 4 * MAX_BATCH_BYTES;
/** Group commit: closed batches reach the disk at once and are fsynced at most this often. */
export const SYNC_MS = 1_000;
/** A batch closes at this many results or estimated bytes, whichever first, if AGENT_CLOSE_MS has not passed. */
export const BATCH_CAP_RESULTS = 5_000;
export const BATCH_CAP_BYTES = 256 * 1024;

const REC_HEADER = 27;
const T_BATCH = 1;
const T_ACK = 2;
const T_START = 3;
const SEGMENT_NAME = /^(\d{8})$/;

export interface OutboxOptions {
  /** Bound on the segment files' total size (default DEFAULT_OUTBOX_BYTES). */
  maxBytes?: number;
  logger: Logger;
  /** Segment size (default maxBytes / 16, between 64 KiB and 16 MiB); tests make it small. */
  segmentBytes?: number;
}

export interface OutboxStats {
  /** Closed batches not acknowledged. */
  batches: number;
  /** Results not acknowledged, the batch still forming included. */
  results: number;
  /** Bytes of the segment files. */
  bytes: number;
  /** Probe time of the oldest result not acknowledged; null when there is none. */
  oldestT: number | null;
  /** Results dropped by the bound since open (oldest first), and batches lost to a damaged record. */
  dropped: number;
  /** Results refused at append (what the codec would refuse: NaN RTT, unknown reason…), logged. */
  invalid: number;
}

/** A batch as stored, restamped for sending: the codec's bytes with sentAt and outboxDepth set. */
export interface EncodedBatch {
  seq: number;
  results: number;
  bytes: Buffer;
}

interface Segment {
  n: number;
  path: string;
  size: number;
  /** Highest batch seq in it; 0 when it has none. */
  lastSeq: number;
  /** Read descriptor, opened on first read. */
  fd: number | null;
}

interface Entry {
  seg: Segment;
  offset: number;
  length: number;
  seq: number;
  count: number;
  oldestT: number;
}

/** Outboxes open in this process, by absolute base name: a second open of one would interleave writes. */
const OPEN_HERE = new Set<string>();

const segmentPath = (base: string, n: number): string => `${base}.${String(n).padStart(8, '0')}`;

function record(type: number, seq: number, count: number, oldestT: number, payload: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(REC_HEADER + payload.length);
  buf.writeUInt32LE(payload.length, 0);
  buf[8] = type;
  buf.writeUIntLE(seq, 9, 6);
  buf.writeUInt32LE(count, 15);
  buf.writeDoubleLE(oldestT, 19);
  payload.copy(buf, REC_HEADER);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
}

function startPayload(nextSeq: number, ackedSeq: number): Buffer {
  const p = Buffer.alloc(12);
  p.writeUIntLE(nextSeq, 0, 6);
  p.writeUIntLE(ackedSeq, 6, 6);
  return p;
}

/** Cuts a string to at most `maxBytes` of UTF-8, on a character boundary. */
function cutUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = s.slice(0, Math.floor(maxBytes / 3));
  if (/[\uD800-\uDBFF]$/.test(out)) out = out.slice(0, -1);
  return out;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export class Outbox {
  private readonly segments: Segment[] = [];
  /** Closed batches not acknowledged, oldest first, from `head`. */
  private entries: Entry[] = [];
  private head = 0;
  private tailFd = -1;
  private nextSeq = 1;
  private ackedSeq = 0;
  private totalBytes = 0;
  private unackedResults = 0;
  private dropped = 0;
  private invalid = 0;
  private forming: TargetResult[] = [];
  private formingSince = 0;
  private formingBytes = 0;
  private formingOldest = Infinity;
  private dirty = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private readonly logger: Logger;

  private constructor(
    readonly base: string,
    opts: OutboxOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? DEFAULT_OUTBOX_BYTES;
    this.segmentBytes =
      opts.segmentBytes ?? Math.min(16 * 1024 ** 2, Math.max(64 * 1024, Math.floor(this.maxBytes / 16)));
    this.logger = opts.logger;
  }

  /**
   * Opens (creating when absent) the outbox at base name `path`: reads its segments, cuts a torn tail,
   * and takes the lock. Throws a UserError when another live process holds it or the bound is too small.
   */
  static open(path: string, opts: OutboxOptions): Outbox {
    const maxBytes = opts.maxBytes ?? DEFAULT_OUTBOX_BYTES;
    if (!Number.isSafeInteger(maxBytes) || maxBytes < MIN_OUTBOX_BYTES)
      throw new UserError(
        words(
          `Giới hạn hàng đợi quá nhỏ: ${maxBytes} byte (tối thiểu ${MIN_OUTBOX_BYTES}).`,
          `Outbox bound too small: ${maxBytes} bytes (at least ${MIN_OUTBOX_BYTES}).`,
        ),
      );
    const ob = new Outbox(resolve(path), opts);
    mkdirSync(dirname(path), { recursive: true });
    if (OPEN_HERE.has(ob.base))
      throw new UserError(
        words(`Hàng đợi ${path} đã được mở trong tiến trình này.`, `Outbox ${path} is already open in this process.`),
      );
    ob.lock();
    try {
      ob.load();
    } catch (err) {
      ob.unlock();
      throw err;
    }
    OPEN_HERE.add(ob.base);
    return ob;
  }

  // ---- the lock -------------------------------------------------------------------------------------

  private get lockPath(): string {
    return `${this.base}.lock`;
  }

  private lock(): void {
    try {
      writeFileSync(this.lockPath, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readFileSync(this.lockPath, 'utf8'), 10);
    if (Number.isSafeInteger(holder) && holder !== process.pid && pidAlive(holder))
      throw new UserError(
        words(
          `Hàng đợi ${this.base} đang được tiến trình ${holder} dùng (mỗi hàng đợi chỉ một trạm đo).`,
          `Outbox ${this.base} is in use by process ${holder} (one agent per outbox).`,
        ),
      );
    // A lock left by a process that is gone (a crash): take it over.
    writeFileSync(this.lockPath, `${process.pid}\n`);
  }

  private unlock(): void {
    try {
      unlinkSync(this.lockPath);
    } catch {
      // already gone
    }
  }

  // ---- open -----------------------------------------------------------------------------------------

  private load(): void {
    const dir = dirname(this.base);
    const prefix = `${basename(this.base)}.`;
    const numbers = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && SEGMENT_NAME.test(f.slice(prefix.length)))
      .map((f) => Number(f.slice(prefix.length)))
      .sort((a, b) => a - b);
    let lastSeq = 0;
    let metaNext = 1;
    for (const n of numbers) {
      const seg: Segment = {
        n,
        path: join(dir, `${prefix}${String(n).padStart(8, '0')}`),
        size: 0,
        lastSeq: 0,
        fd: null,
      };
      const buf = readFileSync(seg.path);
      let off = 0;
      let why: string | null = null;
      while (off < buf.length) {
        if (buf.length - off < REC_HEADER) {
          why = 'short header';
          break;
        }
        const len = buf.readUInt32LE(off);
        if (len > MAX_BATCH_BYTES || buf.length - off - REC_HEADER < len) {
          why = 'short record';
          break;
        }
        const end = off + REC_HEADER + len;
        if (crc32(buf.subarray(off + 8, end)) !== buf.readUInt32LE(off + 4)) {
          why = 'CRC mismatch';
          break;
        }
        const type = buf[off + 8]!;
        const seq = buf.readUIntLE(off + 9, 6);
        if (type === T_BATCH) {
          if (seq <= lastSeq) {
            why = `seq ${seq} after ${lastSeq}`;
            break;
          }
          lastSeq = seq;
          seg.lastSeq = seq;
          this.entries.push({
            seg,
            offset: off,
            length: end - off,
            seq,
            count: buf.readUInt32LE(off + 15),
            oldestT: buf.readDoubleLE(off + 19),
          });
        } else if (type === T_ACK) {
          this.ackedSeq = Math.max(this.ackedSeq, seq);
        } else if (type === T_START && len === 12) {
          metaNext = Math.max(metaNext, buf.readUIntLE(off + REC_HEADER, 6));
          this.ackedSeq = Math.max(this.ackedSeq, buf.readUIntLE(off + REC_HEADER + 6, 6));
        } else {
          why = `unknown record type ${type}`;
          break;
        }
        off = end;
      }
      if (why !== null) {
        this.logger.warn(
          { segment: seg.path, offset: off, cutBytes: buf.length - off, why },
          'outbox: torn or damaged tail cut at open',
        );
        const fd = openSync(seg.path, 'r+');
        try {
          ftruncateSync(fd, off);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      seg.size = off;
      this.segments.push(seg);
      this.totalBytes += off;
    }
    this.nextSeq = Math.max(metaNext, lastSeq + 1, this.ackedSeq + 1);
    // Acknowledged batches are not resent.
    this.entries = this.entries.filter((e) => e.seq > this.ackedSeq);
    for (const e of this.entries) this.unackedResults += e.count;
    // Start a fresh segment (the last one may end in a cut record, and starting anew keeps its meaning).
    this.openSegment();
    this.release();
    this.enforceBound(0);
  }

  // ---- writing --------------------------------------------------------------------------------------

  /** Starts a new tail segment with its start record. */
  private openSegment(): void {
    const n = (this.segments.at(-1)?.n ?? 0) + 1;
    const seg: Segment = { n, path: segmentPath(this.base, n), size: 0, lastSeq: 0, fd: null };
    // The new file first: when it cannot be made, the old tail stays the tail.
    const fd = openSync(seg.path, 'wx');
    if (this.tailFd >= 0) {
      try {
        fsyncSync(this.tailFd);
      } finally {
        closeSync(this.tailFd);
      }
      this.dirty = false;
    }
    this.tailFd = fd;
    this.segments.push(seg);
    const start = record(T_START, 0, 0, 0, startPayload(this.nextSeq, this.ackedSeq));
    this.writeTail(seg, start);
    fsyncSync(this.tailFd);
    this.syncDir();
  }

  private get tail(): Segment {
    return this.segments.at(-1)!;
  }

  /** Appends a record to the tail; a failed write (disk full) is cut back off so no torn record stays. */
  private writeTail(seg: Segment, rec: Buffer): void {
    let done = 0;
    try {
      while (done < rec.length) done += writeSync(this.tailFd, rec, done, rec.length - done, seg.size + done);
    } catch (err) {
      if (done > 0) ftruncateSync(this.tailFd, seg.size);
      throw err;
    }
    seg.size += rec.length;
    this.totalBytes += rec.length;
    this.dirty = true;
    if (this.syncTimer === null) {
      this.syncTimer = setTimeout(() => {
        this.syncTimer = null;
        try {
          this.sync();
        } catch (err) {
          this.logger.error({ err, file: seg.path }, 'outbox: fsync failed');
        }
      }, SYNC_MS);
      this.syncTimer.unref();
    }
  }

  /** fsyncs what was written since the last commit. */
  sync(): void {
    if (!this.dirty || this.tailFd < 0) return;
    fsyncSync(this.tailFd);
    this.dirty = false;
  }

  private syncDir(): void {
    const fd = openSync(dirname(this.base), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Adds probe results to the batch forming; it closes (gets its seq and goes to disk) once
   * AGENT_CLOSE_MS has passed since its first result, or at BATCH_CAP_RESULTS / BATCH_CAP_BYTES.
   * `firstAt`: when the first of these results arrived (the caller gathers them between ticks); a batch
   * they start counts its AGENT_CLOSE_MS from there.
   * A result the codec would refuse is not kept: counted (`stats().invalid`) and logged.
   */
  append(results: readonly TargetResult[], now: number, firstAt = now): void {
    // A batch holds what arrived within AGENT_CLOSE_MS of its first result: close a due one first.
    this.tick(now);
    let refused = 0;
    for (const raw of results) {
      let r = raw;
      if (r.detail !== undefined && typeof r.detail === 'string' && r.detail.length > MAX_DETAIL_BYTES / 3)
        r = { ...r, detail: cutUtf8(r.detail, MAX_DETAIL_BYTES) };
      const problem = resultProblem(r, this.forming.length);
      if (problem !== null) {
        refused++;
        if (refused === 1)
          this.logger.warn(
            { target: String(r.target), where: problem.where, why: problem.words.en },
            'outbox: result refused',
          );
        continue;
      }
      if (this.forming.length === 0) this.formingSince = Math.min(firstAt, now);
      this.forming.push(r);
      this.unackedResults++;
      this.formingBytes += 12 + r.target.length + (r.detail?.length ?? 0) + (r.call ? 200 : 0);
      if (r.t < this.formingOldest) this.formingOldest = r.t;
      if (this.forming.length >= BATCH_CAP_RESULTS || this.formingBytes >= BATCH_CAP_BYTES) this.closeBatch(now);
    }
    this.invalid += refused;
    // Results gathered long enough ago (a stalled loop) start a batch that is already due.
    this.tick(now);
  }

  /** Closes the forming batch when it is due (the agent's send loop calls it at every tick). */
  tick(now: number): void {
    this.assertOpen();
    if (this.forming.length > 0 && now - this.formingSince >= AGENT_CLOSE_MS) this.closeBatch(now);
  }

  /** Closes the forming batch now, whatever its age (before sending it at once, and at close). */
  flush(now: number): void {
    this.assertOpen();
    if (this.forming.length > 0) this.closeBatch(now);
  }

  private closeBatch(now: number): void {
    const results = this.forming;
    const oldest = this.formingOldest;
    this.forming = [];
    this.formingBytes = 0;
    this.formingOldest = Infinity;
    const seq = this.nextSeq;
    const payload = encodeBatch({ seq, sentAt: now, outboxDepth: 0, results });
    const rec = record(T_BATCH, seq, results.length, oldest, payload);
    try {
      if (this.tail.lastSeq > 0 && this.tail.size + rec.length > this.segmentBytes) this.openSegment();
      this.enforceBound(rec.length);
      const seg = this.tail;
      const offset = seg.size;
      this.writeTail(seg, rec);
      this.nextSeq++;
      seg.lastSeq = seq;
      this.entries.push({ seg, offset, length: rec.length, seq, count: results.length, oldestT: oldest });
    } catch (err) {
      // The disk refused (full, gone): these results are lost, said and counted; the agent goes on.
      this.unackedResults -= results.length;
      this.dropped += results.length;
      this.logger.error({ err, results: results.length, droppedTotal: this.dropped }, 'outbox: batch not written');
    }
  }

  /** Drops the oldest segments until `incoming` more bytes fit the bound (never the tail). */
  private enforceBound(incoming: number): void {
    while (this.totalBytes + incoming > this.maxBytes) {
      if (this.segments.length === 1) {
        if (this.tail.lastSeq === 0) return; // nothing but a start record
        this.openSegment();
      }
      const seg = this.segments[0]!;
      let lost = 0;
      let batches = 0;
      let from: number | null = null;
      let to: number | null = null;
      while (this.head < this.entries.length && this.entries[this.head]!.seg === seg) {
        const e = this.entries[this.head++]!;
        lost += e.count;
        batches++;
        from ??= e.oldestT;
        to = e.oldestT;
      }
      this.unackedResults -= lost;
      this.dropped += lost;
      this.removeSegment(seg);
      this.compact();
      if (lost > 0)
        this.logger.warn(
          {
            dropped: lost,
            batches,
            droppedTotal: this.dropped,
            from: from === null ? null : new Date(from).toISOString(),
            to: to === null ? null : new Date(to).toISOString(),
            maxBytes: this.maxBytes,
          },
          'outbox full: the oldest results were dropped',
        );
    }
  }

  private removeSegment(seg: Segment): void {
    if (seg.fd !== null) closeSync(seg.fd);
    seg.fd = null;
    try {
      unlinkSync(seg.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.totalBytes -= seg.size;
    this.segments.splice(this.segments.indexOf(seg), 1);
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  // ---- reading and acknowledging -------------------------------------------------------------------

  /**
   * The oldest closed batches not acknowledged, at most `max`, in seq order, stamped with `now` as
   * sentAt and the results behind each as outboxDepth. A damaged record is skipped, counted and logged.
   */
  peek(max: number, now: number): AgentBatch[] {
    const out: AgentBatch[] = [];
    for (const e of this.peekEncoded(max, now)) {
      // Whole by its CRC and written by encodeBatch: it decodes (a failure would be a codec bug, said here).
      const d = decodeBatch(e.bytes);
      if (d.ok) out.push(d.batch);
      else this.logger.error({ seq: e.seq, where: d.where, why: d.en }, 'outbox: stored batch does not decode');
    }
    return out;
  }

  /** As peek, but the codec's bytes themselves (restamped), ready to send without re-encoding. */
  peekEncoded(max: number, now: number): EncodedBatch[] {
    this.assertOpen();
    const out: EncodedBatch[] = [];
    let behind = this.unackedResults;
    for (let i = this.head; i < this.entries.length && out.length < max; i++) {
      const e = this.entries[i]!;
      behind -= e.count;
      const rec = this.read(e);
      if (rec === null) {
        // Damaged on disk since it was written: not sendable, counted as lost.
        this.entries.splice(i, 1);
        i--;
        this.unackedResults -= e.count;
        this.dropped += e.count;
        continue;
      }
      const bytes = rec.subarray(REC_HEADER);
      restampBatch(bytes, now, behind);
      out.push({ seq: e.seq, results: e.count, bytes });
    }
    return out;
  }

  private read(e: Entry): Buffer | null {
    e.seg.fd ??= openSync(e.seg.path, 'r');
    const buf = Buffer.allocUnsafe(e.length);
    let got = 0;
    while (got < e.length) {
      const n = readSync(e.seg.fd, buf, got, e.length - got, e.offset + got);
      if (n === 0) break;
      got += n;
    }
    const ok = got === e.length && crc32(buf.subarray(8)) === buf.readUInt32LE(4) && buf.readUIntLE(9, 6) === e.seq;
    if (!ok)
      this.logger.error(
        { segment: e.seg.path, offset: e.offset, seq: e.seq, results: e.count },
        'outbox: damaged batch skipped',
      );
    return ok ? buf : null;
  }

  /**
   * The centre has every batch up to `seq` (acknowledgements are cumulative: batches go in order on one
   * connection). Releases them; segments holding only acknowledged batches are deleted.
   */
  ack(seq: number): void {
    this.assertOpen();
    const upTo = Math.min(seq, this.nextSeq - 1);
    if (!Number.isSafeInteger(upTo) || upTo <= this.ackedSeq) return;
    this.ackedSeq = upTo;
    while (this.head < this.entries.length && this.entries[this.head]!.seq <= upTo) {
      this.unackedResults -= this.entries[this.head]!.count;
      this.head++;
    }
    this.compact();
    const rec = record(T_ACK, upTo, 0, 0, Buffer.alloc(0));
    try {
      this.release();
      this.enforceBound(rec.length);
      this.writeTail(this.tail, rec);
    } catch (err) {
      // Not kept on disk: after a restart these batches are sent again, and applied once (AG5).
      this.logger.error({ err, seq: upTo }, 'outbox: acknowledgement not written');
    }
    this.release();
  }

  /** Deletes the oldest segments whose batches are all acknowledged (never the tail). */
  private release(): void {
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.ackedSeq)
      this.removeSegment(this.segments[0]!);
    if (this.entries.length > 0 && this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    }
  }

  /** The seq of the newest closed batch (0 before any). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /**
   * The empty batch to send when there is nothing to send (AG5: silence means no contact): only when
   * every closed batch is acknowledged, so it repeats `lastSeq`, already acknowledged, and its
   * acknowledgement releases nothing. null while a batch waits (send that instead).
   */
  idleBatch(now: number): AgentBatch | null {
    this.assertOpen();
    if (this.head < this.entries.length) return null;
    return { seq: this.lastSeq, sentAt: now, outboxDepth: this.unackedResults, results: [] };
  }

  stats(): OutboxStats {
    const first = this.entries[this.head];
    const oldest = Math.min(first?.oldestT ?? Infinity, this.formingOldest);
    return {
      batches: this.entries.length - this.head,
      results: this.unackedResults,
      bytes: this.totalBytes,
      oldestT: Number.isFinite(oldest) ? oldest : null,
      dropped: this.dropped,
      invalid: this.invalid,
    };
  }

  /** Closes the forming batch, commits, and lets the file go. */
  close(now = Date.now()): void {
    if (this.closed) return;
    this.flush(now);
    this.closed = true;
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    this.sync();
    closeSync(this.tailFd);
    this.tailFd = -1;
    for (const s of this.segments) {
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
    }
    this.unlock();
    OPEN_HERE.delete(this.base);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('outbox is closed');
  }

  // ---- the schedule --------------------------------------------------------------------------------

  private get schedulePath(): string {
    return `${this.base}.schedule.json`;
  }

  /** Keeps the schedule beside the outbox: written to a temporary file, fsynced, renamed over the old. */
  saveSchedule(s: AgentSchedule): void {
    saveSchedule(this.schedulePath, s);
  }

  /** The last schedule saved; null when none, or when it does not read (logged with what and where). */
  loadSchedule(): AgentSchedule | null {
    return loadSchedule(this.schedulePath, this.logger);
  }
}

function saveSchedule(path: string, s: AgentSchedule): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    const buf = Buffer.from(JSON.stringify(s));
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function loadSchedule(path: string, logger: Logger): AgentSchedule | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    logger.error({ file: path, why: String(err) }, 'outbox: saved schedule is not JSON; waiting for the centre');
    return null;
  }
  // The agent's slice of the inventory (server/agent/schedule.ts), not inventory points: a slice may hold
  // a point's backup line or endpoint without its primary line.
  const parsed = AgentScheduleMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    logger.error(
      { file: path, where: issue?.path.join('.') ?? '', why: issue?.message ?? '' },
      'outbox: saved schedule does not read; waiting for the centre',
    );
    return null;
  }
  return { ...parsed.data, points: parsed.data.points satisfies Point[] };
}
