// What the pipeline reports about itself once a second, wherever it runs (in the monitor's process it
// travels as a `stats` message): results by target kind, how late replies were taken in, and how long
// its event loop was held. Deltas since the last report, so a restarted process adds on, never resets.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface MonitorStats {
  /** Results since the last report, per target kind. */
  results: { kind: string; reply: number; lost: number }[];
  /**
   * Result lag: from a reply's arrival (its send time + RTT) to the moment the status board took it in
   * (fping's output is read in batches every 20 ms): count, sum and maximum in ms.
   */
  lag: { count: number; sumMs: number; maxMs: number };
  /** The monitor's event-loop delay over the last report's span (ms; NaN before any sample). */
  loop: { p99Ms: number; maxMs: number };
}

export class StatsCounter {
  private results = new Map<string, { reply: number; lost: number }>();
  private lag = { count: 0, sumMs: 0, maxMs: 0 };
  private readonly loop: IntervalHistogram;

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
  }

  result(kind: string, rtt: number | null, t: number, now: number): void {
    let c = this.results.get(kind);
    if (!c) {
      c = { reply: 0, lost: 0 };
      this.results.set(kind, c);
    }
    if (rtt === null) {
      c.lost++;
      return;
    }
    c.reply++;
    // NaN: no lag to measure (an agent's result, replayed on its own time).
    if (Number.isNaN(now)) return;
    const lag = Math.max(0, now - (t + rtt));
    this.lag.count++;
    this.lag.sumMs += lag;
    if (lag > this.lag.maxMs) this.lag.maxMs = lag;
  }

  /** The report since the last one; counting starts again from zero. */
  take(): MonitorStats {
    const out: MonitorStats = {
      results: [...this.results].map(([kind, c]) => ({ kind, ...c })),
      lag: this.lag,
      loop: {
        p99Ms: this.loop.count > 0 ? this.loop.percentile(99) / 1e6 : NaN,
        maxMs: this.loop.count > 0 ? this.loop.max / 1e6 : NaN,
      },
    };
    this.results = new Map();
    this.lag = { count: 0, sumMs: 0, maxMs: 0 };
    this.loop.reset();
    return out;
  }

  stop(): void {
    this.loop.disable();
  }
}
