import type { PointState } from '../../shared/schemas';

export interface Band {
  /** Rolling window length in ms. */
  windowMs: number;
  /** At or above this: degraded (amber). */
  degraded: number;
  /** Above this: severe (red but reachable). */
  severe: number;
  /**
   * The window also keeps at least this many of the latest samples, however old, so a sparse cadence
   * (2 s, idle 60 s) still judges over enough probes (docs/SPEC.md ST6–ST8). When omitted: the
   * DEFAULT_STATUS band's.
   */
  minSamples?: number;
}

export interface StatusConfig {
  /** Consecutive lost probes that make a point down. */
  downAfter: number;
  /** Consecutive replies that bring a down point back up. */
  upAfter: number;
  /** Loss in percent over its window. */
  loss: Band;
  /** Median RTT in ms over its window. */
  rtt: Band;
  /** Mean absolute difference of successive RTTs in ms over its window. */
  jitter: Band;
  /** A severe period becomes an outage record only once it has lasted this long. */
  severeMinMs: number;
  /**
   * A result more than this after the previous one (or before it) is a clock jump: windows and runs
   * restart (docs/SPEC.md ST11). Must exceed the idle cadence. Default 300 000.
   */
  jumpMs?: number;
}

/**
 * [TG5] An endpoint (SIP stack, TCP port, web platform, codec API) is up or down: its latency says
 * little about the meeting (a SIP reply in 150 ms is fine), so its bands never grade it degraded.
 */
export const endpointStatus = (cfg: StatusConfig): StatusConfig => ({
  ...cfg,
  loss: { ...cfg.loss, degraded: Infinity, severe: Infinity },
  rtt: { ...cfg.rtt, degraded: Infinity, severe: Infinity },
  jitter: { ...cfg.jitter, degraded: Infinity, severe: Infinity },
});

export const DEFAULT_STATUS: StatusConfig = {
  downAfter: 3,
  upAfter: 3,
  // 20 probes: one loss is 5 % (amber, not red) even at the 2 s line-test cadence (15 probes in 30 s).
  loss: { windowMs: 30_000, degraded: 1, severe: 5, minSamples: 20 },
  // A median of at least 3 replies, so one slow reply at the idle cadence is not "severe".
  rtt: { windowMs: 10_000, degraded: 100, severe: 250, minSamples: 3 },
  jitter: { windowMs: 30_000, degraded: 20, severe: 50, minSamples: 5 },
  severeMinMs: 10_000,
  jumpMs: 300_000,
};

/** A target's (and so a point's) current status; instants in ms since epoch. */
export interface TargetStatus {
  state: PointState;
  rtt: number | null;
  loss: number | null;
  jitter: number | null;
  /** When the current state began (first lost probe of a down run, first reply of an up run…). */
  since: number | null;
}

/** Emitted when a target's state changes. */
export interface Transition {
  /** The target's id (shared/targets.ts targetId). */
  target: string;
  from: PointState;
  to: PointState;
  /** When the new state began, by the rule of docs/SPEC.md (e.g. first lost probe of the run). */
  at: number;
  /** When the monitor knew it (the probe that completed the run). */
  detectedAt: number;
}

/**
 * How long after its send a lost probe is known lost, for measuring latency from the outcome: fping at
 * 1 Hz times a probe out after 750 ms (server/probe/fping-engine.ts fpingTimeout) and says so within
 * its loss grace of 100 ms. Probes at a slower cadence wait longer (up to 1 s + 0.1 s): counted from
 * here, their latency is over-stated, never under-stated.
 */
export const LOSS_KNOWN_MS = 850;
