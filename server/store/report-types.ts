// Stored rows of the report's store methods (issue 5, migration 4): outage notes and their audit
// trail, report snapshots, and the digest of a target's rollups that the report is computed from.
// Instants are ms since epoch. The `Store` interface (types.ts) lists the methods.
import type { Cause } from '../../shared/report';

/** The current acknowledgement, cause and note of one outage record. */
export interface OutageNoteRow {
  outageId: number;
  cause: Cause | null;
  note: string;
  acknowledgedBy: string;
  acknowledgedByName: string | null;
  acknowledgedAt: number;
  updatedBy: string;
  updatedByName: string | null;
  updatedAt: number;
}

/** One audited edit of a note; rows are never updated nor deleted. */
export interface OutageNoteChangeRow {
  id: number;
  outageId: number;
  at: number;
  by: string;
  byName: string | null;
  /** The edit that acknowledged the outage (the first). */
  acknowledged: boolean;
  oldCause: Cause | null;
  newCause: Cause | null;
  oldNote: string;
  newNote: string;
}

/** An edit as the caller asks for it; the store decides whether it acknowledges or changes anything. */
export interface OutageNoteEdit {
  outageId: number;
  cause: Cause | null;
  note: string;
  by: string;
  byName: string | null;
  at: number;
}

export interface OutageNoteSaved {
  note: OutageNoteRow;
  /** Null when the edit changed nothing (no history row is written). */
  change: OutageNoteChangeRow | null;
}

/** The report computed when a meeting's monitoring window closed, kept after its rollups are purged. */
export interface ReportSnapshotRow {
  meeting: string;
  createdAt: number;
  /** The meeting's line test and session as they were (a rescheduled meeting's snapshot is stale). */
  schedule: string;
  json: string;
}

export interface RollupDigestQuery {
  point: string;
  /** The target's id (the point's primary line for the report). */
  target: string;
  /** Bucket starts in [from, to); `from` must be a multiple of the 10 s bucket. */
  from: number;
  to: number;
  /** A bucket whose average RTT (to 0.01 ms, truncated) is at or above this is flagged. */
  rttMs: number;
  /** A bucket whose jitter is at or above this is flagged. */
  jitterMs: number;
}

/**
 * One target's rollups over a range, digested so that a report over thousands of points reads each
 * bucket once without building a row object per bucket. Bucket starts are ms since epoch.
 */
export interface RollupDigest {
  rows: number;
  sent: number;
  received: number;
  /** The bucket starts present, ascending. */
  buckets: Float64Array;
  /** Buckets where probes were lost or none were sent, as [t, sent, received] triples, ascending. */
  lossy: Float64Array;
  /** Buckets whose average RTT or jitter reached the query's thresholds, ascending. */
  flagged: Float64Array;
  /** Average RTT of every bucket with replies, in hundredths of a ms (truncated), in no particular order. */
  rtt: Uint32Array;
}

/** The RTT threshold as the digest compares it: hundredths of a ms, rounded up. */
export const rttThreshold = (rttMs: number): number => Math.ceil(rttMs * 100 - 1e-9);
