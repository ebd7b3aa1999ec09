// The WAL is checkpointed by a worker thread's connection, never inside the store's own commits; a
// worker that cannot run hands checkpoints back; closing leaves no WAL behind.
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Checkpointer, type CheckpointPass } from '../../../server/store/checkpointer';
import { openSqliteStore, type SqliteStoreOptions } from '../../../server/store/sqlite';
import type { SyncStore as Store } from '../../../server/store/types';
import { waitFor } from '../../helpers/app';
import { rollup } from './fixtures';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'diemcau-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let seq = 0;
const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function setup(opts: SqliteStoreOptions) {
  const file = join(dir, `c${++seq}.sqlite`);
  const store = openSqliteStore(file, { logger, ...opts });
  open.push(store);
  const walBytes = (): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
  return { file, store, walBytes };
}

const T0 = 1_700_000_000_000;
/** ~2,000 rows per call, each in a one-minute block of its own: one transaction of a few hundred 4 KiB pages. */
function writeBatch(store: Store, batch: number): void {
  const rows = Array.from({ length: 2000 }, (_, i) =>
    rollup({
      point: `P${String(i).padStart(5, '0')}`,
      target: `icmp:10.${i >> 8}.${i & 255}.1`,
      t: T0 + batch * 60_000,
    }),
  );
  store.writeRollups(rows);
}

// SQLite's own auto-checkpoint keeps the WAL under its threshold (1,000 pages of 4 KiB) plus one
// transaction (~1,000 pages here): ~8.7 MB. Twenty batches never checkpointed make ~33 MB.
const BATCHES = 20;
const INLINE_BOUND = 4 * 1000 * 4096;

describe('WAL checkpoints on a worker thread', () => {
  it("the store never checkpoints inside its own commits: the WAL grows past what SQLite's own checkpoints allow until the worker passes", async () => {
    // A pass interval far beyond the test: only the store's own connection could checkpoint here.
    const { store, walBytes } = setup({ checkpointIntervalMs: 600_000 });
    for (let b = 0; b < BATCHES; b++) writeBatch(store, b);
    expect(walBytes()).toBeGreaterThan(INLINE_BOUND);
    expect(store.listRollups('P00007', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(BATCHES);
  });

  it("inline (SQLite's own auto-checkpoint) keeps the WAL near its threshold: the test above can fail", () => {
    const { store, walBytes } = setup({ checkpoint: 'inline' });
    for (let b = 0; b < BATCHES; b++) writeBatch(store, b);
    expect(walBytes()).toBeLessThan(INLINE_BOUND);
  });

  it('the worker copies every committed frame, and the WAL is then reused from its start', async () => {
    // The same ten batches into a store whose worker never passes: its WAL holds them all.
    const unchecked = setup({ checkpointIntervalMs: 600_000 });
    for (let b = 0; b < 10; b++) writeBatch(unchecked.store, b);
    const passes: CheckpointPass[] = [];
    let lastPassAt = 0;
    const onCheckpoint = (p: CheckpointPass) => {
      passes.push(p);
      lastPassAt = Date.now();
    };
    const { store, walBytes } = setup({ checkpointIntervalMs: 50, onCheckpointPass: onCheckpoint });
    for (let b = 0; b < 10; b++) {
      const before = passes.length;
      writeBatch(store, b);
      // The worker says something only when a pass copied frames: a complete pass followed by three
      // silent intervals means every committed frame is in the database file.
      const copied = () =>
        passes.length > before && passes.at(-1)!.checkpointed === passes.at(-1)!.log && Date.now() - lastPassAt > 150;
      await waitFor('the batch copied', copied, 10_000);
    }
    // A writer that finds the whole WAL copied starts again at its beginning: the WAL keeps about one
    // batch (two when a restart is missed because the worker held a read mark at that instant).
    expect(walBytes()).toBeLessThan(0.6 * unchecked.walBytes());
    expect(store.listRollups('P01999', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(10);
  });

  it('closing stops the worker first, so the store closes last and removes the WAL', async () => {
    const passes: CheckpointPass[] = [];
    const { file, store, walBytes } = setup({ checkpointIntervalMs: 20, onCheckpointPass: (p) => passes.push(p) });
    writeBatch(store, 0);
    await waitFor('a pass', () => passes.length > 0, 10_000);
    expect(walBytes()).toBeGreaterThan(0);
    store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = openSqliteStore(file, { logger, checkpoint: 'inline' });
    open.push(again);
    expect(again.listRollups('P00000', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
  });

  it('a worker that cannot open the database reports the failure, so the caller checkpoints again', async () => {
    const failures: Error[] = [];
    const c = new Checkpointer(join(dir, 'no-such-dir', 'x.sqlite'), {
      logger,
      onFailure: (err) => failures.push(err),
    });
    try {
      await waitFor('the failure', () => failures.length > 0, 10_000);
      expect(failures[0]!.message).toMatch(/unable to open|does not exist|directory/i);
    } finally {
      c.stop();
    }
  });

  it('a store whose worker fails checkpoints inside its commits again, and keeps every row', async () => {
    const file = join(dir, `c${++seq}.sqlite`);
    const moved = `${file}.moved`;
    const lines: string[] = [];
    const captured = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const store = openSqliteStore(file, { logger: captured, checkpointIntervalMs: 20 });
    open.push(store);
    // The worker takes tens of milliseconds to start; by then the file it must open is gone (the
    // store's connection keeps its open descriptors).
    renameSync(file, moved);
    renameSync(`${file}-wal`, `${moved}-wal`);
    renameSync(`${file}-shm`, `${moved}-shm`);
    const wal = (): number => statSync(`${moved}-wal`).size;
    await waitFor('the logged failure', () => lines.some((l) => l.includes('checkpoint worker failed')), 10_000);
    for (let b = 0; b < BATCHES; b++) writeBatch(store, b);
    expect(wal()).toBeLessThan(INLINE_BOUND);
    expect(store.listRollups('P00007', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(BATCHES);
  });
});
