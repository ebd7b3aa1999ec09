// [RS1]–[RS5] (docs/SPEC.md) The stored form of the rollups: one row per target and minute, its 10 s
// buckets packed in a BLOB. Checked against the one-row-per-bucket table of migrations 1–8 written by
// that version's own merge (bench/parts/rollups.ts keeps it for comparison): the same rows come back
// field for field, the report's digest is the same, a version-8 database migrates to the same report
// and charts, and an hour of 1 Hz results for 100 points takes at most 20 KB per point-hour.
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { measureRollups, openLegacyRollups, LEGACY_UPSERT } from '../../../bench/parts/rollups';
import { computeReport } from '../../../server/report/compute';
import type { RollupDigestQuery } from '../../../server/store/report-types';
import { BLOCK_BUCKETS, CODEC_VERSION, decodeBlock, encodeBlock } from '../../../server/store/rollup-codec';
import { migrate, migrations, schemaVersion } from '../../../server/store/migrations';
import { openSqliteStore } from '../../../server/store/sqlite';
import { finishDigest } from '../../../server/store/sqlite-rollups';
import type { RollupRow, Store, SyncStore } from '../../../server/store/types';
import { MemoryStore } from '../../helpers/memory-store';
import { LIVE, LT, MEETING, NOW, POINTS, THRESHOLDS, UNITS, seed } from '../report/fixture';
import { rollup } from './fixtures';
import { seededRandom } from '../../../server/lab/generate';

const dir = mkdtempSync(join(tmpdir(), 'dc-rollup-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const fileFor = (name: string): string => join(dir, `${name}-${++seq}.sqlite`);

const OLD_COLUMNS = `point, host AS target, t, sent, received, rtt_min AS rttMin, rtt_avg AS rttAvg, rtt_max AS rttMax, jitter`;

// The digest of migrations 1–8, computed by SQL over the one-row-per-bucket table (the reference).
const OLD_DIGEST = `SELECT total(sent) AS sent,
    group_concat(((t - CAST(:from AS INTEGER)) / 10000) * 16777216 + CAST(rtt_avg * 100 AS INTEGER)) AS rtt,
    group_concat((t - CAST(:from AS INTEGER)) || ':' || sent || ':' || received || ':'
        || coalesce(jitter >= :jitterMs, 0), ',')
      FILTER (WHERE sent > received OR sent = 0 OR jitter >= :jitterMs) AS odd
  FROM rollups WHERE point = :point AND host = :target AND t >= :from AND t < :to`;

const ints = (s: string | null): number[] => (s ? s.split(/[,:]/).map(Number) : []);

function oldDigest(db: Database.Database, q: RollupDigestQuery) {
  const r = db.prepare(OLD_DIGEST).get({ ...q }) as { sent: number; rtt: string | null; odd: string | null };
  return finishDigest(q, r.sent, ints(r.rtt), ints(r.odd));
}

const T = LIVE;

/** Random rows: every field null or not, microsecond or arbitrary RTTs, values on the thresholds. */
function randomRows(random: () => number, n: number): RollupRow[] {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(random() * xs.length)]!;
  const rtt = (): number | null => {
    const r = random();
    if (r < 0.2) return null;
    if (r < 0.3) return pick([100, 99.995, 99.99999999, 100.004999, 0, 0.001, 1e-7, 250]);
    if (r < 0.7) return Math.round(random() * 300_000) / 1000;
    return random() * 300;
  };
  return Array.from({ length: n }, () => {
    const sent = random() < 0.1 ? Math.floor(random() * 400) : Math.floor(random() * 11);
    const received = Math.floor(random() * (sent + 1));
    return {
      point: pick(['P1', 'P2', 'P3']),
      target: pick(['10.0.0.1', '10.0.0.19']),
      t: T + Math.floor(random() * 40) * 10_000,
      sent,
      received,
      rttMin: rtt(),
      rttAvg: rtt(),
      rttMax: rtt(),
      jitter: random() < 0.2 ? pick([20, 19.999999, 20.0000001]) : rtt(),
    };
  });
}

describe('[RS1] the block layout', () => {
  it('[RS1] packs a bucket as slot, kinds, varint counts and 4- or 8-byte RTTs after a version byte', () => {
    const data = encodeBlock([
      { slot: 3, sent: 300, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null },
      { slot: 0, sent: 10, received: 10, rttMin: 1.234, rttAvg: 2.5, rttMax: 1 / 3, jitter: 0.1 },
    ]);
    expect([...data.subarray(0, 4)]).toEqual([CODEC_VERSION, 2, 0, 0b01_10_01_01]);
    // slot 0: sent 10, received 10, min 1,234 µs (u32), avg 2.5 (µs: 2,500), max float64, jitter 100 µs.
    expect(data.readUInt32LE(6)).toBe(1234);
    expect(data.readUInt32LE(10)).toBe(2500);
    expect(data.readDoubleLE(14)).toBe(1 / 3);
    expect(data.readUInt32LE(22)).toBe(100);
    // slot 3: sent 300 as a two-byte varint, no RTT at all.
    expect([...data.subarray(26)]).toEqual([3, 0, 0xac, 0x02, 0]);
    expect(decodeBlock(data)).toEqual([
      { slot: 0, sent: 10, received: 10, rttMin: 1.234, rttAvg: 2.5, rttMax: 1 / 3, jitter: 0.1 },
      { slot: 3, sent: 300, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null },
    ]);
    expect(() => decodeBlock(Buffer.from([2, 0]))).toThrow(/version 2/);
    expect(() => decodeBlock(data.subarray(0, 12))).toThrow(/outside|truncated|range/i);
  });
});

describe('[RS2] round trip against the one-row-per-bucket table', () => {
  it('[RS2] returns every field of every bucket as the old table did, nulls, late merges and repeats included', () => {
    const store = openSqliteStore(fileFor('fuzz'), { checkpoint: 'inline' });
    const legacy = openLegacyRollups(fileFor('fuzz-legacy'));
    const old = new Database(legacy.file, { readonly: true });
    try {
      for (const start of [1, 2, 3, 14]) {
        const random = seededRandom(start);
        for (let batch = 0; batch < 40; batch++) {
          // Mostly recent buckets, and now and then one into a bucket written long ago (a late merge).
          const rows = randomRows(random, 1 + Math.floor(random() * 25));
          store.writeRollups(rows);
          legacy.store.writeRollups(rows);
        }
      }
      const before = old.prepare(
        `SELECT ${OLD_COLUMNS} FROM rollups WHERE point = ? AND t >= ? AND t < ? ORDER BY t, host`,
      );
      for (const point of ['P1', 'P2', 'P3']) {
        for (const [from, to] of [
          [0, Number.MAX_SAFE_INTEGER],
          [T + 30_000, T + 250_000],
          [T + 70_000, T + 80_000],
        ] as const) {
          const expected = before.all(point, from, to) as RollupRow[];
          expect(expected.length).toBeGreaterThan(0);
          expect(store.listRollups(point, from, to)).toEqual(expected);
        }
      }
    } finally {
      old.close();
      legacy.close();
      store.close();
    }
  });

  it('[RS2] refuses a bad row with a clear error, writing nothing of its batch', () => {
    const store = openSqliteStore(fileFor('refuse'), { checkpoint: 'inline' });
    try {
      const good = rollup({ t: T });
      expect(() => store.writeRollups([good, rollup({ t: T + 10_000, received: 11 })])).toThrow(
        /CHECK constraint failed: row 1 \(P1 icmp:127\.0\.0\.1 t=\d+\): received/,
      );
      expect(() => store.writeRollups([rollup({ t: T + 5 })])).toThrow(/row 0 .*multiple of 10,000/);
      expect(() => store.writeRollups([rollup({ sent: 1.5, received: 1 })])).toThrow(/sent must be a whole number/);
      expect(store.listRollups('P1', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('[RS2] the retention purge', () => {
  it('[RS2] deletes and counts 10 s buckets before the instant, also inside a minute', () => {
    const file = fileFor('purge');
    const store = openSqliteStore(file, { checkpoint: 'inline' });
    try {
      // Two targets, 15 buckets each from LT (a minute start): minutes of 6, 6 and 3 buckets.
      const rows = ['h1', 'h2'].flatMap((target) =>
        Array.from({ length: 15 }, (_, i) => rollup({ target, t: LT + i * 10_000 })),
      );
      store.writeRollups(rows);
      expect(store.purgeRollups(LT)).toBe(0);
      // Eight buckets a target: the first minute whole, and 60 s and 70 s of the second.
      expect(store.purgeRollups(LT + 75_000)).toBe(16);
      const left = store.listRollups('P1', 0, Number.MAX_SAFE_INTEGER);
      expect(left).toEqual(rows.filter((r) => r.t >= LT + 80_000).sort((a, b) => a.t - b.t));
      expect(store.purgeRollups(LT + 150_000)).toBe(14);
      expect(store.listRollups('P1', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    } finally {
      store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT count(*) FROM rollup_blocks').pluck().get()).toBe(0);
    } finally {
      raw.close();
    }
  });
});

describe('[RS3] the report digest', () => {
  it('[RS3] is the digest the SQL of migrations 1–8 computed, for any range and thresholds', () => {
    const store = openSqliteStore(fileFor('digest'), { checkpoint: 'inline' });
    const legacy = openLegacyRollups(fileFor('digest-legacy'));
    const old = new Database(legacy.file, { readonly: true });
    try {
      const random = seededRandom(7);
      for (let batch = 0; batch < 60; batch++) {
        const rows = randomRows(random, 20);
        store.writeRollups(rows);
        legacy.store.writeRollups(rows);
      }
      let flagged = 0;
      for (const point of ['P1', 'P2', 'P3']) {
        for (const target of ['10.0.0.1', '10.0.0.19']) {
          for (const [from, to] of [
            [T, T + 400_000],
            [T + 30_000, T + 250_000],
            [T - 60_000, T + 35_000],
          ] as const) {
            for (const [rttMs, jitterMs] of [
              [100, 20],
              [99.995, 19.999999],
              [250, 50],
            ] as const) {
              const q = { point, target, from, to, rttMs, jitterMs };
              const want = oldDigest(old, q);
              flagged += want.flagged.length;
              expect(store.digestRollups(q)).toEqual(want);
            }
          }
        }
      }
      expect(flagged).toBeGreaterThan(0);
    } finally {
      old.close();
      legacy.close();
      store.close();
    }
  });
});

/** Records the rows a seed writes, so they can be written again into a version-8 table. */
function recording(store: SyncStore, rows: RollupRow[][]): SyncStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'writeRollups') {
        return (r: readonly RollupRow[]) => {
          rows.push([...r]);
          target.writeRollups(r);
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

const reportOf = (store: Store) =>
  computeReport({
    store,
    meeting: MEETING,
    participants: POINTS,
    points: POINTS,
    units: UNITS,
    now: NOW,
    thresholds: THRESHOLDS,
  });

describe('[RS4] migration 9', () => {
  it('[RS4] converts a version-8 database in batches: the same report, the same chart rows, the same buckets', async () => {
    const file = fileFor('v8');
    // The report fixture through the store, then its rollups put back as version 8 kept them: the old
    // table (migration 1's own DDL), written by the old merge, the version set back.
    const written: RollupRow[][] = [];
    const seeded = openSqliteStore(file, { checkpoint: 'inline' });
    seed(recording(seeded, written));
    // More than one conversion batch, and buckets merged twice.
    const extra = randomRows(seededRandom(9), 12_000).map((r, i) => ({
      ...r,
      point: `P${1 + (i % 3)}`,
      target: i % 2 === 0 ? 'icmp:10.0.0.1' : 'icmp:10.0.0.19',
      t: T + Math.floor(i / 6) * 10_000,
    }));
    written.push(extra, extra.slice(0, 500));
    seeded.close();
    const raw = new Database(file);
    const v1Rollups = /CREATE TABLE rollups[\s\S]*?WITHOUT ROWID;\s*[\s\S]*?CREATE INDEX rollups_point_t[^;]*;/.exec(
      migrations[0]!.sql,
    )![0];
    raw.exec(`DROP VIEW rollups; DROP TABLE rollup_blocks; ${v1Rollups}`);
    const upsert = raw.prepare(LEGACY_UPSERT);
    raw.transaction(() => {
      // Version 8 keyed by host: migration 12 makes the ids (icmp:HOST) again.
      for (const rows of written) for (const r of rows) upsert.run({ ...r, target: r.target.replace(/^icmp:/, '') });
    })();
    raw.pragma('user_version = 8');
    const oldRows = (point: string) =>
      raw
        .prepare(
          `SELECT ${OLD_COLUMNS.replace('host AS target', "'icmp:' || host AS target")} FROM rollups WHERE point = ? ORDER BY t, host`,
        )
        .all(point) as RollupRow[];
    const before = new Map(['A', 'B', 'C', 'P1', 'P2', 'P3'].map((p) => [p, oldRows(p)]));
    const count = raw.prepare('SELECT count(*) FROM rollups').pluck().get() as number;
    expect(count).toBeGreaterThan(10_000);

    // The report of the memory store, seeded the same way, is the report before the migration.
    const memory = new MemoryStore();
    seed(memory);
    memory.writeRollups(extra);
    memory.writeRollups(extra.slice(0, 500));
    const expected = await reportOf(asyncStore(memory));

    expect(migrate(raw)).toBe(Math.max(...migrations.map((m) => m.version)));
    expect(schemaVersion(raw)).toBeGreaterThanOrEqual(9);
    expect(raw.prepare("SELECT type FROM sqlite_master WHERE name = 'rollups'").pluck().get()).toBe('view');
    expect(raw.prepare('SELECT count(*) FROM rollups').pluck().get()).toBe(count);
    raw.close();

    const store = openSqliteStore(file, { checkpoint: 'inline' });
    try {
      for (const [point, rows] of before) expect(store.listRollups(point, 0, Number.MAX_SAFE_INTEGER)).toEqual(rows);
      expect(await reportOf(asyncStore(store))).toEqual(expected);
    } finally {
      store.close();
    }
  });

  it('[RS4] leaves version 8 and the old table intact when the conversion fails', () => {
    const file = fileFor('v8-fail');
    const raw = new Database(file);
    try {
      migrate(
        raw,
        undefined,
        migrations.filter((m) => m.version < 9),
      );
      raw.prepare(LEGACY_UPSERT).run(rollup({ t: T }));
      const failing = migrations.map((m) =>
        m.version === 9
          ? {
              ...m,
              up: (db: Database.Database) => {
                m.up!(db);
                throw new Error('disk gone');
              },
            }
          : m,
      );
      expect(() => migrate(raw, undefined, failing)).toThrow(/disk gone/);
      expect(schemaVersion(raw)).toBeLessThan(9);
      expect(raw.prepare("SELECT type FROM sqlite_master WHERE name = 'rollups'").pluck().get()).toBe('table');
      expect(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'rollup_blocks'").pluck().get()).toBe(0);
      expect(raw.prepare(`SELECT ${OLD_COLUMNS} FROM rollups`).all()).toEqual([rollup({ t: T })]);
    } finally {
      raw.close();
    }
  });
});

describe('[RS5] size and chart resolution', () => {
  it('[RS5] an hour of 1 Hz results for 100 points takes at most 20 KB per point-hour, 360 buckets each', async () => {
    const m = await measureRollups({ file: fileFor('size'), points: 100, hours: 1, layout: 'blocks' });
    expect(m.buckets).toBe(100 * 360);
    expect(m.bytesPerPointHour).toBeLessThanOrEqual(20 * 1024);
    expect(m.vacuumedPerPointHour).toBeLessThanOrEqual(m.bytesPerPointHour);
    expect(m.walPerPointHour).toBeGreaterThan(0);
  });

  it('[RS5] charts still get one row per 10 s bucket, six per stored row', () => {
    const file = fileFor('chart');
    const store = openSqliteStore(file, { checkpoint: 'inline' });
    try {
      const rows = Array.from({ length: 18 }, (_, i) => rollup({ t: LT + i * 10_000, rttAvg: i + 0.5 }));
      store.writeRollups(rows);
      const got = store.listRollups('P1', LT, LT + 180_000);
      expect(got.map((r) => r.t - LT)).toEqual(rows.map((_, i) => i * 10_000));
      expect(got).toEqual(rows);
      expect(store.listRollups('P1', LT + 25_000, LT + 65_000).map((r) => (r.t - LT) / 1000)).toEqual([30, 40, 50, 60]);
    } finally {
      store.close();
    }
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT t - ? FROM rollup_blocks ORDER BY t').pluck().all(LT)).toEqual([0, 60_000, 120_000]);
      expect(BLOCK_BUCKETS * 10_000).toBe(60_000);
    } finally {
      raw.close();
    }
  });
});
