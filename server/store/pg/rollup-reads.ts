// Reading and purging the PostgreSQL rollups (pg/rollups.ts): both tables, the closed minutes and the
// open ones, as one. Reads unpack the blocks in range with the codec; the digest builds the very lists
// SQLite's store builds and finishes them with the same code (sqlite-rollups.ts finishDigest), so a
// report is the same on both backends.
import type { RollupDigest, RollupDigestQuery } from '../report-types';
import { BUCKET_MS, blockStart, decodeBlock, encodeBlock, forEachBucket, rowsOfBlocks, slotsOf } from '../rollup-codec';
import { finishDigest } from '../sqlite-rollups';
import type { RollupRow } from '../types';
import { bound, type PgDb, type Sql } from './db';

/** Points purged per transaction, as SQLite's store purges them. */
const PURGE_BATCH = 50;
/** The digest's packing of a bucket's index and RTT (sqlite-rollups.ts). */
const RTT_SHIFT = 16_777_216;
const TABLES = ['rollup_blocks', 'rollup_open'] as const;

/** `SELECT cols FROM <each table> WHERE cond` as one UNION ALL. */
const both = (cols: string, cond: string): string =>
  TABLES.map((t) => `SELECT ${cols} FROM ${t} WHERE ${cond}`).join(' UNION ALL ');

/** The point's 10 s buckets with t in [from, to), ordered by t then target. */
export async function listBlocks(db: PgDb, point: string, from: number, to: number): Promise<RollupRow[]> {
  const blocks = await db.rows<{ t: number; target: string; data: Buffer }>(
    `${both('t, target, data', 'point = $1 AND t >= $2 AND t < $3')} ORDER BY t, target`,
    [point, bound(blockStart(from), '>='), bound(to, '<')],
  );
  return rowsOfBlocks(point, blocks, from, to);
}

/** One target's buckets over [from, to), digested for the report. */
export async function digestBlocks(db: PgDb, q: RollupDigestQuery): Promise<RollupDigest> {
  if (q.from % BUCKET_MS !== 0) throw new RangeError(`digest: from must be on the 10 s grid, got ${q.from}`);
  const blocks = await db.rows<{ t: number; data: Buffer }>(
    `${both('t, data', 'point = $1 AND t >= $2 AND t < $3 AND target = $4')} ORDER BY t`,
    [q.point, bound(blockStart(q.from), '>='), bound(q.to, '<'), q.target],
  );
  const packed: number[] = [];
  const odd: number[] = [];
  let sent = 0;
  for (const b of blocks) {
    forEachBucket(b.data, (x) => {
      const t = b.t + x.slot * BUCKET_MS;
      if (t < q.from || t >= q.to) return;
      sent += x.sent;
      if (x.rttAvg !== null) packed.push(((t - q.from) / BUCKET_MS) * RTT_SHIFT + Math.trunc(x.rttAvg * 100));
      const jitterFlag = x.jitter !== null && x.jitter >= q.jitterMs;
      if (x.sent > x.received || x.sent === 0 || jitterFlag)
        odd.push(t - q.from, x.sent, x.received, jitterFlag ? 1 : 0);
    });
  }
  return finishDigest(q, sent, packed, odd);
}

/**
 * Deletes the buckets that start before `before`; returns how many. The big table a batch of points
 * per transaction (each step of the walk an index seek), so writers wait a moment at most.
 */
export async function purgeBlocks(db: PgDb, before: number): Promise<number> {
  const cut = blockStart(before);
  let deleted = await db.tx(async (sql) => {
    await sql.lock('rollups');
    return purgeIn(sql, 'rollup_open', null, cut, before);
  });
  let after = '';
  for (;;) {
    const points = (
      await db.rows<{ point: string }>(
        `WITH RECURSIVE walk(point, n) AS (
           (SELECT point, 1 FROM rollup_blocks WHERE point > $1 ORDER BY point LIMIT 1)
           UNION ALL
           SELECT (SELECT b.point FROM rollup_blocks b WHERE b.point > w.point ORDER BY b.point LIMIT 1), n + 1
           FROM walk w WHERE w.point IS NOT NULL AND n < $2
         ) SELECT point FROM walk WHERE point IS NOT NULL`,
        [after, PURGE_BATCH],
      )
    ).map((r) => r.point);
    if (points.length === 0) return deleted;
    deleted += await db.tx(async (sql) => {
      await sql.lock('rollups');
      return purgeIn(sql, 'rollup_blocks', points, cut, before);
    });
    after = points[points.length - 1]!;
  }
}

/** Purges one table (of `points`, or all): whole blocks before `cut`, then the block holding `before`. */
async function purgeIn(sql: Sql, table: string, points: string[] | null, cut: number, before: number): Promise<number> {
  const of = points === null ? 'true' : 'point = ANY($2::text[])';
  const params = points === null ? [cut] : [cut, points];
  // Byte 1 of a block is its number of buckets (rollup-codec.ts).
  const [whole] = await sql.rows<{ n: number }>(
    `WITH gone AS (DELETE FROM ${table} WHERE ${of} AND t < $1 RETURNING data)
     SELECT coalesce(sum(get_byte(data, 1)), 0) AS n FROM gone`,
    params,
  );
  let deleted = whole!.n;
  if (before <= cut) return deleted;
  const edge = await sql.rows<{ point: string; target: string; data: Buffer }>(
    `SELECT point, target, data FROM ${table} WHERE ${of} AND t = $1`,
    params,
  );
  for (const b of edge) {
    const all = decodeBlock(b.data);
    const keep = all.filter((x) => cut + x.slot * BUCKET_MS >= before);
    deleted += all.length - keep.length;
    const key = [b.point, cut, b.target];
    if (keep.length === 0) await sql.run(`DELETE FROM ${table} WHERE point = $1 AND t = $2 AND target = $3`, key);
    else if (keep.length < all.length) {
      await sql.run(`UPDATE ${table} SET slots = $4, data = $5 WHERE point = $1 AND t = $2 AND target = $3`, [
        ...key,
        slotsOf(keep),
        encodeBlock(keep),
      ]);
    }
  }
  return deleted;
}
