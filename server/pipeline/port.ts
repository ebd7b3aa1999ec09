// What the rest of the server sees of the probe → status → outage pipeline, wherever it runs: in this
// process (server/monitor.ts, for tests with a manual clock or a scripted engine) or in a process of its
// own (server/pipeline/remote.ts, the default of `serve`), so nothing a request does can delay it.
import type { TestNowResult } from '../../shared/protocol';
import type { PointStatus } from '../../shared/schemas';
import type { Participation } from '../realtime/hub';
import type { BlindSpan } from '../status/blind';
import type { PointFields, PointTransitionListener, TargetRow } from '../status/board';
import type { OutageListener } from '../status/outages';
import type { MonitorStats } from '../metrics/monitor-stats';
import type { AgentSink } from '../agent/contract';

/** The statuses of every point, as the hub, the checklist and the REST routes read them. */
export interface StatusView {
  /** Undefined for a code the pipeline does not know (e.g. a point added a moment ago). */
  status(code: string): PointStatus | undefined;
  /** Allocation-free read (NaN for none) for the hub's per-tick comparison. */
  read(code: string, out: PointFields): PointFields | undefined;
  /** Send time of the newest probe behind a point's status. */
  probedAt(code: string): number | null;
  knownAt(code: string): number | null;
  statuses(): PointStatus[];
  /**
   * [TG8] The point's targets with their own states, for a point with more than its line; empty for a
   * line-only point (its one target is the point's own status).
   */
  targetRows(code: string): TargetRow[];
  /** Codes whose status changed since the last call (one reader: the hub). */
  drainChanged(): string[];
  onTransition(listener: PointTransitionListener): () => void;
}

/** Which writer reported: the outage recorder, the rollup buffer or the run log. */
export type WriteSource = 'outages' | 'rollups' | 'runs';
export type WriteListener = (source: WriteSource, ok: boolean, pending: number, err?: unknown) => void;

export interface MonitorPort extends Participation, AgentSink {
  readonly board: StatusView;
  /** The ICMP engine probing the points ("fping" or "ping"); known once started. */
  readonly engineName: string;
  meetingsOf(code: string): readonly string[];
  onOutage(listener: OutageListener): void;
  onWrite(listener: WriteListener): void;
  onBlind(listener: (span: BlindSpan) => void): () => void;
  /** The pipeline's own figures, once a second (server/metrics/monitor-stats.ts). */
  onStats(listener: (stats: MonitorStats) => void): void;
  /** Probes every target of a point once, outside the schedule. */
  testNow(code: string): Promise<TestNowResult>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
