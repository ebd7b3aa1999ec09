// The rollups on the store's SQLite connection (migration 9): table `rollup_blocks`, one row per
// (point, minute, target) with its 10 s buckets packed by rollup-codec.ts. Callers still see one
// RollupRow per 10 s bucket: writes merge rows into their block, reads unpack the blocks in range.
// SqliteStore and SqliteReport delegate here.
import type Database from 'better-sqlite3';
import { rttThreshold, type RollupDigest, type RollupDigestQuery } from './report-types';
import {
  BUCKET_MS,
  CODEC_VERSION,
  blockStart,
  bucketOf,
  checkRow,
  countSlots,
  decodeBlock,
  encodeBlock,
  mergeBucket,
  rowsOfBlocks,
  slotsOf,
  type BlockBucket,
} from './rollup-codec';
import type { RollupRow } from './types';

/** Points purged per transaction, so the writers (outages, rollups) wait a moment at most. */
const PURGE_BATCH = 50;
/** Digest packing of a bucket's index and RTT, as the digest has always packed them (see below). */
const RTT_SHIFT = 16_777_216;

interface BlockRow {
  t: number;
  target: string;
  data: Buffer;
}

export class SqliteRollups {
  private readonly s;
  private readonly writeTx;
  private readonly purgeBatchTx;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      block: p('SELECT data FROM rollup_blocks WHERE point = ? AND t = ? AND target = ?').pluck(),
      put: p(`INSERT INTO rollup_blocks (point, t, target, slots, data) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (point, t, target) DO UPDATE SET slots = excluded.slots, data = excluded.data`),
      range: p(`SELECT t, target, data FROM rollup_blocks WHERE point = ? AND t >= ? AND t < ? ORDER BY t, target`),
      target: p(`SELECT t, data FROM rollup_blocks WHERE point = ? AND t >= ? AND t < ? AND target = ? ORDER BY t`),
      // Walking the points through the primary key: each step is a seek, never a scan of the table.
      nextPoint: p('SELECT point FROM rollup_blocks WHERE point > ? ORDER BY point LIMIT 1').pluck(),
      oldBlocks: p('SELECT t, target, slots FROM rollup_blocks WHERE point = ? AND t < ?'),
      dropBlocks: p('DELETE FROM rollup_blocks WHERE point = ? AND t < ?'),
      dropBlock: p('DELETE FROM rollup_blocks WHERE point = ? AND t = ? AND target = ?'),
    };

    this.writeTx = db.transaction((groups: Map<string, RollupRow[]>) => {
      for (const rows of groups.values()) {
        const { point, target } = rows[0]!;
        const t = blockStart(rows[0]!.t);
        const old = this.s.block.get(point, t, target) as Buffer | undefined;
        const buckets: (BlockBucket | undefined)[] = [];
        if (old) for (const b of decodeBlock(old)) buckets[b.slot] = b;
        // In the order given: a bucket written twice in one call merges as two calls would.
        for (const r of rows) {
          const slot = (r.t - t) / BUCKET_MS;
          const prev = buckets[slot];
          buckets[slot] = prev ? mergeBucket(prev, bucketOf(r, slot)) : bucketOf(r, slot);
        }
        const present = buckets.filter((b): b is BlockBucket => b !== undefined);
        this.s.put.run(point, t, target, slotsOf(present), encodeBlock(present));
      }
    });

    this.purgeBatchTx = db.transaction((after: string, before: number): { next: string | null; deleted: number } => {
      let point: string | null = after;
      let deleted = 0;
      const cut = blockStart(before);
      for (let i = 0; i < PURGE_BATCH; i++) {
        point = (this.s.nextPoint.get(point) as string | undefined) ?? null;
        if (point === null) break;
        for (const b of this.s.oldBlocks.all(point, before) as { t: number; target: string; slots: number }[]) {
          if (b.t < cut) {
            deleted += countSlots(b.slots);
            continue;
          }
          // The block holding `before`: its buckets that start before it go, the rest stay.
          const all = decodeBlock(this.s.block.get(point, b.t, b.target) as Buffer);
          const keep = all.filter((x) => b.t + x.slot * BUCKET_MS >= before);
          deleted += all.length - keep.length;
          if (keep.length === 0) this.s.dropBlock.run(point, b.t, b.target);
          else if (keep.length < all.length) this.s.put.run(point, b.t, b.target, slotsOf(keep), encodeBlock(keep));
        }
        this.s.dropBlocks.run(point, cut);
      }
      return { next: point, deleted };
    });
  }

  /** Merges the rows into their blocks in one transaction; a bad row refuses the whole write. */
  write(rows: readonly RollupRow[]): void {
    if (rows.length === 0) return;
    rows.forEach(checkRow);
    const groups = new Map<string, RollupRow[]>();
    for (const r of rows) {
      const key = `${r.point}\u0000${r.target}\u0000${blockStart(r.t)}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    this.writeTx.immediate(groups);
  }

  /** The point's 10 s buckets with t in [from, to), ordered by t then target. */
  list(point: string, from: number, to: number): RollupRow[] {
    return rowsOfBlocks(point, this.s.range.all(point, blockStart(from), to) as BlockRow[], from, to);
  }

  /**
   * One target's buckets over [from, to), digested for the report. The lists are built exactly as the
   * SQL digest of the one-row-per-bucket table built them (the RTT truncated to hundredths of a ms,
   * packed with the bucket's index; the buckets not clean listed apart) and finished by the same code,
   * so a report computed after migration 9 is the report computed before it.
   */
  digest(q: RollupDigestQuery): RollupDigest {
    if (q.from % BUCKET_MS !== 0) throw new RangeError(`digest: from must be on the 10 s grid, got ${q.from}`);
    const packed: number[] = [];
    const odd: number[] = [];
    let sent = 0;
    for (const b of this.s.target.raw().all(q.point, blockStart(q.from), q.to, q.target) as [number, Buffer][]) {
      sent += digestBlock(b[1], b[0], q, packed, odd);
    }
    return finishDigest(q, sent, packed, odd);
  }

  /** Deletes the buckets that start before `before`; returns how many. */
  purge(before: number): number {
    let deleted = 0;
    let after: string | null = '';
    while (after !== null) {
      const r: { next: string | null; deleted: number } = this.purgeBatchTx.immediate(after, before);
      deleted += r.deleted;
      after = r.next;
    }
    return deleted;
  }
}

const FIELD_BYTES = [0, 4, 8, 0];

/**
 * One block's buckets in [q.from, q.to) into the digest's two lists; returns the probes sent. The
 * report's hot loop (millions of buckets): reads the layout of rollup-codec.ts in place, without a
 * callback or an object per bucket, and skips the fields the digest does not use (min, max).
 */
function digestBlock(buf: Buffer, blockT: number, q: RollupDigestQuery, packed: number[], odd: number[]): number {
  if (buf[0] !== CODEC_VERSION) decodeBlock(buf); // throws the codec's own error
  const n = buf[1]!;
  let off = 2;
  let sent = 0;
  for (let i = 0; i < n; i++) {
    const slot = buf[off++]!;
    const k = buf[off++]!;
    let s = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = buf[off++]!;
      s += (byte & 127) * scale;
      scale *= 128;
    } while (byte >= 128);
    let received = 0;
    scale = 1;
    do {
      byte = buf[off++]!;
      received += (byte & 127) * scale;
      scale *= 128;
    } while (byte >= 128);
    off += FIELD_BYTES[k & 3]!;
    const avgKind = (k >> 2) & 3;
    const avg = avgKind === 1 ? buf.readUInt32LE(off) / 1000 : avgKind === 2 ? buf.readDoubleLE(off) : null;
    off += FIELD_BYTES[avgKind]!;
    off += FIELD_BYTES[(k >> 4) & 3]!;
    const jitKind = (k >> 6) & 3;
    const jitter = jitKind === 1 ? buf.readUInt32LE(off) / 1000 : jitKind === 2 ? buf.readDoubleLE(off) : null;
    off += FIELD_BYTES[jitKind]!;
    if (off > buf.length) throw new Error('rollup block: truncated');
    const t = blockT + slot * BUCKET_MS;
    if (t < q.from || t >= q.to) continue;
    sent += s;
    if (avg !== null) packed.push(((t - q.from) / BUCKET_MS) * RTT_SHIFT + Math.trunc(avg * 100));
    const jitterFlag = jitter !== null && jitter >= q.jitterMs;
    if (s > received || s === 0 || jitterFlag) odd.push(t - q.from, s, received, jitterFlag ? 1 : 0);
  }
  return sent;
}

/** [t, a, b] triples in ascending t. */
function sortTriples(flat: number[]): Float64Array {
  const idx = Array.from({ length: flat.length / 3 }, (_, i) => i).sort((x, y) => flat[x * 3]! - flat[y * 3]!);
  const out = new Float64Array(flat.length);
  idx.forEach((j, k) => out.set(flat.slice(j * 3, j * 3 + 3), k * 3));
  return out;
}

/** The digest from its two lists: buckets with replies (packed) and buckets not clean (4-tuples). */
export function finishDigest(q: RollupDigestQuery, sentTotal: number, packed: number[], odd: number[]): RollupDigest {
  const slowAt = rttThreshold(q.rttMs);
  const rtt = new Uint32Array(packed.length);
  let silent = 0;
  for (let i = 0; i < odd.length; i += 4) if (odd[i + 2] === 0) silent++;
  // Every bucket is in one list or the other: with replies (packed), or without (odd, received 0).
  const buckets = new Float64Array(packed.length + silent);
  const flagged: number[] = [];
  let sorted = true;
  for (let i = 0; i < packed.length; i++) {
    const idx = Math.floor(packed[i]! / RTT_SHIFT);
    const u = packed[i]! - idx * RTT_SHIFT;
    const t = q.from + idx * BUCKET_MS;
    rtt[i] = u;
    buckets[i] = t;
    if (i > 0 && t < buckets[i - 1]!) sorted = false;
    if (u >= slowAt) flagged.push(t);
  }
  const lossy: number[] = [];
  let lost = 0;
  let k = packed.length;
  for (let i = 0; i < odd.length; i += 4) {
    const t = q.from + odd[i]!;
    const sent = odd[i + 1]!;
    const received = odd[i + 2]!;
    if (odd[i + 3] === 1) flagged.push(t);
    if (received < sent || sent === 0) {
      lossy.push(t, sent, received);
      lost += sent - received;
    }
    if (received === 0) {
      buckets[k++] = t;
      sorted = false;
    }
  }
  if (!sorted) buckets.sort();
  return {
    rows: buckets.length,
    sent: sentTotal,
    received: sentTotal - lost,
    buckets,
    lossy: sortTriples(lossy),
    flagged: Float64Array.from(new Set(flagged)).sort(),
    rtt,
  };
}
