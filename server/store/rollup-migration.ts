// Migration 9's data step: the one-row-per-10 s-bucket `rollups` table of migrations 1–8 copied into
// `rollup_blocks` (rollup-codec.ts), every field as it was, then dropped. It runs inside the
// migration's transaction (a crash leaves version 8 and the old table intact) and reads the old table
// in batches along its primary key, so memory stays bounded whatever the size of the history.
import type Database from 'better-sqlite3';
import { blockStart, BUCKET_MS, bucketOf, encodeBlock, slotsOf, type BlockBucket } from './rollup-codec';
import type { RollupRow } from './types';

/** A row of the old table (its column was `host` then; migration 12 renamed it `target`). */
type OldRow = Omit<RollupRow, 'target'> & { host: string };

/** Old rows read per batch. */
export const CONVERT_BATCH = 10_000;

const OLD_COLUMNS = `point, host, t, sent, received, rtt_min AS rttMin, rtt_avg AS rttAvg, rtt_max AS rttMax, jitter`;

/** The buckets stored, one row each, for inspection with SQL (the figures are in the BLOBs). */
export const ROLLUPS_VIEW = `CREATE VIEW rollups AS
  SELECT b.point, b.host, b.t + s.i * 10000 AS t
  FROM rollup_blocks b
  JOIN (SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) s
    ON (b.slots >> s.i) & 1`;

export function convertRollups(db: Database.Database): void {
  const first = db.prepare(`SELECT ${OLD_COLUMNS} FROM rollups ORDER BY point, host, t LIMIT ?`);
  const next = db.prepare(
    `SELECT ${OLD_COLUMNS} FROM rollups WHERE (point, host, t) > (?, ?, ?) ORDER BY point, host, t LIMIT ?`,
  );
  const insert = db.prepare('INSERT INTO rollup_blocks (point, t, host, slots, data) VALUES (?, ?, ?, ?, ?)');

  // The block being filled; its rows are contiguous in the old key order (point, host, t).
  let open: { point: string; host: string; t: number; buckets: BlockBucket[] } | null = null;
  const close = (): void => {
    if (open) insert.run(open.point, open.t, open.host, slotsOf(open.buckets), encodeBlock(open.buckets));
    open = null;
  };

  let batch = first.all(CONVERT_BATCH) as OldRow[];
  while (batch.length > 0) {
    for (const r of batch) {
      const t = blockStart(r.t);
      if (!open || open.point !== r.point || open.host !== r.host || open.t !== t) {
        close();
        open = { point: r.point, host: r.host, t, buckets: [] };
      }
      open.buckets.push(bucketOf({ ...r, target: r.host }, (r.t - t) / BUCKET_MS));
    }
    const last = batch[batch.length - 1]!;
    batch = next.all(last.point, last.host, last.t, CONVERT_BATCH) as OldRow[];
  }
  close();
  db.exec(`DROP TABLE rollups; ${ROLLUPS_VIEW};`);
}
