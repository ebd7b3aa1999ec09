// A small pool of worker threads for parsing outside input (uploads; report work has its own pool,
// server/workers, with a database connection per worker), so that no upload can block the event
// loop that runs monitoring: at most `maxWorkers` parses at once, a short queue behind them (a request
// that finds it full, or waits too long, is told the server is busy), and a time budget per parse,
// past which the worker is terminated (whatever it was doing: a loop we did not foresee, a library's
// own super-linear corner) and a new one started for the next parse. Workers also run under a heap
// limit, so a file that needs too much memory ends its worker, not the server.
//
// The budget starts when a ready worker takes the job: starting a worker (loading TypeScript and the
// parsers, ~0.3 s) is not the parse's fault. Idle workers end after `idleMs`; none keeps the process
// alive (unref).
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';
import type { Logger } from 'pino';
import { ParseBusyError, ParseCrashError, ParseTimeoutError, WorkerJobError, type WorkerErrorData } from './errors';
import { words } from '../../shared/words';

const STOPPING = words('Máy chủ đang dừng.', 'The server is stopping.');

export interface PoolOptions {
  /** The worker's entry (a .mjs bootstrap: worker.mjs). */
  script: URL;
  maxWorkers: number;
  /** Parses waiting for a worker, at most. */
  maxQueued: number;
  /** Longest wait for a worker before the request is told the server is busy. */
  queueWaitMs: number;
  /** Default time budget of a parse. */
  timeBudgetMs: number;
  idleMs: number;
  /** Longest a worker may take to load before its job fails. */
  startTimeoutMs: number;
  resourceLimits?: ResourceLimits;
  logger?: Logger;
}

export interface RunOptions {
  timeBudgetMs?: number;
  transfer?: Transferable[];
}

type Reply =
  { type: 'ready' } | { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerErrorData };

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  idleTimer?: NodeJS.Timeout;
  /** The id of the job under way, if any. */
  job?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class ParsePool {
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();
  private readonly queue: Waiter[] = [];
  private running = 0;
  private nextId = 1;
  private closed = false;

  constructor(readonly options: PoolOptions) {}

  /** Parses under way right now (tests, diagnostics). */
  get active(): number {
    return this.running;
  }

  /** Parses waiting for a worker. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Workers alive (busy or idle). */
  get workers(): number {
    return this.all.size;
  }

  /**
   * Runs `job` on a worker. Rejects with ParseBusyError (no worker soon enough), ParseTimeoutError,
   * ParseCrashError, or WorkerJobError (the job threw: a refusal of the input, usually).
   */
  async run<T>(job: unknown, opts: RunOptions = {}): Promise<T> {
    await this.acquire();
    try {
      const slot = this.idle.pop() ?? this.spawn();
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      await slot.ready;
      const value = await this.dispatch(slot, job, opts);
      return value as T;
    } finally {
      this.running--;
      this.wakeNext();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new ParseBusyError(STOPPING, 5));
    }
    await Promise.all([...this.all].map((s) => this.end(s)));
  }

  private acquire(): Promise<void> {
    if (this.closed) return Promise.reject(new ParseBusyError(STOPPING, 5));
    if (this.running < this.options.maxWorkers) {
      this.running++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.options.maxQueued) return Promise.reject(this.busy(false));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.queue.indexOf(waiter);
          if (at !== -1) this.queue.splice(at, 1);
          reject(this.busy(true));
        }, this.options.queueWaitMs),
      };
      this.queue.push(waiter);
    });
  }

  private wakeNext(): void {
    const next = this.queue.shift();
    if (!next) return;
    clearTimeout(next.timer);
    this.running++;
    next.resolve();
  }

  /** Every worker busy, and the queue full (or the wait in it over). */
  private busy(waited: boolean): ParseBusyError {
    const { maxWorkers, queueWaitMs } = this.options;
    const s = Math.round(queueWaitMs / 1000);
    return new ParseBusyError(
      words(
        `Máy chủ đang đọc ${maxWorkers} tệp khác và ${waited ? `đã chờ quá ${s} giây` : 'hàng chờ đã đầy'}: hãy gửi lại sau ít giây.`,
        `The server is reading ${maxWorkers} other files and ${waited ? `the wait passed ${s} s` : 'its queue is full'}: send it again in a few seconds.`,
      ),
      5,
    );
  }

  private spawn(): Slot {
    // No execArgv of the parent (a loader of a test runner or of the tsx CLI): worker.mjs loads its own.
    const worker = new Worker(this.options.script, { execArgv: [], resourceLimits: this.options.resourceLimits });
    worker.unref();
    let settle: { resolve: () => void; reject: (err: Error) => void } | undefined;
    const slot: Slot = {
      worker,
      ready: new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      }),
    };
    const startTimer = setTimeout(() => {
      settle?.reject(new ParseCrashError(`worker did not start within ${this.options.startTimeoutMs} ms`, 'crash'));
      void this.end(slot);
    }, this.options.startTimeoutMs);
    startTimer.unref();
    worker.on('message', (m: Reply) => {
      if (!('type' in m) || m.type !== 'ready') return;
      clearTimeout(startTimer);
      settle?.resolve();
    });
    // Always listened to: an 'error' event without a listener would throw in the main thread. A job
    // under way hears of it through its own listener (dispatch); a worker that dies idle is dropped.
    worker.on('error', (err) => {
      clearTimeout(startTimer);
      settle?.reject(new ParseCrashError(`worker failed: ${err.message}`, 'crash'));
      if (!slot.job) this.options.logger?.error({ err }, 'parse worker failed while idle');
      void this.end(slot);
    });
    worker.on('exit', () => {
      clearTimeout(startTimer);
      settle?.reject(new ParseCrashError('worker exited before it was ready', 'crash'));
      void this.end(slot);
    });
    // A start that failed is reported by run(); this keeps the rejection from going unhandled too.
    slot.ready.catch(() => undefined);
    this.all.add(slot);
    return slot;
  }

  private dispatch(slot: Slot, job: unknown, opts: RunOptions): Promise<unknown> {
    const { worker } = slot;
    const id = this.nextId++;
    const budget = opts.timeBudgetMs ?? this.options.timeBudgetMs;
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        slot.job = undefined;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const fail = (err: Error): void => {
        finish();
        void this.end(slot);
        reject(err);
      };
      const timer = setTimeout(() => {
        this.options.logger?.warn({ budgetMs: budget }, 'parse over its time budget: worker terminated');
        fail(new ParseTimeoutError(`parse over ${budget} ms`, budget));
      }, budget);
      const onMessage = (m: Reply): void => {
        if (!('id' in m) || m.id !== id) return;
        finish();
        // A refusal by the parser leaves its worker sound: back to the idle list either way.
        this.release(slot);
        if (m.ok) resolve(m.value);
        else reject(new WorkerJobError(m.error));
      };
      const onError = (err: Error & { code?: string }): void => {
        const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
        if (!memory) this.options.logger?.error({ err }, 'parse worker failed');
        fail(new ParseCrashError(err.message, memory ? 'memory' : 'crash'));
      };
      const onExit = (code: number): void => fail(new ParseCrashError(`worker exited (${code})`, 'crash'));
      slot.job = id;
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, job }, opts.transfer ?? []);
    });
  }

  private release(slot: Slot): void {
    if (this.closed || !this.all.has(slot)) return;
    slot.idleTimer = setTimeout(() => void this.end(slot), this.options.idleMs);
    slot.idleTimer.unref();
    this.idle.push(slot);
  }

  private async end(slot: Slot): Promise<void> {
    if (!this.all.delete(slot)) return;
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    const at = this.idle.indexOf(slot);
    if (at !== -1) this.idle.splice(at, 1);
    await slot.worker.terminate();
  }
}
