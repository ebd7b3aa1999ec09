// The monitor's own blind spans (SPEC MG1–MG3). A probe result tells about the network only if the
// monitor was there to see it: while its event loop stood still (a long GC, a synchronous request,
// SIGSTOP, a paused VM) the fping watchdog hears "nothing" from every host, and replies that queued
// behind a full pipe come out with inflated RTTs. Those describe the monitor, not the lines. BlindWatch
// notices such spans from a monotonic clock beside the injected one and says which results to drop.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock';

export type BlindReason = 'stall' | 'clock';

export interface BlindSpan {
  /** Clock instants: the last moment the monitor was known to be watching, and when it noticed. */
  from: number;
  to: number;
  reason: BlindReason;
}

export interface BlindWatchOptions {
  clock: Clock;
  onSpan(span: BlindSpan): void;
  /** Monotonic milliseconds; default performance.now (immune to wall-clock steps). */
  mono?: () => number;
  /** How often the watch looks (default 100 ms). */
  tickMs?: number;
  /** A stand-still longer than this is a blind span (default 1 s: beyond the live cadence's timeout). */
  stallMs?: number;
  /**
   * Also treat a disagreement of the clock with the monotonic clock (a wall-clock step, a VM resumed
   * with its clock corrected) as a blind span. Only meaningful when `clock` is the system clock.
   */
  clockJumps?: boolean;
}

export class BlindWatch {
  private readonly mono: () => number;
  private readonly stallMs: number;
  private lastMono = 0;
  private lastWall = 0;
  private timer: NodeJS.Timeout | undefined;
  private until = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: BlindWatchOptions) {
    this.mono = o.mono ?? (() => performance.now());
    this.stallMs = o.stallMs ?? 1_000;
    this.rebase();
  }

  start(): void {
    this.rebase();
    this.timer = setInterval(() => this.check(), this.o.tickMs ?? 100);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Results of probes sent before this instant are not trusted (the latest span's end). */
  get blindUntil(): number {
    return this.until;
  }

  /**
   * [MG1] Looks now: every callback that handles a result calls this first, so a stall is noticed
   * before anything that was queued behind it is believed, whichever timer fires first on resume.
   */
  check(): BlindSpan | null {
    const mono = this.mono();
    const wall = this.o.clock.now();
    const dMono = mono - this.lastMono;
    const dWall = wall - this.lastWall;
    const prevWall = this.lastWall;
    this.lastMono = mono;
    this.lastWall = wall;
    let span: BlindSpan | null = null;
    if (this.o.clockJumps && Math.abs(dWall - dMono) > this.stallMs) {
      span = { from: Math.min(prevWall, wall), to: Math.max(prevWall, wall), reason: 'clock' };
    } else if (dMono > this.stallMs) {
      span = { from: prevWall, to: wall, reason: 'stall' };
    }
    if (span === null) return null;
    // Trust starts again now, also after a step back (an earlier "until" would distrust fresh results).
    this.until = wall;
    if (span.to > span.from) this.o.onSpan(span);
    return span;
  }

  /** [MG2] Whether a result of a probe sent at `t` describes the network (false: inside a blind span). */
  trusts(t: number): boolean {
    this.check();
    return t >= this.until;
  }

  private rebase(): void {
    this.lastMono = this.mono();
    this.lastWall = this.o.clock.now();
  }
}
