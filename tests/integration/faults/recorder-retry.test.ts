// The outage recorder while the database refuses writes (a real SQLITE_BUSY: another connection holds
// the write lock): transitions go on in memory, writes queue, and once the lock is gone they are
// written in their original order and announced — nothing detected is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { PointTransition } from '../../../server/status/board';
import { OutageRecorder, WRITE_BATCH, type OutageEvent } from '../../../server/status/outages';
import { asyncStore } from '../../../server/store/async';
import { openSqliteStore } from '../../../server/store/sqlite';
import { StorageHealth, isStorageFault, type StorageHealthSnapshot } from '../../../server/store/health';
import { ManualClock } from '../../../server/clock';
import type { SyncStore } from '../../../server/store/types';

const dir = mkdtempSync(join(tmpdir(), 'dc-retry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
let n = 0;

function setup(maxPendingWrites?: number) {
  const file = join(dir, `r${++n}.sqlite`);
  const store: SyncStore = openSqliteStore(file, { busyTimeoutMs: 10 });
  const locker = new Database(file);
  open.push(locker, store);
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const recorder = new OutageRecorder({
    store: asyncStore(store),
    logger,
    meetingsOf: () => [],
    meeting: () => undefined,
    maxPendingWrites,
  });
  const events: OutageEvent[] = [];
  recorder.onEvent((e) => events.push(e));
  const health = new StorageHealth(new ManualClock(0), logger);
  const seen: StorageHealthSnapshot[] = [];
  health.onChange((h) => seen.push(h));
  recorder.onWrite((ok, pending, err) => health.report('outages', ok, pending, err));
  const lock = () => locker.exec('BEGIN IMMEDIATE');
  const unlock = () => locker.exec('ROLLBACK');
  return { store, recorder, events, health, seen, logs, lock, unlock };
}

const tr = (point: string, to: PointTransition['to'], at: number): PointTransition => ({
  point,
  target: `icmp:h-${point}`,
  class: 'line',
  kind: 'icmp',
  from: to === 'down' ? 'up' : 'down',
  to,
  at,
  detectedAt: at + 2_000,
});

describe('outage writes while the database refuses them', () => {
  it('queue in order and are written, announced and reported healthy once it accepts again', async () => {
    const { store, recorder, events, health, seen, logs, lock, unlock } = setup();
    recorder.onTransition(tr('A', 'down', 1_000)); // written at once
    await recorder.settled();
    expect(events.map((e) => e.kind)).toEqual(['opened']);

    lock();
    recorder.onTransition(tr('B', 'down', 2_000));
    await recorder.settled();
    recorder.onTransition(tr('A', 'up', 3_000));
    await recorder.settled();
    recorder.onTransition(tr('C', 'down', 4_000));
    await recorder.settled();
    recorder.onTransition(tr('B', 'up', 5_000));
    await recorder.settled();
    recorder.tick(6_000); // retried: still locked
    await recorder.settled();
    expect(recorder.pendingWrites).toBe(4);
    expect(events).toHaveLength(1);
    expect(health.snapshot()).toMatchObject({ storage: 'failing', pendingWrites: 4 });
    // The recorder's own state went on: A and B are closed in memory, C is open.
    expect(recorder.openRows().map((r) => r.point)).toEqual([]);
    unlock();
    expect(store.openOutages()).toHaveLength(1);

    recorder.tick(7_000);

    await recorder.settled();
    expect(recorder.pendingWrites).toBe(0);
    expect(health.snapshot()).toMatchObject({ storage: 'ok', pendingWrites: 0 });
    expect(events.map((e) => `${e.kind} ${e.row.point}`)).toEqual([
      'opened A',
      'opened B',
      'closed A',
      'opened C',
      'closed B',
    ]);
    const rows = store.listOutages({}).sort((a, b) => a.id - b.id);
    expect(rows.map((r) => [r.point, r.startedAt, r.endedAt])).toEqual([
      ['A', 1_000, 3_000],
      ['B', 2_000, 5_000],
      ['C', 4_000, null],
    ]);
    expect(seen.map((h) => `${h.storage} ${h.pendingWrites}`)).toEqual([
      'ok 0',
      'failing 1',
      'failing 2',
      'failing 3',
      'failing 4',
      'ok 0',
    ]);
    expect(logs.filter((l) => /refuses writes/.test(l))).toHaveLength(1);
    expect(logs.some((l) => /queued writes are on disk/.test(l))).toBe(true);
    expect(logs.some((l) => /storage: writes are failing/.test(l) && /SQLITE_BUSY/.test(l))).toBe(true);
  });

  it('continue a queued open outage instead of opening a second one (OU5)', async () => {
    const { store, recorder, lock, unlock } = setup();
    lock();
    recorder.onTransition(tr('A', 'down', 1_000));
    await recorder.settled();
    recorder.onTransition({ ...tr('A', 'unknown', 2_000), from: 'down' });
    await recorder.settled();
    recorder.onTransition(tr('A', 'down', 3_000));
    await recorder.settled();
    unlock();
    recorder.tick(4_000);
    await recorder.settled();
    expect(store.listOutages({}).map((r) => [r.point, r.startedAt, r.endedAt])).toEqual([['A', 1_000, null]]);
  });

  it('are bounded: beyond the cap the oldest is given up (and logged), and so is its close', async () => {
    const { store, recorder, logs, lock, unlock } = setup(3);
    lock();
    recorder.onTransition(tr('A', 'down', 1_000));
    await recorder.settled();
    recorder.onTransition(tr('B', 'down', 2_000));
    await recorder.settled();
    recorder.onTransition(tr('C', 'down', 3_000));
    await recorder.settled();
    recorder.onTransition(tr('D', 'down', 4_000)); // pushes "open A" out
    await recorder.settled();
    recorder.onTransition(tr('A', 'up', 5_000)); // pushes "open B" out; "close A" has nothing to close
    await recorder.settled();
    expect(recorder.pendingWrites).toBe(3);
    unlock();
    recorder.tick(6_000);
    await recorder.settled();
    expect(
      store
        .listOutages({})
        .map((r) => r.point)
        .sort(),
    ).toEqual(['C', 'D']);
    expect(logs.filter((l) => /write queue full/.test(l))).toHaveLength(2);
  });

  it('a burst held back is written in batches of WRITE_BATCH, in order, nothing given up', async () => {
    // 1,500 points down and back while the database is locked: 3,000 writes queue (the default cap is far above).
    const { store, recorder, events, lock, unlock } = setup();
    const transactions: number[] = [];
    const write = store.writeOutages.bind(store);
    store.writeOutages = (ops) => {
      transactions.push(ops.length);
      return write(ops);
    };
    lock();
    for (let i = 0; i < 1_500; i++) recorder.onTransition(tr(`P${i}`, 'down', 10_000 + i));
    for (let i = 0; i < 1_500; i++) recorder.onTransition(tr(`P${i}`, 'up', 20_000 + i));
    await recorder.settled();
    expect(recorder.pendingWrites).toBe(3_000);
    unlock();
    recorder.tick(30_000);
    await recorder.settled();
    expect(recorder.pendingWrites).toBe(0);
    const rows = store.listOutages({ limit: 10_000 });
    expect(rows).toHaveLength(1_500);
    expect(rows.every((r) => r.endedAt === r.startedAt + 10_000)).toBe(true);
    // One attempt refused by the lock, then 3,000 writes in six transactions of at most WRITE_BATCH.
    const succeeded = transactions.slice(transactions.length - Math.ceil(3_000 / WRITE_BATCH));
    expect(succeeded.reduce((a, b) => a + b, 0)).toBe(3_000);
    expect(Math.max(...transactions)).toBe(WRITE_BATCH);
    // Announced in the order detected: every open before its close.
    const order = events.map((e) => `${e.kind}:${e.row.point}`);
    expect(order.indexOf('opened:P0')).toBeLessThan(order.indexOf('closed:P0'));
    expect(order.slice(0, 1_500).every((x) => x.startsWith('opened:'))).toBe(true);
  });

  it('tell storage faults from rejected rows', async () => {
    expect(isStorageFault(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isStorageFault(Object.assign(new Error('ro'), { code: 'SQLITE_READONLY_DBMOVED' }))).toBe(true);
    expect(isStorageFault(Object.assign(new Error('io'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(true);
    expect(isStorageFault(Object.assign(new Error('c'), { code: 'SQLITE_CONSTRAINT_CHECK' }))).toBe(false);
    expect(isStorageFault(new Error('outage 3 is already closed'))).toBe(false);
    expect(isStorageFault(null)).toBe(false);
  });
});
