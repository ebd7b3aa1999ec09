// The contract between the probe router (server/probe/router.ts) and the engines of each target kind
// (docs/TARGETS.md). The router hands every engine the whole set of its jobs at once (it diffs and
// batches its own work), and hears results keyed by the target's id. An engine never throws into the
// router: a failed probe is a result with `rtt: null` and a reason.
import type { Logger } from 'pino';
import type { CodecCall, ProbeReason, TargetKind } from '../../shared/targets';
import type { Target } from '../../shared/schemas';
import type { Clock } from '../clock';

/** One probe's outcome for any kind. `t`: when the probe was sent (ms since epoch, injected clock). */
export interface TargetResult {
  /** The target's id (shared/targets.ts targetId). */
  target: string;
  t: number;
  /** Latency in ms (echo RTT, TCP connect, SIP request → final reply, HTTP request → status line); null when failed. */
  rtt: number | null;
  /** Why it failed (null rtt), or why an answer still counts as down (SIP 503, an unexpected HTTP status). */
  reason?: ProbeReason;
  /** Technical detail beside the reason: "503 Service Unavailable", "ECONNREFUSED", "notAfter 2026-01-01T…". */
  detail?: string;
  /** The protocol's reply code where there is one: a SIP final response (200, 403, 404, 486, 503), an HTTP status. */
  code?: number;
  /** HTTPS: the certificate's notAfter (ms since epoch). */
  certExpiresAt?: number;
  /** videoos/roomos: the codec's call status; absent when the codec could not be asked. */
  call?: CodecCall;
}

/** What the router asks an engine to do for one target. */
export interface ProbeJob {
  /** targetId(target). */
  id: string;
  target: Target;
  /** Cadence from the schedule (1 s live, 2 s line test, 60 s idle by default). */
  intervalMs: number;
  /** The probe's own timeout, within its interval (min(interval, 1000) by default, like ICMP's). */
  timeoutMs: number;
}

export interface KindEngineOptions {
  clock: Clock;
  logger: Logger;
  onResult(r: TargetResult): void;
  /**
   * The engine can no longer vouch for these targets (its process died, it is restarting): they become
   * unknown, not down, until results flow again.
   */
  onGap?(targets: string[]): void;
  /** Resolves a codec's password reference (server/probe/secrets.ts); codec engines only. */
  secret?(target: Target): Promise<string>;
}

/** An engine for one or more target kinds. */
export interface KindEngine {
  readonly kinds: readonly TargetKind[];
  /** Replaces the engine's whole job set; jobs whose id, target and cadence are unchanged keep their timers. */
  setJobs(jobs: readonly ProbeJob[]): void;
  /** One probe now, outside the schedule ("test now"). Never rejects: failures are results. */
  probeOnce(job: ProbeJob): Promise<TargetResult>;
  /** Stops every timer, socket and process; resolves when all are gone. */
  close(): Promise<void>;
}

/** The default timeout of a probe with this cadence: within its interval, at most 1 s (as ICMP's). */
export const defaultTimeoutMs = (intervalMs: number): number => Math.min(intervalMs, 1_000);
