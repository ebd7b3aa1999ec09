import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as fc from 'fast-check';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import {
  BUCKET_MS,
  RollupBuffer,
  SLICE_ROWS,
  bucketStart,
  type RollupBufferOptions,
} from '../../../server/store/rollup';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { RollupRow } from '../../../server/store/types';
import { waitFor } from '../../helpers/app';

const logger = pino({ level: 'silent' });
const B = 1_700_000_000_000; // a bucket start
const dir = mkdtempSync(join(tmpdir(), 'diemcau-rollup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sameAvg = (x: number | null, y: number | null) =>
  x === null ? y === null : y !== null && Math.abs(x - y) < 1e-6;

let seq = 0;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).toReversed()) c();
});

function setup(opts: Partial<RollupBufferOptions> & { busyTimeoutMs?: number } = {}) {
  const file = join(dir, `r${++seq}.sqlite`);
  const store = openSqliteStore(file, { busyTimeoutMs: opts.busyTimeoutMs ?? 5000 });
  const clock = new ManualClock(B);
  const buffer = new RollupBuffer({ store: asyncStore(store), clock, logger, ...opts });
  cleanups.push(() => store.close());
  const rows = (point = 'P1'): RollupRow[] => store.listRollups(point, 0, Number.MAX_SAFE_INTEGER);
  /** Another connection holding the write lock, as a second process would. */
  const lock = () => {
    const other = new Database(file);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    return () => other.exec('ROLLBACK');
  };
  return { store, clock, buffer, rows, lock };
}

describe('RollupBuffer', () => {
  it('buckets by floor(t / 10 s)', () => {
    expect(bucketStart(B)).toBe(B);
    expect(bucketStart(B + 9_999.9)).toBe(B);
    expect(bucketStart(B + 10_000)).toBe(B + BUCKET_MS);
    expect(bucketStart(B - 0.001)).toBe(B - BUCKET_MS);
  });

  it('aggregates a bucket: counts, min/avg/max and jitter over successive replies', async () => {
    const { buffer, rows } = setup();
    buffer.add('P1', 'h', { t: B, rtt: 10 });
    buffer.add('P1', 'h', { t: B + 2_000, rtt: 30 });
    buffer.add('P1', 'h', { t: B + 4_000, rtt: null });
    buffer.add('P1', 'h', { t: B + 9_999, rtt: 35 });
    buffer.add('P1', 'h', { t: B + 10_000, rtt: 5 });
    buffer.add('P1', 'h2', { t: B + 1_000, rtt: 7 });
    buffer.add('P1', 'h3', { t: B + 1_000, rtt: null });
    expect(await buffer.flush(B + 22_001, { all: true })).toEqual({ written: 4, pending: 0, dropped: 0 });
    expect(rows()).toEqual([
      // |30 - 10| and |35 - 30|: the lost probe does not break the succession of replies
      { point: 'P1', target: 'h', t: B, sent: 4, received: 3, rttMin: 10, rttAvg: 25, rttMax: 35, jitter: 12.5 },
      { point: 'P1', target: 'h2', t: B, sent: 1, received: 1, rttMin: 7, rttAvg: 7, rttMax: 7, jitter: null },
      { point: 'P1', target: 'h3', t: B, sent: 1, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null },
      { point: 'P1', target: 'h', t: B + 10_000, sent: 1, received: 1, rttMin: 5, rttAvg: 5, rttMax: 5, jitter: null },
    ]);
    expect(buffer.size).toEqual({ pending: 0, open: 0 });
  });

  it('writes a bucket only once its end plus the grace has passed', async () => {
    const { buffer, rows } = setup({ graceMs: 2_000 });
    buffer.add('P1', 'h', { t: B + 9_999, rtt: 1 });
    buffer.add('P1', 'h', { t: B + 10_000, rtt: 2 });
    expect(await buffer.flush(B + 12_000)).toEqual({ written: 0, pending: 0, dropped: 0 });
    expect(rows()).toEqual([]);
    expect(await buffer.flush(B + 12_001)).toEqual({ written: 1, pending: 0, dropped: 0 });
    expect(rows().map((r) => r.t)).toEqual([B]);
    expect(buffer.size.open).toBe(1);
  });

  it('writes each flush in one writeRollups call', async () => {
    const { store, clock } = setup();
    const calls: number[] = [];
    const counting = {
      writeRollups: async (r: readonly RollupRow[]) => {
        calls.push(r.length);
        store.writeRollups(r);
      },
    };
    const buffer = new RollupBuffer({ store: counting, clock, logger });
    for (let i = 0; i < 50; i++) buffer.add(`P${i % 5}`, `h${i % 3}`, { t: B + i * 1_000, rtt: i });
    await buffer.flush(B + 100_000);
    await buffer.flush(B + 200_000);
    expect(calls).toEqual([50]);
  });

  it('merges a late result into the bucket already written', async () => {
    const { buffer, rows } = setup();
    buffer.add('P1', 'h', { t: B, rtt: 10 });
    buffer.add('P1', 'h', { t: B + 1_000, rtt: 30 });
    await buffer.flush(B + 20_000);
    buffer.add('P1', 'h', { t: B + 5_000, rtt: 40 });
    buffer.add('P1', 'h', { t: B + 6_000, rtt: null });
    expect((await buffer.flush(B + 21_000)).written).toBe(1);
    expect(rows()).toEqual([
      { point: 'P1', target: 'h', t: B, sent: 4, received: 3, rttMin: 10, rttAvg: 80 / 3, rttMax: 40, jitter: 20 },
    ]);
  });

  it('keeps rows after a failed write and writes them with the next flush', async () => {
    const { buffer, rows, lock } = setup({ busyTimeoutMs: 20 });
    buffer.add('P1', 'h', { t: B, rtt: 1 });
    const unlock = lock();
    expect(await buffer.flush(B + 20_000)).toEqual({ written: 0, pending: 1, dropped: 0 });
    buffer.add('P1', 'h', { t: B + 10_000, rtt: 2 });
    expect(await buffer.flush(B + 30_000)).toEqual({ written: 0, pending: 2, dropped: 0 });
    unlock();
    expect(rows()).toEqual([]);
    expect(await buffer.flush(B + 30_000)).toEqual({ written: 2, pending: 0, dropped: 0 });
    expect(rows().map((r) => [r.t, r.rttAvg])).toEqual([
      [B, 1],
      [B + 10_000, 2],
    ]);
  });

  it('the timer writes in slices, letting the event loop turn between them, in order, telling once', async () => {
    const { store, buffer } = setup();
    const n = SLICE_ROWS * 2 + 500;
    for (let i = 0; i < n; i++) buffer.add(`P${i}`, 'h', { t: B, rtt: i });
    const calls: number[] = [];
    const write = store.writeRollups.bind(store);
    store.writeRollups = (rows) => {
      calls.push(rows.length);
      write(rows);
    };
    const told: [boolean, number][] = [];
    buffer.onWrite((ok, pending) => told.push([ok, pending]));
    let turns = 0;
    const spin = setInterval(() => turns++, 0);
    const pass = buffer.flushInSlices(B + 20_000);
    // A pass under way: not started twice.
    expect(buffer.flushInSlices(B + 20_000)).toBe(pass);
    // Each slice is a committed (fsynced) transaction: wait for the pass to end, however long it takes.
    await pass;
    await waitFor('the pass told', () => told.length > 0, 10_000);
    clearInterval(spin);
    expect(calls).toEqual([SLICE_ROWS, SLICE_ROWS, 500]);
    expect(turns).toBeGreaterThan(0);
    expect(told).toEqual([[true, 0]]);
    expect(buffer.size.pending).toBe(0);
    expect(store.listRollups(`P${n - 1}`, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
  });

  it('a failed slice stops the pass; the rest stays pending, in order, for the next flush', async () => {
    const { store, buffer } = setup();
    const n = SLICE_ROWS * 3;
    for (let i = 0; i < n; i++) buffer.add(`P${i}`, 'h', { t: B, rtt: i });
    const write = store.writeRollups.bind(store);
    let call = 0;
    store.writeRollups = (rows) => {
      if (++call === 2) throw new Error('disk full');
      write(rows);
    };
    const told: [boolean, number][] = [];
    buffer.onWrite((ok, pending) => told.push([ok, pending]));
    await buffer.flushInSlices(B + 20_000);
    await waitFor('the pass told', () => told.length > 0, 10_000);
    expect(call).toBe(2);
    expect(told).toEqual([[false, n - SLICE_ROWS]]);
    expect(await buffer.flush(B + 20_000)).toEqual({ written: n - SLICE_ROWS, pending: 0, dropped: 0 });
    expect(store.listRollups(`P${SLICE_ROWS}`, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
  });

  it('drops the oldest rows beyond the cap while the store fails', async () => {
    const { buffer, rows, lock } = setup({ busyTimeoutMs: 20, maxPending: 2 });
    for (let i = 0; i < 4; i++) buffer.add('P1', 'h', { t: B + i * 10_000, rtt: i });
    const unlock = lock();
    expect(await buffer.flush(B + 100_000)).toEqual({ written: 0, pending: 2, dropped: 2 });
    unlock();
    expect(await buffer.flush(B + 100_000)).toEqual({ written: 2, pending: 0, dropped: 0 });
    expect(rows().map((r) => r.t)).toEqual([B + 20_000, B + 30_000]);
  });

  it('does not throw when the store is closed; rows wait for retry', async () => {
    const { store, buffer } = setup();
    buffer.add('P1', 'h', { t: B, rtt: 1 });
    store.close();
    expect(await buffer.flush(B + 20_000)).toEqual({ written: 0, pending: 1, dropped: 0 });
    expect(await buffer.stop()).toEqual({ written: 0, pending: 1, dropped: 0 });
  });

  it('flushes on a real timer, and everything (open buckets too) on stop', async () => {
    const { buffer, rows, clock } = setup();
    buffer.add('P1', 'h', { t: B, rtt: 1 });
    buffer.start(20);
    cleanups.push(async () => await buffer.stop());
    clock.set(B + 12_001);
    const deadline = Date.now() + 5_000;
    while (rows().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(rows().map((r) => r.t)).toEqual([B]);

    buffer.add('P1', 'h', { t: B + 12_000, rtt: 2 });
    expect(await buffer.stop()).toEqual({ written: 1, pending: 0, dropped: 0 });
    expect(rows().map((r) => r.t)).toEqual([B, B + 10_000]);

    // Stopped: no timer flushes any more.
    buffer.add('P1', 'h', { t: B + 20_000, rtt: 3 });
    clock.set(B + 60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(rows()).toHaveLength(2);
    expect(buffer.size.open).toBe(1);
  });

  it('gives the same counts, extremes and mean however the flushes split a series', async () => {
    const { store } = setup();
    let run = 0;
    const result = fc.record({
      gap: fc.integer({ min: 1, max: 4_000 }),
      rtt: fc.option(fc.double({ min: 0.01, max: 2_000, noNaN: true }), { nil: null, freq: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(result, { minLength: 1, maxLength: 60 }), fc.nat(), async (results, cut) => {
        const one = `one${++run}`;
        const split = `split${run}`;
        const clock = new ManualClock(B);
        const a = new RollupBuffer({ store: asyncStore(store), clock, logger });
        const b = new RollupBuffer({ store: asyncStore(store), clock, logger });
        const at = cut % (results.length + 1);
        let t = B;
        for (const [i, r] of results.entries()) {
          t += r.gap;
          a.add(one, 'h', { t, rtt: r.rtt });
          if (i === at) await b.flush(t, { all: true });
          b.add(split, 'h', { t, rtt: r.rtt });
        }
        await a.stop();
        await b.stop();
        const whole = store.listRollups(one, 0, Number.MAX_SAFE_INTEGER);
        const parts = store.listRollups(split, 0, Number.MAX_SAFE_INTEGER);
        expect(parts.map((r) => [r.t, r.sent, r.received, r.rttMin, r.rttMax])).toEqual(
          whole.map((r) => [r.t, r.sent, r.received, r.rttMin, r.rttMax]),
        );
        expect(parts.filter((r, i) => !sameAvg(r.rttAvg, whole[i]?.rttAvg ?? null))).toEqual([]);
        const replies = results.filter((r) => r.rtt !== null).length;
        expect(whole.reduce((n, r) => n + r.sent, 0)).toBe(results.length);
        expect(whole.reduce((n, r) => n + r.received, 0)).toBe(replies);
      }),
      { numRuns: 100 },
    );
  });
});
