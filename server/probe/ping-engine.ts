// The portable engine, on the `ping` package: one OS ping process per probe (~3 ms CPU each, at
// most ~470 probes/s on two cores), so it suits small sites and "test now", not a province at 1 Hz.
//
// Scheduling: one ticking loop dispatches the targets that are due, most overdue first, under a
// concurrency cap — no timer per target. A host has at most one probe in flight, so its results
// come in order. `t` is the clock reading when the probe was dispatched (the ping process sends
// within a few ms of spawning).
//
// Timeouts: the package takes whole seconds, so the engine keeps the exact timeout itself: a probe
// not answered within timeoutMs (+ spawn slack) counts lost at once and its host is free again;
// the process still holds its concurrency slot until it exits, and its late answer is ignored.
import { performance } from 'node:perf_hooks';
import ping from 'ping';
import { hostProblem } from '../../shared/host';
import { usableTargets } from './fping-engine';
import { pingConfig } from './ping-config';
import type { EngineOptions, ProbeEngine, ProbeResult, ProbeTarget } from './types';

export interface PingTuning {
  /** Ping processes at once (default 32). */
  maxConcurrent?: number;
  /** Scheduler tick (default 20 ms). */
  tickMs?: number;
  /** Allowance for spawning the ping process, on top of the timeout (default 250 ms). */
  spawnSlackMs?: number;
}

export type PingEngineOptions = EngineOptions & PingTuning;

interface Scheduled {
  intervalMs: number;
  /** performance.now() when the next probe is due. */
  due: number;
  busy: boolean;
}

export interface PingEngineStats {
  inFlight: number;
  peakInFlight: number;
  targets: number;
}

export class PingEngine implements ProbeEngine {
  readonly name = 'ping' as const;
  private readonly targets = new Map<string, Scheduled>();
  private readonly running = new Set<Promise<unknown>>();
  private peak = 0;
  private lastErrorLog = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxConcurrent: number;

  constructor(private readonly opts: PingEngineOptions) {
    this.maxConcurrent = Math.max(1, opts.maxConcurrent ?? 32);
  }

  setTargets(targets: readonly ProbeTarget[]): void {
    if (this.closed) return;
    const usable = usableTargets(targets, (t, why) =>
      this.opts.logger.error({ host: String(t.host), why }, 'probe target refused'),
    );
    const wanted = new Map<string, number>();
    for (const t of usable) {
      const prev = wanted.get(t.host);
      if (prev === undefined || t.intervalMs < prev) wanted.set(t.host, t.intervalMs);
    }
    for (const host of this.targets.keys()) if (!wanted.has(host)) this.targets.delete(host);
    const now = performance.now();
    let fresh = 0;
    for (const [host, intervalMs] of wanted) {
      const cur = this.targets.get(host);
      if (cur?.intervalMs === intervalMs) continue;
      if (cur) {
        // Keep the phase, but a shorter interval must not wait out the old one.
        cur.due = Math.min(cur.due, now + intervalMs);
        cur.intervalMs = intervalMs;
      } else {
        // Spread a batch of new targets over a second so they do not spawn as one burst.
        const spread = Math.min(intervalMs, 1000) * ((fresh++ * 0.618) % 1);
        this.targets.set(host, { intervalMs, due: now + spread, busy: false });
      }
    }
    if (this.targets.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 20);
    } else if (this.targets.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stats(): PingEngineStats {
    return { inFlight: this.running.size, peakInFlight: this.peak, targets: this.targets.size };
  }

  probeOnce(host: string, timeoutMs?: number): Promise<ProbeResult> {
    const problem = hostProblem(host);
    if (problem) return Promise.reject(new Error(`probe host refused: ${problem}`));
    if (this.closed) return Promise.reject(new Error('probe engine is closed'));
    return new Promise((resolve, reject) =>
      this.launch(host, timeoutMs ?? this.timeoutFor(1000), (r) => (r instanceof Error ? reject(r) : resolve(r))),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.targets.clear();
    // The package does not expose its child: the pings are short, wait for them to exit.
    await Promise.allSettled(this.running);
  }

  private timeoutFor(intervalMs: number): number {
    return this.opts.timeoutMs ?? Math.min(intervalMs, 1000);
  }

  private tick(): void {
    const now = performance.now();
    const due: [string, Scheduled][] = [];
    for (const entry of this.targets) if (!entry[1].busy && entry[1].due <= now) due.push(entry);
    if (due.length === 0) return;
    due.sort((a, b) => a[1].due - b[1].due);
    for (const [host, s] of due) {
      if (this.running.size >= this.maxConcurrent) break;
      s.busy = true;
      // Fixed cadence; after a backlog, restart the cadence instead of firing a catch-up burst.
      s.due = s.due + s.intervalMs < now ? now + s.intervalMs : s.due + s.intervalMs;
      this.launch(host, this.timeoutFor(s.intervalMs), (r) => {
        if (this.targets.get(host) !== s) return; // removed or re-added meanwhile
        s.busy = false;
        // The ping program could not run at all: we cannot vouch for this host.
        if (r instanceof Error) this.opts.onGap?.([host]);
        else this.opts.onResult(r);
      });
    }
  }

  /** Runs one ping; `done` is called exactly once: at the answer, at the timeout, or on failure. */
  private launch(host: string, timeoutMs: number, done: (r: ProbeResult | Error) => void): void {
    const t = this.opts.clock.now();
    const started = performance.now();
    let settled = false;
    const finish = (r: ProbeResult | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      done(r);
    };
    const slack = this.opts.spawnSlackMs ?? 250;
    const guard = setTimeout(() => finish({ host, t, rtt: null }), timeoutMs + slack);
    const run = ping.promise
      .probe(host, pingConfig(host, timeoutMs))
      .then((res) => {
        const rtt = typeof res.time === 'number' ? res.time : performance.now() - started;
        finish({ host, t, rtt: res.alive && rtt <= timeoutMs ? rtt : null });
      })
      .catch((err: unknown) => {
        // A missing ping binary fails every probe: one line per 10 s is enough to see it.
        if (performance.now() - this.lastErrorLog > 10_000) {
          this.lastErrorLog = performance.now();
          this.opts.logger.error({ err, host }, 'ping could not be run');
        }
        finish(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
    this.peak = Math.max(this.peak, this.running.size);
  }
}

export function createPingEngine(opts: PingEngineOptions): PingEngine {
  return new PingEngine(opts);
}
