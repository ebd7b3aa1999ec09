// [AG7] The rollups of an agent's replay (docs/AGENTS.md): an hour of results replayed after a cut reach
// the rollup buffer long after their minutes, and are written in the timer's slices (1,000 rows each)
// that hold nothing newer than an hour ago; the minute cut in the middle was partly written before.
// Both stores merge them into the minutes' blocks: every 10 s bucket whole, once; in PostgreSQL each key
// in one table only, and the replayed minutes out of the open table once a live write follows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { RollupBuffer } from '../../../server/store/rollup';
import { openStore } from '../../../server/store/open';
import { STORE_BACKENDS } from '../../helpers/backends';

const T0 = Date.parse('2026-03-06T07:00:00+07:00');
const TARGETS = 20;
const HOUR = 3_600_000;
const target = (i: number) => `icmp:127.66.0.${i}@tram`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

describe.each(STORE_BACKENDS)('an hour replayed into the rollups, %s', (name, openBackend) => {
  it('[AG7][RS2] every bucket of the replayed hour is whole and counted once', async () => {
    const backend = await openBackend();
    const dir = mkdtempSync(join(tmpdir(), 'dc-agent-rollups-'));
    const store = await openStore(backend.db ?? join(dir, 'diemcau.sqlite'));
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      await backend.drop();
    });
    const clock = new ManualClock(T0);
    const buffer = new RollupBuffer({ store, clock, logger: pino({ level: 'silent' }) });
    const probe = (t: number) => {
      for (let i = 0; i < TARGETS; i++) buffer.add(`P${i}`, target(i), { t, rtt: t % 7_000 === 0 ? null : 4 + i });
    };
    // 25 s live, written; the cut starts at T0 + 25 s, in the middle of a minute and of a bucket.
    for (let s = 0; s < 25; s++) probe(T0 + s * 1_000);
    clock.set(T0 + 40_000);
    await buffer.flush();
    // An hour later the link is back: the replay, then a live second, each written by the timer's slices.
    for (let s = 25; s < 3_600; s++) probe(T0 + s * 1_000);
    clock.set(T0 + HOUR + 15_000);
    await buffer.flushInSlices();
    for (let s = 3_600; s < 3_620; s++) probe(T0 + s * 1_000);
    clock.set(T0 + HOUR + 40_000);
    await buffer.flushInSlices();
    expect(buffer.size.pending).toBe(0);

    for (let i = 0; i < TARGETS; i++) {
      const rows = await store.listRollups(`P${i}`, T0, T0 + HOUR + 20_000);
      expect(rows.map((r) => r.t)).toEqual(Array.from({ length: 362 }, (_, k) => T0 + k * 10_000));
      for (const r of rows) {
        const lost = Array.from({ length: 10 }, (_, k) => r.t + k * 1_000).filter((t) => t % 7_000 === 0).length;
        expect([r.sent, r.received]).toEqual([10, 10 - lost]);
      }
    }
    if (name !== 'PostgreSQL') return;
    const c = new Client({ connectionString: backend.db });
    await c.connect();
    try {
      const n = async (sql: string) => Number((await c.query(sql)).rows[0].n);
      expect(await n('SELECT count(*) AS n FROM rollup_open JOIN rollup_blocks USING (point, t, target)')).toBe(0);
      // The replayed minutes left the open table once the live write came: only the last two are there.
      expect(await n(`SELECT count(*) AS n FROM rollup_open WHERE t < ${T0 + HOUR - 60_000}`)).toBe(0);
      expect(await n('SELECT count(*) AS n FROM rollup_blocks')).toBe(TARGETS * 59);
    } finally {
      await c.end();
    }
  }, 120_000);
});
