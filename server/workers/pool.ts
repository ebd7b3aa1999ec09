// A small pool of worker threads for the heavy work of requests (report figures, XLSX, PDF): bounded
// in concurrency (`size` workers), in waiting (`maxQueue` tasks) and in time (a task past its budget
// has its worker terminated and replaced). So one technician's 10,000-point report runs beside the
// server's event loop instead of on it, and a runaway task ends with a clear error, not a hung server.
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { WorkUnavailableError } from '../errors';
import { words, type Words } from '../../shared/words';

const STOPPING = words('Máy chủ đang dừng.', 'The server is stopping.');
import type { TaskName, TaskInput, TaskOutput, WorkerInit } from './tasks';

const ENTRY = join(import.meta.dirname, 'entry.mjs');

export interface PoolOptions {
  init: WorkerInit;
  logger: Logger;
  /** Workers at once (default 1: on two cores the monitor and fping need the other). */
  size?: number;
  /** Tasks waiting beyond the running ones (default 8); more are refused as busy. */
  maxQueue?: number;
  /** Default budget of a task in ms (default 60 s). */
  timeoutMs?: number;
  /** An idle worker is ended after this long (default 30 s): a report's heap goes back to the system. */
  idleMs?: number;
  /** Heap of a worker in MiB (default 1,024): a task beyond it fails alone, the server goes on. */
  maxHeapMb?: number;
}

interface Job {
  id: number;
  name: TaskName;
  input: unknown;
  timeoutMs: number;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer?: NodeJS.Timeout;
  idle?: NodeJS.Timeout;
}

type Reply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; name?: string; en?: string };

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: PoolOptions) {}

  run<N extends TaskName>(name: N, input: TaskInput<N>, timeoutMs?: number): Promise<TaskOutput<N>> {
    if (this.closed) return Promise.reject(new WorkUnavailableError('busy', STOPPING));
    const running = this.slots.filter((s) => s.job !== null).length;
    if (running >= this.size && this.queue.length >= (this.o.maxQueue ?? 8)) {
      return Promise.reject(
        new WorkUnavailableError(
          'busy',
          words(
            'Máy chủ đang bận xử lý các yêu cầu nặng khác, vui lòng thử lại sau ít giây.',
            'The server is busy with other heavy requests; try again in a few seconds.',
          ),
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        name,
        input,
        timeoutMs: timeoutMs ?? this.o.timeoutMs ?? 60_000,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; queued: number } {
    return { running: this.slots.filter((s) => s.job !== null).length, queued: this.queue.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new WorkUnavailableError('busy', STOPPING));
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, STOPPING)));
  }

  private get size(): number {
    return Math.max(1, this.o.size ?? 1);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot) {
        if (this.slots.length >= this.size) return;
        slot = this.spawn();
      }
      this.assign(slot, this.queue.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, {
      workerData: this.o.init,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.o.maxHeapMb ?? 1_024 },
    });
    const slot: Slot = { worker, job: null };
    worker.unref();
    worker.on('message', (m: Reply) => this.settle(slot, m));
    worker.on('error', (err) => {
      this.o.logger.error({ err }, 'worker failed');
      const oom = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      const mb = this.o.maxHeapMb ?? 1_024;
      this.fail(
        slot,
        oom
          ? new WorkUnavailableError(
              'memory',
              words(
                `Yêu cầu cần quá ${mb} MiB bộ nhớ: không thực hiện được.`,
                `The request needs over ${mb} MiB of memory: it cannot be done.`,
              ),
            )
          : err,
      );
    });
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.fail(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private assign(slot: Slot, job: Job): void {
    clearTimeout(slot.idle);
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      this.o.logger.warn({ task: job.name, timeoutMs: job.timeoutMs }, 'worker task over its time budget: stopped');
      const seconds = Math.round(job.timeoutMs / 1000);
      const said = words(
        `Quá thời gian xử lý (${seconds} giây): yêu cầu đã bị dừng.`,
        `Over its time budget (${seconds} s): the request was stopped.`,
      );
      void this.retire(slot, said, 'timeout');
      this.pump();
    }, job.timeoutMs);
    slot.worker.postMessage({ id: job.id, name: job.name, input: job.input });
  }

  private settle(slot: Slot, m: Reply): void {
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    this.release(slot);
    if (m.ok) job.resolve(m.value);
    else {
      // The task's refusal, with its English when it carries both languages (errorText reads `words`).
      const err: Error & { words?: Words } = new Error(m.message);
      if (m.name) err.name = m.name;
      if (m.en !== undefined) err.words = { vi: m.message, en: m.en };
      job.reject(err);
    }
    this.pump();
  }

  private fail(slot: Slot, err: unknown): void {
    const job = slot.job;
    this.remove(slot);
    job?.reject(err);
    this.pump();
  }

  private release(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = null;
    slot.worker.unref();
    slot.idle = setTimeout(() => {
      if (slot.job === null) void this.retire(slot, STOPPING);
    }, this.o.idleMs ?? 30_000);
    slot.idle.unref();
  }

  private remove(slot: Slot): void {
    clearTimeout(slot.timer);
    clearTimeout(slot.idle);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private async retire(slot: Slot, message: Words, code: 'busy' | 'timeout' = 'busy'): Promise<void> {
    // An idle worker ends with no job to tell.
    const job = slot.job;
    this.remove(slot);
    job?.reject(new WorkUnavailableError(code, message));
    await slot.worker.terminate();
  }
}
