// The stored form of the 10 s rollups (migration 9): one row per (point, host, minute) holding that
// minute's six 10 s buckets packed in a BLOB. Lossless: every field of every RollupRow written comes
// back bit for bit, so the report's figures and the charts are what they were with one row per bucket.
// The byte layout is documented in docs/ARCHITECTURE.md ("Rollup blocks"); PostgreSQL stores the same
// bytes in a bytea column.
//
// Version 1, little-endian:
//   byte 0   version (1)
//   byte 1   number of buckets that follow (1..BLOCK_BUCKETS)
//   then per bucket, in ascending slot order:
//     u8      slot: the bucket's index in the block, (t - block start) / 10 s
//     u8      kinds of rttMin, rttAvg, rttMax, jitter, two bits each from the low bits:
//             0 null, 1 u32 integer microseconds, 2 float64
//     varint  sent (unsigned LEB128)
//     varint  received
//     then each non-null RTT field in that order, 4 or 8 bytes.
// A value is written as microseconds only when dividing them by 1,000 gives back the very same double
// (fping's 3-decimal RTTs always do); anything else is kept as float64.
import type { RollupRow } from './types';

export const CODEC_VERSION = 1;
export const BUCKET_MS = 10_000;
/** Buckets per stored row: one minute (the measured choice, see docs/ARCHITECTURE.md). */
export const BLOCK_BUCKETS = 6;
export const BLOCK_MS = BLOCK_BUCKETS * BUCKET_MS;

export const blockStart = (t: number): number => Math.floor(t / BLOCK_MS) * BLOCK_MS;

/** One 10 s bucket of a block: a RollupRow without its point, host and time. */
export interface BlockBucket {
  slot: number;
  sent: number;
  received: number;
  rttMin: number | null;
  rttAvg: number | null;
  rttMax: number | null;
  jitter: number | null;
}

const NULL = 0;
const MICROS = 1;
const FLOAT = 2;
const U32_LIMIT = 2 ** 32;

function kindOf(v: number | null): number {
  if (v === null) return NULL;
  const us = Math.round(v * 1000);
  return us >= 0 && us < U32_LIMIT && us / 1000 === v ? MICROS : FLOAT;
}

const varintSize = (n: number): number => {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
};

function writeVarint(buf: Buffer, off: number, n: number): number {
  while (n >= 128) {
    buf[off++] = (n % 128) | 128;
    n = Math.floor(n / 128);
  }
  buf[off++] = n;
  return off;
}

/** Packs a block's buckets (any order; slots distinct) into the version-1 layout. */
export function encodeBlock(buckets: readonly BlockBucket[]): Buffer {
  // Written once per target every 10 s: two passes over the fields, no array per bucket.
  let ordered = true;
  for (let i = 1; i < buckets.length; i++) if (buckets[i]!.slot < buckets[i - 1]!.slot) ordered = false;
  const sorted = ordered ? buckets : [...buckets].sort((a, b) => a.slot - b.slot);
  let size = 2;
  for (const b of sorted) {
    size += 2 + varintSize(b.sent) + varintSize(b.received);
    size += fieldSize(b.rttMin) + fieldSize(b.rttAvg) + fieldSize(b.rttMax) + fieldSize(b.jitter);
  }
  const buf = Buffer.allocUnsafe(size);
  buf[0] = CODEC_VERSION;
  buf[1] = sorted.length;
  let off = 2;
  for (const b of sorted) {
    buf[off++] = b.slot;
    const kindsAt = off++;
    off = writeVarint(buf, off, b.sent);
    off = writeVarint(buf, off, b.received);
    let kinds = 0;
    for (let f = 0; f < 4; f++) {
      const v = f === 0 ? b.rttMin : f === 1 ? b.rttAvg : f === 2 ? b.rttMax : b.jitter;
      const kind = kindOf(v);
      kinds |= kind << (f * 2);
      if (kind === MICROS) off = buf.writeUInt32LE(Math.round(v! * 1000), off);
      else if (kind === FLOAT) off = buf.writeDoubleLE(v!, off);
    }
    buf[kindsAt] = kinds;
  }
  return buf;
}

const fieldSize = (v: number | null): number => {
  const k = kindOf(v);
  return k === MICROS ? 4 : k === FLOAT ? 8 : 0;
};

/**
 * Calls `visit` for each bucket of a stored block, in slot order. The object passed is reused between
 * calls (the report decodes millions of buckets): copy what you keep.
 */
export function forEachBucket(data: Uint8Array, visit: (b: BlockBucket) => void): void {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 2 || buf[0] !== CODEC_VERSION) {
    throw new Error(`rollup block: unknown layout version ${buf[0] ?? 'none'} (this diemcau reads ${CODEC_VERSION})`);
  }
  const b: BlockBucket = { slot: 0, sent: 0, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null };
  const n = buf[1]!;
  let off = 2;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[off++];
      if (byte === undefined) throw new Error('rollup block: truncated');
      v += (byte & 127) * scale;
      if (byte < 128) return v;
      scale *= 128;
    }
  };
  const field = (kind: number): number | null => {
    if (kind === NULL) return null;
    if (kind === MICROS) {
      const us = buf.readUInt32LE(off);
      off += 4;
      return us / 1000;
    }
    if (kind === FLOAT) {
      const v = buf.readDoubleLE(off);
      off += 8;
      return v;
    }
    throw new Error(`rollup block: unknown field kind ${kind}`);
  };
  for (let i = 0; i < n; i++) {
    if (off + 2 > buf.length) throw new Error('rollup block: truncated');
    b.slot = buf[off++]!;
    const k = buf[off++]!;
    b.sent = varint();
    b.received = varint();
    b.rttMin = field(k & 3);
    b.rttAvg = field((k >> 2) & 3);
    b.rttMax = field((k >> 4) & 3);
    b.jitter = field((k >> 6) & 3);
    visit(b);
  }
}

/** A block's buckets as fresh objects, in slot order. */
export function decodeBlock(data: Uint8Array): BlockBucket[] {
  const out: BlockBucket[] = [];
  forEachBucket(data, (b) => out.push({ ...b }));
  return out;
}

/** The bitmap of a block's slots (bit i: bucket i present), stored beside the BLOB for SQL. */
export const slotsOf = (buckets: readonly BlockBucket[]): number => buckets.reduce((m, b) => m | (1 << b.slot), 0);

/** Number of buckets in a slot bitmap. */
export function countSlots(slots: number): number {
  let n = 0;
  for (let m = slots; m !== 0; m &= m - 1) n++;
  return n;
}

/**
 * The same bucket written twice (late probes after a flush, a restart): counts add up, min/max widen,
 * the average is weighted by replies and the jitter by the successive differences (replies - 1) of
 * each part. The very arithmetic of the UPSERT that merged one-row-per-bucket rollups before
 * migration 9 (same operations in the same order), so a merged bucket is the same double as before.
 */
export function mergeBucket(a: BlockBucket, b: Omit<BlockBucket, 'slot'>): BlockBucket {
  const avgDen = (a.rttAvg === null ? 0 : a.received) + (b.rttAvg === null ? 0 : b.received);
  const jitDen = (a.jitter === null ? 0 : a.received - 1) + (b.jitter === null ? 0 : b.received - 1);
  return {
    slot: a.slot,
    sent: a.sent + b.sent,
    received: a.received + b.received,
    rttMin: pick(a.rttMin, b.rttMin, Math.min),
    rttMax: pick(a.rttMax, b.rttMax, Math.max),
    rttAvg:
      avgDen === 0
        ? null
        : ((a.rttAvg === null ? 0 : a.rttAvg * a.received) + (b.rttAvg === null ? 0 : b.rttAvg * b.received)) / avgDen,
    jitter:
      jitDen === 0
        ? null
        : ((a.jitter === null ? 0 : a.jitter * (a.received - 1)) +
            (b.jitter === null ? 0 : b.jitter * (b.received - 1))) /
          jitDen,
  };
}

const pick = (x: number | null, y: number | null, f: (a: number, b: number) => number): number | null =>
  x === null ? y : y === null ? x : f(x, y);

/**
 * Refuses a row the one-row-per-bucket table refused (its STRICT types and CHECK constraints), saying
 * which and why; the store checks every row of a write before it writes any.
 */
export function checkRow(r: RollupRow, index: number): void {
  const fail = (why: string): never => {
    throw new Error(`rollups: CHECK constraint failed: row ${index} (${r.point} ${r.target} t=${r.t}): ${why}`);
  };
  if (typeof r.point !== 'string' || typeof r.target !== 'string') fail('point and target must be text');
  if (!Number.isSafeInteger(r.t) || r.t % BUCKET_MS !== 0) fail('t must be a multiple of 10,000 ms');
  if (!Number.isSafeInteger(r.sent) || r.sent < 0) fail('sent must be a whole number ≥ 0');
  if (!Number.isSafeInteger(r.received) || r.received < 0 || r.received > r.sent) {
    fail('received must be a whole number between 0 and sent');
  }
  for (const k of ['rttMin', 'rttAvg', 'rttMax', 'jitter'] as const) {
    const v = r[k];
    if (v !== null && typeof v !== 'number') fail(`${k} must be a number or null`);
  }
}

/** A row's bucket, stored as SQLite stored a REAL: NaN as null, -0 as 0. */
export const bucketOf = (r: RollupRow, slot: number): BlockBucket => ({
  slot,
  sent: r.sent,
  received: r.received,
  rttMin: nn(r.rttMin),
  rttAvg: nn(r.rttAvg),
  rttMax: nn(r.rttMax),
  jitter: nn(r.jitter),
});

const nn = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v === 0 ? 0 : v);

/** A stored minute of one target: its start, its target and its packed buckets. */
export interface StoredBlock {
  t: number;
  target: string;
  data: Uint8Array;
}

/**
 * The point's 10 s buckets with t in [from, to) from its stored minutes (in (t, target) order), as
 * rows ordered by t then target: what both stores' listRollups return.
 */
export function rowsOfBlocks(point: string, blocks: Iterable<StoredBlock>, from: number, to: number): RollupRow[] {
  const out: RollupRow[] = [];
  for (const b of blocks) {
    forEachBucket(b.data, (x) => {
      const t = b.t + x.slot * BUCKET_MS;
      if (t < from || t >= to) return;
      out.push({
        point,
        target: b.target,
        t,
        sent: x.sent,
        received: x.received,
        rttMin: x.rttMin,
        rttAvg: x.rttAvg,
        rttMax: x.rttMax,
        jitter: x.jitter,
      });
    });
  }
  // Blocks come by (t, target), buckets by slot within a block; a stable sort by t restores (t, target).
  return out.sort((a, b) => a.t - b.t);
}
