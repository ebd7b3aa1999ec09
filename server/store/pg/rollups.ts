// The rollups in PostgreSQL: the blocks of SQLite's migration 9 (one row per point, minute and target,
// its 10 s buckets packed by rollup-codec.ts) in bytea columns, in two tables. A minute still being
// written lives in `rollup_open`, where the buffer's flush rewrites it every 10 s; once a write brings
// buckets two minutes later, it moves to `rollup_blocks`, which is then (late buckets aside) only ever
// inserted into. Rewriting rows in one big table would leave five dead versions per row for VACUUM to
// find — twice the bytes per point-hour until it runs (docs/STORE.md); the churn stays in a table of a
// few minutes that autovacuum clears in passing. A key is in one table at a time.
//
// A write is one transaction of a fixed number of statements whatever its size — the batch's existing
// blocks read at once, merged in memory with the codec's arithmetic, one multi-row INSERT … ON
// CONFLICT per table, one move — under a lock, so concurrent writers take turns and no merge is lost.
import type { RollupDigest, RollupDigestQuery } from '../report-types';
import {
  BLOCK_MS,
  BUCKET_MS,
  blockStart,
  bucketOf,
  checkRow,
  decodeBlock,
  encodeBlock,
  mergeBucket,
  slotsOf,
  type BlockBucket,
} from '../rollup-codec';
import type { RollupRow } from '../types';
import type { PgDb, Sql } from './db';
import { digestBlocks, listBlocks, purgeBlocks } from './rollup-reads';

interface Block {
  point: string;
  t: number;
  target: string;
  rows: RollupRow[];
  /** Where the block is stored now, if anywhere. */
  stored?: { src: 'rollup_open' | 'rollup_blocks'; data: Buffer };
}

const keyOf = (point: string, target: string, t: number): string => `${point}\u0000${target}\u0000${t}`;

const UPSERT = (table: string) => `INSERT INTO ${table} (point, t, target, slots, data)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::smallint[], $5::bytea[])
  ON CONFLICT (point, t, target) DO UPDATE SET slots = excluded.slots, data = excluded.data`;

export class PgRollups {
  constructor(private readonly db: PgDb) {}

  /** Merges the rows into their blocks in one transaction; a bad row refuses the whole write. */
  async writeRollups(rows: readonly RollupRow[]): Promise<void> {
    if (rows.length === 0) return;
    rows.forEach(checkRow);
    const blocks = new Map<string, Block>();
    let latest = -Infinity;
    for (const r of rows) {
      const t = blockStart(r.t);
      latest = Math.max(latest, t);
      const b = blocks.get(keyOf(r.point, r.target, t));
      if (b) b.rows.push(r);
      else blocks.set(keyOf(r.point, r.target, t), { point: r.point, t, target: r.target, rows: [r] });
    }
    // The minute of the newest bucket and the one before stay open; older ones are closed.
    const horizon = latest - BLOCK_MS;
    const list = [...blocks.values()];
    await this.db.tx(async (sql) => {
      await sql.lock('rollups');
      for (const s of await storedBlocks(sql, list)) blocks.get(keyOf(s.point, s.target, s.t))!.stored = s;
      const open: Block[] = [];
      const closed: Block[] = [];
      const out = new Map<Block, { slots: number; data: Buffer }>();
      for (const b of list) {
        out.set(b, merged(b));
        const table = b.stored?.src ?? (b.t >= horizon ? 'rollup_open' : 'rollup_blocks');
        (table === 'rollup_open' ? open : closed).push(b);
      }
      for (const [table, part] of [
        ['rollup_open', open],
        ['rollup_blocks', closed],
      ] as const) {
        if (part.length === 0) continue;
        await sql.run(UPSERT(table), [
          part.map((b) => b.point),
          part.map((b) => b.t),
          part.map((b) => b.target),
          part.map((b) => out.get(b)!.slots),
          part.map((b) => out.get(b)!.data),
        ]);
      }
      // Minutes before the horizon are complete: into the big table, in one statement.
      await sql.run(
        `WITH moved AS (DELETE FROM rollup_open WHERE t < $1 RETURNING point, t, target, slots, data)
         INSERT INTO rollup_blocks (point, t, target, slots, data) SELECT * FROM moved`,
        [horizon],
      );
    });
  }

  /** The point's 10 s buckets with t in [from, to), ordered by t then target. */
  listRollups(point: string, from: number, to: number): Promise<RollupRow[]> {
    return listBlocks(this.db, point, from, to);
  }

  /** One target's buckets over [from, to), digested for the report exactly as SQLite's store does. */
  digestRollups(q: RollupDigestQuery): Promise<RollupDigest> {
    return digestBlocks(this.db, q);
  }

  /** Deletes the buckets that start before `before`; returns how many. */
  purgeRollups(before: number): Promise<number> {
    return purgeBlocks(this.db, before);
  }
}

const STORED = (table: string) => `SELECT '${table}' AS src, b.point, b.t, b.target, b.data FROM ${table} b
  JOIN unnest($1::text[], $2::bigint[], $3::text[]) AS k(point, t, target)
    ON b.point = k.point AND b.t = k.t AND b.target = k.target`;

/** The blocks of the batch already stored, and in which table. */
function storedBlocks(sql: Sql, list: readonly Block[]) {
  return sql.rows<{ src: 'rollup_open' | 'rollup_blocks'; point: string; t: number; target: string; data: Buffer }>(
    `${STORED('rollup_open')} UNION ALL ${STORED('rollup_blocks')}`,
    [list.map((b) => b.point), list.map((b) => b.t), list.map((b) => b.target)],
  );
}

/** The block's stored buckets with the new rows merged in, in the order given (as SQLite merges them). */
function merged(b: Block): { slots: number; data: Buffer } {
  const buckets: (BlockBucket | undefined)[] = [];
  if (b.stored) for (const x of decodeBlock(b.stored.data)) buckets[x.slot] = x;
  for (const r of b.rows) {
    const slot = (r.t - b.t) / BUCKET_MS;
    const had = buckets[slot];
    buckets[slot] = had ? mergeBucket(had, bucketOf(r, slot)) : bucketOf(r, slot);
  }
  const present = buckets.filter((x): x is BlockBucket => x !== undefined);
  return { slots: slotsOf(present), data: encodeBlock(present) };
}
