// The messages between `serve` and its monitor process (server/pipeline/child.ts), over the IPC channel
// of node:child_process with the structured-clone ("advanced") serialization. Both ends are this
// program at the same version, so the shapes are types, checked by the compiler, not parsed.
import type { AlertGrouping } from '../../shared/alerts';
import type { PointState } from '../../shared/schemas';
import type { WindowConfig } from '../../shared/phase';
import type { CadenceConfig } from '../schedule/scheduler';
import type { BlindSpan } from '../status/blind';
import type { PointTransition, TargetRow } from '../status/board';
import type { OutageEvent } from '../status/outages';
import type { StatusConfig } from '../status/types';
import type { MonitorStats } from '../metrics/monitor-stats';
import type { WriteSource } from './port';
import type { AgentContact, AgentIngest, AgentState } from '../agent/contract';

/**
 * One point's status: code, state, rtt, loss, jitter, since (NaN for none), backup, probedAt, endpoint,
 * inCall, its targets' rows when it has more than its line (null otherwise), and knownAt (when its
 * newest probe's outcome was known: StatusBoard.knownAt).
 */
/**
 * Figures-only changes of a point are sent at most this often: every line's RTT moves by a few ms each
 * second, so at 1 Hz every point changed every second, and a national meeting's 40,000 rows a second,
 * mirrored and published by every instance, were most of the centre's CPU (docs/NATIONAL.md, "Measured").
 * A change of state is never held back.
 */
export const FIGURES_MS = 3_000;

export type StatusRow = [
  code: string,
  state: PointState,
  rtt: number,
  loss: number,
  jitter: number,
  since: number,
  backup: PointState | null,
  probedAt: number | null,
  endpoint: PointState | null,
  inCall: boolean | null,
  targets: TargetRow[] | null,
  knownAt: number | null,
];

/** Something that happened, in the order it happened. */
export type PipelineEvent =
  | { kind: 'transition'; transition: PointTransition }
  | { kind: 'outage'; event: OutageEvent }
  | { kind: 'write'; source: WriteSource; ok: boolean; pending: number; error?: string }
  | { kind: 'blind'; span: BlindSpan };

/** The monitor process's exit code when a newer monitor fenced it off: not restarted. */
export const FENCED_EXIT = 3;

export type FromMonitor =
  | { type: 'ready'; engine: string; pid: number }
  /** Changed statuses since the last batch (or all of them with `full`), then the events in order. */
  | { type: 'batch'; full: boolean; rows: StatusRow[]; events: PipelineEvent[] }
  /** Sent every `aliveMs` even when nothing changed: silence means the monitor stands still. */
  | { type: 'alive' }
  /** The pipeline's figures of the last second, for /metrics. */
  | { type: 'stats'; stats: MonitorStats }
  | { type: 'fatal'; message: string }
  /** [AG10] Every agent's state: on change, at most every `agentsMs`, and once a second regardless. */
  | { type: 'agents'; agents: AgentState[] };

export type ToMonitor =
  /** The inventory changed in the database: reload it. */
  | { type: 'inventory' }
  /** Send every status (after the parent missed some). */
  | { type: 'resync' }
  /** The lease is this monitor's again, under a new epoch (PostgreSQL restarted): write under it. */
  | { type: 'fence'; epoch: number }
  /** [AG9] Agents' batches, in the order their connections handed them over. */
  | { type: 'agentIngest'; batches: AgentIngest[] }
  /** An agent connected or its connection closed. */
  | { type: 'agentContact'; agent: string; contact: AgentContact }
  | { type: 'stop' };

/** What the monitor process is started with (JSON in its environment). */
export interface MonitorConfig {
  db: string;
  /** The lease epoch this monitor writes under (several instances on PostgreSQL; docs/FAILOVER.md). */
  fence?: { epoch: number; ttlMs: number };
  engine: 'auto' | 'fping' | 'ping';
  logLevel: string;
  status?: StatusConfig;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  heartbeatMs?: number;
  rollupFlushMs?: number;
  /** Alert incident grouping (server/alerts/engine.ts). */
  grouping?: AlertGrouping;
  /** Batches at most this often (default 50 ms): well inside the hub's 150 ms coalescing. */
  batchMs?: number;
  aliveMs?: number;
  /**
   * A point whose state (and since, backup, endpoint, call, targets' states) is unchanged has its
   * figures (RTT, loss, jitter) sent at most this often (default FIGURES_MS; 0: every change).
   */
  figuresMs?: number;
  /** The agents' states are sent on change at most this often (default 250 ms), and every second. */
  agentsMs?: number;
  /** [AG7] An agent not heard for this long is silent (default AGENT_SILENT_MS). */
  agentSilentMs?: number;
  blind?: { stallMs?: number; tickMs?: number; clockJumps?: boolean };
}
