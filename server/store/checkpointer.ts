// WAL checkpoints off the event loop. SQLite's auto-checkpoint runs inside the commit that takes the
// WAL past its threshold, on the thread that commits: at 10,000 points the rollups cross 4 MB several
// times a minute, and that commit then copies the WAL into the database file and fsyncs it while no
// delta leaves the server (~300 ms on one machine's disk; on another, 1,000-row rollup commits went
// from 84 to 61 ms at most). Here the store's connection never checkpoints (wal_autocheckpoint = 0)
// and a worker thread with a connection of its own runs PASSIVE checkpoints: they copy committed
// frames without taking the write lock, so commits and reads go on while the copy and its fsync run
// on another core.
//
// If the worker cannot start or dies, the store's connection checkpoints for itself again (the WAL
// must not grow without bound) and the failure is logged; nothing else changes.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/** How often the worker checkpoints what has been committed since its last pass (default). */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
/** How long close() waits for a checkpoint under way to finish before ending the worker. */
const STOP_WAIT_MS = 5000;

export interface CheckpointPass {
  /** Frames in the WAL and frames now copied into the database file (SQLite's log / checkpointed). */
  log: number;
  checkpointed: number;
  /** 1 when a reader or writer kept the pass from finishing (it is retried next time). */
  busy: number;
  ms: number;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  logger: Logger;
  /** The worker is gone (failed to start, or died): the caller takes checkpoints back. */
  onFailure: (err: Error) => void;
  /** Each pass that copied frames (tests and diagnostics). */
  onPass?: (pass: CheckpointPass) => void;
}

/** After each pass that did something or failed: whether the database file took the WAL's pages. */
export type CheckpointListener = (ok: boolean, err?: CheckpointError) => void;

// Plain JavaScript run with `eval`, so the worker needs no TypeScript loader wherever the server runs
// (tsx, vitest). It loads the same better-sqlite3 the store uses, by path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const done = new Int32Array(workerData.done);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let copied = -1;
let failing = false;
const pass = () => {
  const t0 = performance.now();
  const r = checkpoint.get();
  // log = frames in the WAL, checkpointed = frames copied so far; nothing new since the last pass
  // costs one read of the WAL index and no message (unless it ends a run of failures).
  if (r.checkpointed === copied && r.busy === 0 && !failing) return;
  copied = r.checkpointed;
  failing = false;
  parentPort.postMessage({ type: 'pass', log: r.log, checkpointed: r.checkpointed, busy: r.busy, ms: performance.now() - t0 });
};
const timer = setInterval(() => {
  try {
    pass();
  } catch (err) {
    // A full disk or an I/O error: the database file cannot take the WAL's pages. Said every pass.
    failing = true;
    parentPort.postMessage({ type: 'fail', code: String((err && err.code) || ''), message: String((err && err.message) || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.close(); } finally {
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
    parentPort.close();
  }
});
`;

type FromWorker = ({ type: 'pass' } & CheckpointPass) | { type: 'fail'; code: string; message: string };

/** A failed pass, as SQLite reported it (e.g. code SQLITE_FULL). */
export class CheckpointError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;
  private workerGone = false;
  /** The last pass failed (a full disk): logged when it starts and when it ends. */
  private failing = false;
  private readonly listeners = new Set<CheckpointListener>();

  constructor(
    file: string,
    private readonly opts: CheckpointerOptions,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const intervalMs = Math.max(10, Math.floor(opts.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS));
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, driver, intervalMs, done: this.done.buffer },
      name: 'sqlite-checkpoint',
    });
    // The worker never keeps the process alive: a server exits when its own handles are closed.
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (!this.stopped) this.fail(new Error(`checkpoint worker exited (code ${code})`));
    });
  }

  /** Hears every pass that copied frames (ok) or failed; returns the unsubscribe. */
  onResult(listener: CheckpointListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'pass') {
      const { log, checkpointed, busy, ms } = m;
      this.opts.onPass?.({ log, checkpointed, busy, ms });
      this.opts.logger.debug({ log, checkpointed, busy, ms: Math.round(ms) }, 'store: wal checkpoint');
      if (this.failing) this.opts.logger.warn('store: wal checkpoints succeed again');
      this.failing = false;
      for (const l of this.listeners) l(true);
    } else if (m.type === 'fail') {
      const err = new CheckpointError(m.code, m.message);
      // Once per run of failures: the worker retries every pass, the log should not.
      if (!this.failing) this.opts.logger.warn({ err }, 'store: wal checkpoint failed; retrying every pass');
      this.failing = true;
      for (const l of this.listeners) l(false, err);
    }
  }

  private fail(err: Error): void {
    if (this.workerGone || this.stopped) return;
    this.workerGone = true;
    this.opts.logger.error({ err }, 'store: checkpoint worker failed; the store checkpoints on its own thread');
    this.opts.onFailure(err);
  }

  /**
   * Stops the worker: waits (blocking, at most 5 s) for a checkpoint under way and the worker's
   * connection to close, so the store's connection closes last and can remove the WAL.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.workerGone) {
      // oxlint-disable-next-line unicorn/require-post-message-target-origin -- a worker thread, not a window
      this.worker.postMessage('stop');
      Atomics.wait(this.done, 0, 0, STOP_WAIT_MS);
    }
    void this.worker.terminate();
  }
}
