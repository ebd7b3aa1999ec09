// [RS2][RS5] (docs/SPEC.md) The rollups in PostgreSQL: the same blocks as SQLite's in bytea columns,
// the open minutes apart from the closed ones (pg/rollups.ts). 1 Hz results for 100 targets through the
// real RollupBuffer, flushed every 10 s, cost at most 20 KB per point-hour (pg_total_relation_size of
// both tables: heap, index, TOAST, free-space and visibility maps); and the
// same writes (merges within and across batches, late buckets, a purge at an instant inside a minute)
// read back from PostgreSQL exactly as from SQLite, rows and report digest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { seededRandom } from '../../../server/lab/generate';
import { asyncStore } from '../../../server/store/async';
import { openPgStore } from '../../../server/store/pg';
import { RollupBuffer } from '../../../server/store/rollup';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { RollupRow, Store } from '../../../server/store/types';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'dc-pg-rollups-'));
const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-03-06T07:30:00+07:00');

beforeAll(async () => {
  await ensurePostgres();
  db = await createTestDatabase('diemcau_rollups');
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A RollupBuffer whose writes go to `store`; `drain()` waits for the writes its flushes started. */
function bufferInto(store: Store, clock: ManualClock) {
  const writes: Promise<void>[] = [];
  const buffer = new RollupBuffer({
    store: { writeRollups: (rows: readonly RollupRow[]) => track(writes, store.writeRollups([...rows])) },
    clock,
    logger,
  });
  return { buffer, drain: async () => void (await Promise.all(writes.splice(0))) };
}

async function withClient(f: (c: Client) => Promise<void>): Promise<void> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    await f(c);
  } finally {
    await c.end();
  }
}

function track(list: Promise<void>[], p: Promise<void>): Promise<void> {
  list.push(p);
  return p;
}

describe('[RS5] PostgreSQL rollup size', () => {
  const HOURS = 3;

  it('[RS5] 1 Hz results for 100 targets take at most 20 KB per point-hour', async () => {
    const store = await openPgStore(db.url, { schema: 'size' });
    const c = new Client({ connectionString: db.url });
    await c.connect();
    const size = async (table: string) =>
      Number((await c.query(`SELECT pg_total_relation_size('size.${table}') AS v`)).rows[0].v) / 100;
    const clock = new ManualClock(T0);
    const { buffer, drain } = bufferInto(store, clock);
    const random = seededRandom(14);
    const targets = Array.from({ length: 100 }, (_, i) => ({
      point: `P${String(i).padStart(5, '0')}`,
      target: `icmp:10.0.${i >> 8}.${i & 255}`,
      base: 3 + random() * 57,
      offset: Math.floor(random() * 1000),
    }));
    /** One hour of results, flushed every 10 s as the monitor does. */
    const hour = async (h: number) => {
      for (let s = h * 3600; s < (h + 1) * 3600; s++) {
        for (const x of targets) {
          const lost = random() < 0.005;
          // fping prints RTTs to the microsecond.
          const rtt = lost ? null : Math.round((x.base + random() * random() * 8) * 1000) / 1000;
          buffer.add(x.point, x.target, { t: T0 + s * 1000 + x.offset, rtt });
        }
        clock.set(T0 + (s + 1) * 1000);
        if ((s + 1) % 10 === 0) {
          await buffer.flush(clock.now());
          await drain();
        }
        // The hour runs in seconds here: what autovacuum does once a minute (naptime 1 min; the open
        // minutes' table passes its threshold of 50 + 20 % of its rows every minute) is done in step.
        if ((s + 1) % 60 === 0) await c.query('VACUUM size.rollup_open');
      }
    };
    try {
      await hour(0);
      const first = { closed: await size('rollup_blocks'), open: await size('rollup_open') };
      for (let h = 1; h < HOURS; h++) await hour(h);
      await buffer.stop();
      await drain();
      const last = { closed: await size('rollup_blocks'), open: await size('rollup_open') };
      expect(Number((await c.query('SELECT count(*) AS v FROM size.rollups')).rows[0].v)).toBe(100 * 360 * HOURS);
      // Over the whole run, the open minutes' working set included; the index of the closed minutes
      // grows by steps (its pages split in step, every target adding 60 entries an hour), so one hour
      // alone says less than three.
      const perHour = (last.closed + last.open) / HOURS;
      await c.query('VACUUM FULL size.rollup_blocks');
      const packed = (await size('rollup_blocks')) / HOURS;
      expect(perHour).toBeLessThanOrEqual(20 * 1024);
      expect(first.closed).toBeLessThanOrEqual(20 * 1024);
      // A working set, not a cost per hour: the open minutes' table does not grow with the hours.
      expect(last.open).toBeLessThanOrEqual(Math.max(first.open * 1.5, 4 * 1024));
      // The closed minutes are only ever inserted: no dead rows, only the index's half-full split pages.
      expect(last.closed / HOURS).toBeLessThanOrEqual(packed * 1.2);
    } finally {
      await c.end();
      await store.close();
    }
  }, 300_000);
});

describe('[RS2] PostgreSQL rollups read back as SQLite’s', () => {
  it('[RS2] the same writes give the same rows, digest and purge counts on both backends', async () => {
    const pg = await openPgStore(db.url, { schema: 'same_rows' });
    const lite = asyncStore(openSqliteStore(join(dir, 'same.sqlite'), { checkpoint: 'inline' }));
    const random = seededRandom(7);
    const row = (point: string, target: string, t: number): RollupRow => {
      const received = Math.floor(random() * 11);
      const sent = received + (random() < 0.2 ? Math.floor(random() * 3) : 0);
      const r = (): number => Math.round(random() * 80_000) / 1000;
      return {
        point,
        target,
        t,
        sent,
        received,
        rttMin: received > 0 ? r() : null,
        rttAvg: received > 0 ? r() + random() / 7 : null,
        rttMax: received > 0 ? r() : null,
        jitter: received > 1 ? random() * 9 : null,
      };
    };
    try {
      // Batches overlap: a bucket written twice in one batch, buckets written again by a later batch.
      for (let batch = 0; batch < 12; batch++) {
        const rows: RollupRow[] = [];
        for (const point of ['A', 'B']) {
          for (const target of ['icmp:1.1.1.1', 'sip:udp:b.example:5060']) {
            for (let k = 0; k < 8; k++) rows.push(row(point, target, T0 + Math.floor(random() * 40) * 10_000));
          }
        }
        await pg.writeRollups(rows);
        await lite.writeRollups(rows);
      }
      // Both tables hold blocks now (the older minutes closed, the last two open), each key in one of them.
      await withClient(async (c) => {
        const n = async (sql: string) => Number((await c.query(sql)).rows[0].n);
        expect(await n('SELECT count(*) AS n FROM same_rows.rollup_open')).toBeGreaterThan(0);
        expect(await n('SELECT count(*) AS n FROM same_rows.rollup_blocks')).toBeGreaterThan(0);
        expect(
          await n(
            'SELECT count(*) AS n FROM same_rows.rollup_open JOIN same_rows.rollup_blocks USING (point, t, target)',
          ),
        ).toBe(0);
      });
      for (const point of ['A', 'B', 'none']) {
        expect(await pg.listRollups(point, T0 + 15_000, T0 + 333_000)).toEqual(
          await lite.listRollups(point, T0 + 15_000, T0 + 333_000),
        );
        const q = { point, target: 'icmp:1.1.1.1', from: T0 + 20_000, to: T0 + 350_000, rttMs: 40, jitterMs: 5 };
        expect(await pg.digestRollups(q)).toEqual(await lite.digestRollups(q));
      }
      // An instant inside a minute: that minute's earlier buckets go, its later ones stay.
      const cut = T0 + 130_000;
      expect(await pg.purgeRollups(cut)).toBe(await lite.purgeRollups(cut));
      expect(await pg.listRollups('A', 0, Number.MAX_SAFE_INTEGER)).toEqual(
        await lite.listRollups('A', 0, Number.MAX_SAFE_INTEGER),
      );
      expect((await pg.listRollups('B', 0, cut)).length).toBe(0);
    } finally {
      await pg.close();
      await lite.close();
    }
  });
});
