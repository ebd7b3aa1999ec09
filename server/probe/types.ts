import type { Logger } from 'pino';
import type { Clock } from '../clock';

/** One probe's outcome. `t` is when the probe was sent (ms since epoch, on the injected clock). */
export interface ProbeResult {
  host: string;
  t: number;
  /** Round-trip time in ms; null when the probe was lost (timeout or ICMP error). */
  rtt: number | null;
}

/** A host to probe and how often. */
export interface ProbeTarget {
  host: string;
  intervalMs: number;
}

export type ProbeSink = (r: ProbeResult) => void;

export interface EngineOptions {
  clock: Clock;
  logger: Logger;
  /** Called for every probe result, in order per host. */
  onResult: ProbeSink;
  /**
   * Called when the engine can no longer vouch for these hosts (e.g. an fping process died):
   * their points are shown unknown, not down, until results flow again.
   */
  onGap?: (hosts: string[]) => void;
  /** Per-probe timeout in ms (default: min(interval, 1000)). */
  timeoutMs?: number;
}

/** A probe engine: long-running probing of a target set, plus one-off probes ("test now"). */
export interface ProbeEngine {
  readonly name: 'fping' | 'ping';
  /**
   * Replace the whole target set. The engine diffs against the current set and restarts only the
   * parts (processes, timers) whose hosts or intervals changed. Hosts are already validated.
   */
  setTargets(targets: readonly ProbeTarget[]): void;
  /** Probe one host once, outside the schedule. */
  probeOnce(host: string, timeoutMs?: number): Promise<ProbeResult>;
  /** Stop everything; resolves when all child processes have exited. */
  close(): Promise<void>;
}
