// Failed-login limiter: at most `max` failures per key in a sliding `windowMs`, keys being the client
// IP and the username (so neither one address nor a spread of addresses can guess at one account).
// Hand-written rather than express-rate-limit because it runs on the injected clock (tests move
// time), counts failures only, and a success clears the username's count.
import type { Clock } from '../clock';

export interface LimiterOptions {
  clock: Clock;
  /** Failures allowed per key within the window (default 5). */
  max?: number;
  /** Default 15 min. */
  windowMs?: number;
  /** Keys remembered at most; beyond, the stalest go first (default 10 000), so memory stays bounded. */
  maxKeys?: number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(private readonly o: LimiterOptions) {
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  blockedFor(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    // The window slides: the oldest of the last `max` failures must leave it.
    const wait = list[list.length - this.max]! + this.windowMs - this.o.clock.now();
    // Never longer than a window, even after the clock jumped back past the failures.
    return Math.min(this.windowMs, Math.max(1, wait));
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.o.clock.now());
    if (list.length > this.max) list.splice(0, list.length - this.max);
    // Re-insert so Map order is staleness order.
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) this.evict();
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private recent(key: string): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const since = this.o.clock.now() - this.windowMs;
    // A clock that jumped back leaves "future" failures: they still count until the window passes them.
    const keep = list.filter((t) => t > since);
    if (keep.length !== list.length) {
      if (keep.length === 0) this.failures.delete(key);
      else this.failures.set(key, keep);
    }
    return keep;
  }

  private evict(): void {
    const since = this.o.clock.now() - this.windowMs;
    for (const [k, list] of this.failures) if (list.every((t) => t <= since)) this.failures.delete(k);
    for (const k of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(k);
    }
  }
}
