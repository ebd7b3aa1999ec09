// The state machine of one probe target (docs/SPEC.md ST1–ST13). Fed with results in order; O(1)
// amortised per result (ring buffers, running sums, a quickselect over the short RTT window) and no
// timers, so 10,000 targets at 1 Hz cost little. Numeric fields that may be absent hold NaN rather
// than null: a field that only ever holds numbers is updated in place, whereas a `number | null` field
// boxes every new value in a fresh heap object — 10,000 results a second of garbage that outlives the
// young generation (see bench/RESULTS.md, e2e).
import type { PointState } from '../../shared/schemas';
import { Ring, median } from './ring';
import {
  DEFAULT_STATUS,
  LOSS_KNOWN_MS,
  type Band,
  type StatusConfig,
  type TargetStatus,
  type Transition,
} from './types';

const DEFAULT_JUMP_MS = 300_000;

/** 0 = within the band (or no figure: NaN), 1 = degraded, 2 = severe. */
function grade(x: number, b: Band): number {
  if (x > b.severe) return 2;
  return x >= b.degraded ? 1 : 0;
}

/** NaN (the allocation-free forms' "none") as null. */
export const nanToNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** A target's status as plain numbers, NaN for "none" (the allocation-free form of TargetStatus). */
export interface TargetFields {
  state: PointState;
  rtt: number;
  loss: number;
  jitter: number;
  since: number;
}

export const emptyFields = (): TargetFields => ({ state: 'unknown', rtt: NaN, loss: NaN, jitter: NaN, since: NaN });

const SCRATCH = emptyFields();

const REACHABLE: readonly PointState[] = ['up', 'degraded', 'severe'];

export class TargetTracker {
  private st: PointState = 'unknown';
  private sinceT = NaN;
  private lastT = NaN;
  private lastRtt = NaN;
  private lastReplyT = NaN;
  /** When the newest probe's outcome was known (lastKnownAt); a gap's own time for a gap. */
  private lastKnownT = NaN;

  private lostRun = 0;
  private lostRunStart = 0;
  private replyRun = 0;
  private replyRunStart = 0;

  // Quality windows (ST6–ST9): they hold only probes since the first reply of the current reachable
  // run (or of the reply run that may end a down state).
  private readonly lossWin = new Ring();
  private lostInWin = 0;
  private readonly rttWin = new Ring();
  private rttMedian = NaN;
  private readonly jitWin = new Ring();
  private jitSum = 0;
  private jitPushes = 0;
  private prevReplyRtt = NaN;

  private readonly lossMin: number;
  private readonly rttMin: number;
  private readonly jitMin: number;
  private readonly jumpMs: number;

  constructor(
    readonly target: string,
    private readonly cfg: StatusConfig = DEFAULT_STATUS,
  ) {
    // A config that overrides a band without minSamples keeps the default minimum (ST6 matters).
    this.lossMin = Math.max(1, cfg.loss.minSamples ?? DEFAULT_STATUS.loss.minSamples ?? 1);
    this.rttMin = Math.max(1, cfg.rtt.minSamples ?? DEFAULT_STATUS.rtt.minSamples ?? 1);
    this.jitMin = Math.max(1, cfg.jitter.minSamples ?? DEFAULT_STATUS.jitter.minSamples ?? 1);
    this.jumpMs = cfg.jumpMs ?? DEFAULT_JUMP_MS;
  }

  get state(): PointState {
    return this.st;
  }

  /** Send time of the newest probe observed (the dashboards' latency is measured from it). */
  get lastProbeAt(): number | null {
    return nanToNull(this.lastT);
  }

  /**
   * When the newest probe's outcome was known where it was probed: its send time + RTT for a reply, +
   * LOSS_KNOWN_MS for a loss (the dashboards' latency is measured from it: a loss cannot be known before
   * its timeout, which is the probe's, not the pipeline's). Null before any probe.
   */
  get lastKnownAt(): number | null {
    return nanToNull(this.lastKnownT);
  }

  /** Send time of the newest probe that was answered, null before any. */
  get lastReplyAt(): number | null {
    return nanToNull(this.lastReplyT);
  }

  /** Feeds one probe result; returns the transition it caused, if any. */
  observe(t: number, rtt: number | null): Transition | null {
    // NaN compares false: no discontinuity before the first result.
    if (t < this.lastT || t - this.lastT > this.jumpMs) this.discontinuity(t);
    this.lastT = t;
    this.lastRtt = rtt ?? NaN;
    this.lastKnownT = t + (rtt ?? LOSS_KNOWN_MS);
    return rtt === null ? this.lost(t) : this.reply(t, rtt);
  }

  /**
   * The engine can no longer vouch for this target (ST10): unknown, not down, with windows and runs
   * cleared so what follows is judged afresh.
   */
  gap(t: number): Transition | null {
    this.resetWindows();
    this.lostRun = 0;
    this.replyRun = 0;
    this.lastRtt = NaN;
    if (!(t <= this.lastT)) this.lastT = t;
    if (!(t <= this.lastKnownT)) this.lastKnownT = t;
    return this.enter('unknown', t, t);
  }

  /**
   * [TG7] The line in front of this target is back since `t`: judge afresh from there, keeping the
   * probes lost since then (send times, in order) as the start of a new run — so an endpoint still
   * dead is down from its first probe lost over the restored line, not from when the line was called up.
   */
  restartAt(t: number, lostSince: readonly number[]): Transition | null {
    this.gap(t);
    for (const x of lostSince) if (this.lostRun++ === 0) this.lostRunStart = x;
    const last = lostSince[lostSince.length - 1] ?? t;
    return this.lostRun >= this.cfg.downAfter ? this.enter('down', this.lostRunStart, last) : null;
  }

  status(): TargetStatus {
    const s = this.read(SCRATCH);
    return {
      state: s.state,
      rtt: nanToNull(s.rtt),
      loss: nanToNull(s.loss),
      jitter: nanToNull(s.jitter),
      since: nanToNull(s.since),
    };
  }

  /** The status into `out` without allocating (NaN where `status()` has null); returns `out`. */
  read(out: TargetFields): TargetFields {
    const down = this.st === 'down';
    const unknown = this.st === 'unknown';
    out.state = this.st;
    // A down or unknown target has no RTT to show (ST12): a reply of a recovery run that has not yet
    // brought it up would otherwise put a figure (loopback: "0 ms") on a red tile.
    out.rtt = down || unknown ? NaN : this.lastRtt;
    out.loss = down ? 100 : unknown ? NaN : this.lossPct();
    out.jitter = down || unknown ? NaN : this.jitter();
    out.since = this.sinceT;
    return out;
  }

  private lost(t: number): Transition | null {
    this.replyRun = 0;
    if (this.lostRun++ === 0) this.lostRunStart = t;
    if (this.st === 'down') {
      // A reply run that had not yet reached upAfter does not count (ST3).
      this.resetWindows();
      return null;
    }
    if (this.lostRun >= this.cfg.downAfter) {
      this.resetWindows();
      return this.enter('down', this.lostRunStart, t);
    }
    if (this.st === 'unknown') return null;
    this.pushLoss(t, 1);
    return this.enter(this.quality(), t, t);
  }

  private reply(t: number, rtt: number): Transition | null {
    this.lastReplyT = t;
    this.lostRun = 0;
    if (this.replyRun++ === 0) this.replyRunStart = t;
    this.pushLoss(t, 0);
    this.pushRtt(t, rtt);
    if (this.st === 'down') {
      if (this.replyRun < this.cfg.upAfter) return null;
      return this.enter(this.quality(), this.replyRunStart, t);
    }
    return this.enter(this.quality(), t, t);
  }

  private enter(to: PointState, at: number, detectedAt: number): Transition | null {
    const from = this.st;
    if (to === from) return null;
    this.st = to;
    this.sinceT = at;
    return { target: this.target, from, to, at, detectedAt };
  }

  /** ST11: a clock jump. Windows and runs restart; `since` is never later than the latest result. */
  private discontinuity(t: number): void {
    this.resetWindows();
    this.lostRun = 0;
    this.replyRun = 0;
    if (this.sinceT > t) this.sinceT = t;
    if (this.lastReplyT > t) this.lastReplyT = t;
  }

  private resetWindows(): void {
    this.lossWin.clear();
    this.lostInWin = 0;
    this.rttWin.clear();
    this.rttMedian = NaN;
    this.jitWin.clear();
    this.jitSum = 0;
    this.prevReplyRtt = NaN;
  }

  private quality(): PointState {
    const g = Math.max(
      grade(this.lossPct(), this.cfg.loss),
      grade(this.rttMedian, this.cfg.rtt),
      grade(this.jitter(), this.cfg.jitter),
    );
    return REACHABLE[g]!;
  }

  /** ST6: while fewer than minSamples probes are known, the missing ones count as received. NaN: none. */
  private lossPct(): number {
    const n = this.lossWin.size;
    return n === 0 ? NaN : (this.lostInWin * 100) / Math.max(n, this.lossMin);
  }

  /** NaN: no pair of replies yet. */
  private jitter(): number {
    const n = this.jitWin.size;
    return n === 0 ? NaN : Math.max(0, this.jitSum) / n;
  }

  private pushLoss(t: number, lost: number): void {
    this.lostInWin -= evict(this.lossWin, t - this.cfg.loss.windowMs, this.lossMin);
    this.lossWin.push(t, lost);
    this.lostInWin += lost;
  }

  private pushRtt(t: number, rtt: number): void {
    evict(this.rttWin, t - this.cfg.rtt.windowMs, this.rttMin);
    this.rttWin.push(t, rtt);
    this.rttMedian = median(this.rttWin) ?? NaN;

    const prev = this.prevReplyRtt;
    this.prevReplyRtt = rtt;
    const w = this.jitWin;
    if (Number.isNaN(prev)) return;
    this.jitSum -= evict(w, t - this.cfg.jitter.windowMs, this.jitMin);
    const d = Math.abs(rtt - prev);
    w.push(t, d);
    this.jitSum += d;
    // Running float sums drift; re-add from scratch now and then (amortised O(1)).
    if (++this.jitPushes >= 1024) {
      this.jitPushes = 0;
      let s = 0;
      for (let i = 0; i < w.size; i++) s += w.value(i);
      this.jitSum = s;
    }
  }
}

/**
 * Makes room for one more sample: drops those at or before `edge` while at least `min` remain with the
 * new one. Returns the sum of the dropped values (for running sums).
 */
function evict(w: Ring, edge: number, min: number): number {
  let dropped = 0;
  while (w.size > 0 && (w.full() || (w.size >= min && w.oldestT() <= edge))) dropped += w.shift();
  return dropped;
}
