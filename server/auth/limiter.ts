// Login limiter: at most `max` password checks per key in a sliding `windowMs`, keys being the client
// IP and the username (so neither one address nor a spread of addresses can guess at one account).
// An attempt is counted (reserved) BEFORE its password is verified: fifty guesses sent at once each
// need a free place, so only `max` of them are ever checked, whatever the concurrency. A reservation
// whose password turns out wrong stays, as a failure; one that succeeds, or that was never checked,
// is given back. Hand-written rather than express-rate-limit because it runs on the injected clock
// (tests move time), counts per attempt across several keys at once, and a success clears the
// username's failures.
import type { Clock } from '../clock';

export interface LimiterOptions {
  clock: Clock;
  /** Attempts (failed or still being checked) allowed per key within the window (default 5). */
  max?: number;
  /** Default 15 min. */
  windowMs?: number;
  /** Keys remembered at most; beyond, the stalest go first (default 10 000), so memory stays bounded. */
  maxKeys?: number;
}

/** One counted attempt, reserved on every key of a login before its password is checked. */
export interface Attempt {
  /** The password was wrong (or the check failed): the reservation stays, as a failure. */
  failed(): void;
  /** The password was right, or it was never checked: the reservation is given back. */
  release(): void;
}

/** A key at its limit, for the admin's list. */
export interface Lockout {
  key: string;
  /** Failed attempts within the window. */
  failures: number;
  /** Attempts reserved and still being checked. */
  pending: number;
  /** Milliseconds until the key may try again (if nothing else fails). */
  waitMs: number;
}

interface Entry {
  at: number;
  pending: boolean;
}

export class FailureLimiter {
  private readonly entries = new Map<string, Entry[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(private readonly o: LimiterOptions) {
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. Attempts in flight count. */
  blockedFor(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    // The window slides: the oldest of the last `max` attempts must leave it.
    const wait = list[list.length - this.max]!.at + this.windowMs - this.o.clock.now();
    // Never longer than a window, even after the clock jumped back past the attempts.
    return Math.min(this.windowMs, Math.max(1, wait));
  }

  /**
   * Reserves one attempt on every key at once, or, when any key is at its limit, says how long to
   * wait (and reserves nothing). Synchronous, so two requests can never both take the last place.
   */
  reserve(keys: readonly string[]): { attempt: Attempt } | { waitMs: number } {
    const waitMs = Math.max(0, ...keys.map((k) => this.blockedFor(k)));
    if (waitMs > 0) return { waitMs };
    const held = keys.map((key) => ({ key, entry: this.add(key, true) }));
    let settled = false;
    return {
      attempt: {
        failed: () => {
          if (settled) return;
          settled = true;
          for (const { key, entry } of held) {
            // The entry may be gone (reset by an admin, evicted, or out of the window after a clock
            // jump): the failure still happened, so it is counted from now.
            if (this.entries.get(key)?.includes(entry)) entry.pending = false;
            else this.add(key, false);
          }
        },
        release: () => {
          if (settled) return;
          settled = true;
          for (const { key, entry } of held) this.remove(key, entry);
        },
      },
    };
  }

  /** Counts one failure for `key` now (without a reservation). */
  fail(key: string): void {
    this.add(key, false);
  }

  /**
   * Forgets `key`'s failures: a successful login (its username), an admin lifting a lockout. Attempts
   * still being checked stay counted, so a reset cannot open more places than `max` to guesses
   * already in flight. True when there was anything to forget.
   */
  reset(key: string): boolean {
    const list = this.recent(key);
    if (list.length === 0) return false;
    const pending = list.filter((e) => e.pending);
    if (pending.length === 0) this.entries.delete(key);
    else this.entries.set(key, pending);
    return pending.length !== list.length;
  }

  /** The keys at their limit now, longest wait first. */
  lockouts(): Lockout[] {
    const out: Lockout[] = [];
    // blockedFor may delete the key being visited or replace its list: both are safe in a Map's loop.
    for (const key of this.entries.keys()) {
      const waitMs = this.blockedFor(key);
      if (waitMs === 0) continue;
      const list = this.recent(key);
      const pending = list.filter((e) => e.pending).length;
      out.push({ key, failures: list.length - pending, pending, waitMs });
    }
    return out.sort((a, b) => b.waitMs - a.waitMs || a.key.localeCompare(b.key));
  }

  get size(): number {
    return this.entries.size;
  }

  private add(key: string, pending: boolean): Entry {
    const list = this.recent(key);
    const entry = { at: this.o.clock.now(), pending };
    list.push(entry);
    // Only `max` attempts matter for blocking; reserve() never goes past it, fail() may.
    if (list.length > this.max) list.splice(0, list.length - this.max);
    // Re-insert so Map order is staleness order.
    this.entries.delete(key);
    this.entries.set(key, list);
    if (this.entries.size > this.maxKeys) this.evict();
    return entry;
  }

  private remove(key: string, entry: Entry): void {
    const list = this.entries.get(key);
    const i = list?.indexOf(entry) ?? -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.entries.delete(key);
  }

  private recent(key: string): Entry[] {
    const list = this.entries.get(key);
    if (!list) return [];
    const since = this.o.clock.now() - this.windowMs;
    // A clock that jumped back leaves "future" attempts: they still count until the window passes them.
    const keep = list.filter((e) => e.at > since);
    if (keep.length !== list.length) {
      if (keep.length === 0) this.entries.delete(key);
      else this.entries.set(key, keep);
    }
    return keep;
  }

  private evict(): void {
    const since = this.o.clock.now() - this.windowMs;
    for (const [k, list] of this.entries) if (list.every((e) => e.at <= since)) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(k);
    }
  }
}
