// [H18.2] The parse pool: at most maxWorkers parses at once, a bounded queue (a full one, or a long
// wait, is a clear "busy"), a time budget past which the worker is terminated and replaced, a heap
// limit whose breach ends the worker and not the process. Driven by a stand-in worker whose jobs
// sleep, spin forever or allocate without end.
import { afterEach, describe, expect, it } from 'vitest';
import { ParseBusyError, ParseCrashError, ParseTimeoutError, WorkerJobError } from '../../../server/parsing/errors';
import { ParsePool, type PoolOptions } from '../../../server/parsing/pool';

const pools: ParsePool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(opts: Partial<PoolOptions> = {}): ParsePool {
  const p = new ParsePool({
    script: new URL('./fake-worker.mjs', import.meta.url),
    maxWorkers: 2,
    maxQueued: 4,
    queueWaitMs: 10_000,
    timeBudgetMs: 10_000,
    idleMs: 10_000,
    startTimeoutMs: 10_000,
    ...opts,
  });
  pools.push(p);
  return p;
}

describe('[H18.2] parse worker pool', () => {
  it('[H18.2] runs at most maxWorkers parses at once and queues the others', async () => {
    const p = pool({ maxWorkers: 2, maxQueued: 4 });
    let most = 0;
    const jobs = Array.from({ length: 6 }, (_, i) =>
      p.run<number>({ kind: 'sleep', ms: 50 + i }).finally(() => {
        most = Math.max(most, p.active);
      }),
    );
    most = Math.max(most, p.active);
    expect(p.active).toBe(2);
    expect(p.waiting).toBe(4);
    expect(await Promise.all(jobs)).toEqual([50, 51, 52, 53, 54, 55]);
    expect(most).toBeLessThanOrEqual(2);
    expect(p.workers).toBeLessThanOrEqual(2);
  });

  it('[H18.2] answers "busy" at once when the queue is full, and after queueWaitMs of waiting', async () => {
    const p = pool({ maxWorkers: 1, maxQueued: 1, queueWaitMs: 100 });
    const first = p.run({ kind: 'sleep', ms: 600 });
    const queued = p.run({ kind: 'echo', value: 1 });
    const refused = p.run({ kind: 'echo', value: 2 });
    await expect(refused).rejects.toBeInstanceOf(ParseBusyError);
    await expect(refused).rejects.toThrow('Máy chủ đang đọc 1 tệp khác và hàng chờ đã đầy: hãy gửi lại sau ít giây.');
    // The queued one waited past queueWaitMs while the first slept.
    await expect(queued).rejects.toBeInstanceOf(ParseBusyError);
    await expect(queued).rejects.toMatchObject({ retryAfterS: 5 });
    await expect(first).resolves.toBe(600);
  });

  it('[H18.2] terminates a parse over its time budget, and the next parse gets a new worker', async () => {
    const p = pool({ maxWorkers: 1 });
    await expect(p.run({ kind: 'echo', value: 'warm' })).resolves.toBe('warm');
    const spin = p.run({ kind: 'spin' }, { timeBudgetMs: 300 });
    await expect(spin).rejects.toBeInstanceOf(ParseTimeoutError);
    await expect(spin).rejects.toMatchObject({ budgetMs: 300 });
    expect(p.workers).toBe(0);
    await expect(p.run({ kind: 'echo', value: 'again' })).resolves.toBe('again');
    expect(p.workers).toBe(1);
  });

  it('[H18.2] passes a refusal on and keeps the worker for the next parse', async () => {
    const p = pool({ maxWorkers: 1 });
    const refused = p.run({ kind: 'refuse' });
    await expect(refused).rejects.toBeInstanceOf(WorkerJobError);
    await expect(refused).rejects.toMatchObject({ data: { name: 'ImportFileError', problem: 'bad-file' } });
    expect(p.workers).toBe(1);
    await expect(p.run({ kind: 'echo', value: 3 })).resolves.toBe(3);
    expect(p.workers).toBe(1);
  });

  it('[H18.2] ends a worker that runs out of its heap, not the process', async () => {
    const p = pool({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    const alloc = p.run({ kind: 'alloc' }, { timeBudgetMs: 20_000 });
    await expect(alloc).rejects.toBeInstanceOf(ParseCrashError);
    await expect(alloc).rejects.toMatchObject({ kind: 'memory' });
    await expect(p.run({ kind: 'echo', value: 'alive' })).resolves.toBe('alive');
  });

  it('[H18.2] refuses new parses once closed', async () => {
    const p = pool();
    await p.close();
    await expect(p.run({ kind: 'echo', value: 1 })).rejects.toBeInstanceOf(ParseBusyError);
  });
});
