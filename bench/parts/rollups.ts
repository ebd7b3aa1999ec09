// The rollups part (issue 14): one hour of 1 Hz probe results for N points through the real
// RollupBuffer into a real SQLite file, flushed every 10 s as the monitor does. It reports the bytes
// per point-hour (pages in use after the hour, and after VACUUM), the WAL bytes the hour's commits
// wrote, and the write time — for the stored form (rollup_blocks, one row per target and minute) and,
// for comparison, for the one-row-per-10 s-bucket table that migrations 1–8 kept.
import Database from 'better-sqlite3';
import { asyncStore } from '../../server/store/async';
import pino from 'pino';
import { ManualClock } from '../../server/clock';
import { migrate, migrations } from '../../server/store/migrations';
import { RollupBuffer } from '../../server/store/rollup';
import { openSqliteStore } from '../../server/store/sqlite';
import type { RollupRow, Store } from '../../server/store/types';
import type { BenchPart, BenchResult } from '../lib/types';
import { seededRandom } from '../../server/lab/generate';

export type RollupLayout = 'blocks' | 'rows';

export interface RollupsRun {
  file: string;
  points: number;
  hours: number;
  layout: RollupLayout;
}

export interface RollupsMeasure {
  /** 10 s buckets stored. */
  buckets: number;
  /** page_count × page_size per point-hour once the hour is written and checkpointed. */
  bytesPerPointHour: number;
  /** The same after VACUUM (pages packed full). */
  vacuumedPerPointHour: number;
  /** Bytes the commits appended to the WAL (frames × (page + 24-byte header)) per point-hour. */
  walPerPointHour: number;
  /** Time inside the store's writes over the whole run, and the longest single flush. */
  writeMs: number;
  maxFlushMs: number;
  flushes: number;
}

const T0 = Date.parse('2026-03-06T07:30:00+07:00');
const logger = pino({ level: 'silent' });

// The merge of the one-row-per-bucket table, as sqlite.ts wrote it before migration 9.
export const LEGACY_UPSERT = `INSERT INTO rollups (point, host, t, sent, received, rtt_min, rtt_avg, rtt_max, jitter)
  VALUES (:point, :target, :t, :sent, :received, :rttMin, :rttAvg, :rttMax, :jitter)
  ON CONFLICT (point, host, t) DO UPDATE SET
    sent = sent + excluded.sent,
    received = received + excluded.received,
    rtt_min = min(coalesce(rtt_min, excluded.rtt_min), coalesce(excluded.rtt_min, rtt_min)),
    rtt_max = max(coalesce(rtt_max, excluded.rtt_max), coalesce(excluded.rtt_max, rtt_max)),
    rtt_avg = (coalesce(rtt_avg * received, 0) + coalesce(excluded.rtt_avg * excluded.received, 0))
      / nullif(CASE WHEN rtt_avg IS NULL THEN 0 ELSE received END
             + CASE WHEN excluded.rtt_avg IS NULL THEN 0 ELSE excluded.received END, 0),
    jitter = (coalesce(jitter * (received - 1), 0) + coalesce(excluded.jitter * (excluded.received - 1), 0))
      / nullif(CASE WHEN jitter IS NULL THEN 0 ELSE received - 1 END
             + CASE WHEN excluded.jitter IS NULL THEN 0 ELSE excluded.received - 1 END, 0)`;

/** A database at the last version before 9 and a writer with that version's merge, for comparison. */
export function openLegacyRollups(file: string): { file: string; store: Pick<Store, 'writeRollups'>; close(): void } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  migrate(
    db,
    undefined,
    migrations.filter((m) => m.version < 9),
  );
  const upsert = db.prepare(LEGACY_UPSERT);
  const tx = db.transaction((rows: readonly RollupRow[]) => {
    for (const r of rows) upsert.run(r);
  });
  return {
    file,
    store: {
      writeRollups: async (rows) => {
        tx.immediate(rows);
      },
    },
    close: () => db.close(),
  };
}

/** Writes `hours` of 1 Hz fping-like results for `points` targets and measures what it cost. */
export async function measureRollups(o: RollupsRun): Promise<RollupsMeasure> {
  const clock = new ManualClock(T0);
  let store: Pick<Store, 'writeRollups'>;
  let close: () => void;
  if (o.layout === 'blocks') {
    // No checkpoints but this function's own, so every frame the commits write is counted once.
    const s = openSqliteStore(o.file, { logger, checkpoint: 'none' });
    store = asyncStore(s);
    close = () => s.close();
  } else ({ store, close } = openLegacyRollups(o.file));
  const side = new Database(o.file);
  const pageSize = side.pragma('page_size', { simple: true }) as number;
  let walFrames = 0;
  const checkpoint = (): void => {
    // PASSIVE says how many frames the WAL holds (TRUNCATE reports 0 once it has emptied it).
    const [r] = side.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    walFrames += Math.max(0, r!.log);
    side.pragma('wal_checkpoint(TRUNCATE)');
  };

  const buffer = new RollupBuffer({ store, clock, logger });
  const random = seededRandom(14);
  const targets = Array.from({ length: o.points }, (_, i) => ({
    point: `P${String(i).padStart(5, '0')}`,
    host: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    base: 3 + random() * 57,
    // Each target's probe lands at its own offset in the second, as fping spreads them.
    offset: Math.floor(random() * 1000),
  }));
  let writeMs = 0;
  let maxFlushMs = 0;
  let flushes = 0;
  const flush = async (all: boolean): Promise<void> => {
    const t = performance.now();
    if (all) await buffer.stop();
    else await buffer.flush(clock.now());
    const ms = performance.now() - t;
    writeMs += ms;
    maxFlushMs = Math.max(maxFlushMs, ms);
    flushes++;
    checkpoint();
  };

  const seconds = Math.round(o.hours * 3600);
  try {
    for (let s = 0; s < seconds; s++) {
      for (const x of targets) {
        const lost = random() < 0.005;
        // fping prints RTTs to the microsecond.
        const rtt = lost ? null : Math.round((x.base + random() * random() * 8) * 1000) / 1000;
        buffer.add(x.point, `icmp:${x.host}`, { t: T0 + s * 1000 + x.offset, rtt });
      }
      clock.set(T0 + (s + 1) * 1000);
      if ((s + 1) % 10 === 0) await flush(false);
    }
    await flush(true);
    const buckets = side.prepare('SELECT count(*) FROM rollups').pluck().get() as number;
    const pages = (): number => side.pragma('page_count', { simple: true }) as number;
    const pointHours = o.points * o.hours;
    const live = pages() * pageSize;
    side.exec('VACUUM');
    checkpoint();
    const vacuumed = pages() * pageSize;
    return {
      buckets,
      bytesPerPointHour: live / pointHours,
      vacuumedPerPointHour: vacuumed / pointHours,
      walPerPointHour: (walFrames * (pageSize + 24)) / pointHours,
      writeMs,
      maxFlushMs,
      flushes,
    };
  } finally {
    side.close();
    close();
  }
}

const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

export const rollupsPart: BenchPart = {
  name: 'rollups',
  description:
    'Rollup size (issue 14): 1 h of 1 Hz results for N points through the real RollupBuffer into a real SQLite ' +
    'file, flushed every 10 s; bytes per point-hour (pages in use, and after VACUUM), WAL bytes written, write ' +
    'time — one row per target and minute (stored form) against one row per 10 s bucket (migrations 1–8).',
  async run(ctx) {
    const points = ctx.quick ? 100 : 1_000;
    const out: BenchResult[] = [];
    for (const layout of ['blocks', 'rows'] as const) {
      const name = layout === 'blocks' ? 'minute blocks' : '10 s rows (before)';
      ctx.log(`${name}: ${points.toLocaleString('en-US')} points × 1 h…`);
      const m = await measureRollups({ file: `${ctx.dir}/${layout}.sqlite`, points, hours: 1, layout });
      const p = `${points.toLocaleString('en-US')} pts`;
      out.push(
        {
          name: `${name}: bytes per point-hour`,
          value: kb(m.bytesPerPointHour),
          unit: 'KB',
          ...(layout === 'blocks' ? { target: '≤ 20 KB', ok: m.bytesPerPointHour <= 20 * 1024 } : {}),
          note: `${p}, ${m.buckets.toLocaleString('en-US')} buckets; ${kb(m.vacuumedPerPointHour)} KB after VACUUM`,
        },
        {
          name: `${name}: WAL written per point-hour`,
          value: kb(m.walPerPointHour),
          unit: 'KB',
          note: `${m.flushes} commits (one flush every 10 s)`,
        },
        {
          name: `${name}: write time per flush`,
          value: Math.round((m.writeMs / m.flushes) * 100) / 100,
          unit: 'ms',
          note: `${points.toLocaleString('en-US')} rows a flush; longest ${m.maxFlushMs.toFixed(1)} ms; ${(m.writeMs / 1000).toFixed(2)} s in all`,
        },
      );
    }
    return out;
  },
};
