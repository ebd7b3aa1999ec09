// How many password checks run at once. Each argon2id check costs ~50 ms of a core and 19 MiB, and
// runs on libuv's pool of 4 threads, which file and DNS work share: without a cap, a burst of logins
// (even ones the limiter will count) could fill the pool and the CPU while meetings are monitored.
// So: at most `maxInFlight` checks in all, at most `maxPerKey` per client address and per username
// (one guesser cannot take every slot), the others wait in a bounded queue, and when even the queue
// is full the login is refused at once rather than piling up.

export interface VerifyGateOptions {
  /** Checks running at once, in all (default 2). */
  maxInFlight?: number;
  /** Checks running at once per key (client address, username) (default 1). */
  maxPerKey?: number;
  /** Logins waiting for a slot (default 64); beyond, run() throws GateBusyError. */
  maxQueued?: number;
}

/** Too many logins are being checked already; nothing was checked for this one. */
export class GateBusyError extends Error {
  constructor() {
    super('too many logins are being checked');
    this.name = 'GateBusyError';
  }
}

interface Waiter {
  keys: readonly string[];
  start: () => void;
}

export class VerifyGate {
  private readonly maxInFlight: number;
  private readonly maxPerKey: number;
  private readonly maxQueued: number;
  private running = 0;
  private readonly perKey = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(o: VerifyGateOptions = {}) {
    this.maxInFlight = Math.max(1, o.maxInFlight ?? 2);
    this.maxPerKey = Math.max(1, o.maxPerKey ?? 1);
    this.maxQueued = Math.max(0, o.maxQueued ?? 64);
  }

  /** Runs `job` once a slot is free for every key, in arrival order among those that can run. */
  async run<T>(keys: readonly string[], job: () => Promise<T>): Promise<T> {
    if (this.canStart(keys)) this.take(keys);
    else {
      if (this.queue.length >= this.maxQueued) throw new GateBusyError();
      // pump() takes the slots on this waiter's behalf before resolving it.
      await new Promise<void>((start) => this.queue.push({ keys, start }));
    }
    try {
      return await job();
    } finally {
      this.give(keys);
      this.pump();
    }
  }

  /** Checks running now and logins waiting, for tests and diagnostics. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  private canStart(keys: readonly string[]): boolean {
    return this.running < this.maxInFlight && keys.every((k) => (this.perKey.get(k) ?? 0) < this.maxPerKey);
  }

  private take(keys: readonly string[]): void {
    this.running++;
    for (const k of keys) this.perKey.set(k, (this.perKey.get(k) ?? 0) + 1);
  }

  private give(keys: readonly string[]): void {
    this.running--;
    for (const k of keys) {
      const n = (this.perKey.get(k) ?? 1) - 1;
      if (n === 0) this.perKey.delete(k);
      else this.perKey.set(k, n);
    }
  }

  private pump(): void {
    // Skip waiters whose key is busy so one guesser's queue does not hold up everyone behind it.
    for (let i = 0; i < this.queue.length && this.running < this.maxInFlight;) {
      const w = this.queue[i]!;
      if (!this.canStart(w.keys)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.take(w.keys);
      w.start();
    }
  }
}
