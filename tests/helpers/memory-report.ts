// The report's store methods (issue 5) for the in-memory Store: outage notes with an append-only
// history, report snapshots, purges and the rollup digest, with the SQLite store's semantics
// (tests/unit/store/contract-report.ts runs both).
import { CAUSES } from '../../shared/report';
import {
  rttThreshold,
  type OutageNoteChangeRow,
  type OutageNoteEdit,
  type OutageNoteRow,
  type OutageNoteSaved,
  type ReportSnapshotRow,
  type RollupDigest,
  type RollupDigestQuery,
} from '../../server/store/report-types';
import type { OutageRow, RollupRow } from '../../server/store/types';

/** The report's data behind one MemoryDb. */
export class MemoryReportDb {
  readonly notes = new Map<number, OutageNoteRow>();
  readonly history: OutageNoteChangeRow[] = [];
  readonly snapshots = new Map<string, ReportSnapshotRow>();
  nextChangeId = 1;
}

/** The parts of MemoryDb these methods read and write. */
export interface MemoryReportSource {
  readonly outages: ReadonlyMap<number, OutageRow>;
  readonly rollups: Map<string, RollupRow>;
  readonly report: MemoryReportDb;
}

const asc = (a: number, b: number): number => a - b;

export class MemoryReport {
  constructor(private readonly db: MemoryReportSource) {}

  getOutage(id: number): OutageRow | undefined {
    const o = this.db.outages.get(id);
    return o && { ...o };
  }

  listMeetingOutages(meeting: string): OutageRow[] {
    return [...this.db.outages.values()]
      .filter((o) => o.meeting === meeting)
      .sort((a, b) => a.startedAt - b.startedAt || a.id - b.id)
      .map((o) => ({ ...o }));
  }

  digestRollups(q: RollupDigestQuery): RollupDigest {
    if (q.from % 10_000 !== 0) throw new RangeError(`digest: from must be on the 10 s grid, got ${q.from}`);
    const rows = [...this.db.rollups.values()]
      .filter((r) => r.point === q.point && r.target === q.target && r.t >= q.from && r.t < q.to)
      .sort((a, b) => a.t - b.t);
    const slowAt = rttThreshold(q.rttMs);
    const lossy: number[] = [];
    for (const r of rows) if (r.received < r.sent || r.sent === 0) lossy.push(r.t, r.sent, r.received);
    const flagged = rows.filter(
      (r) =>
        (r.rttAvg !== null && Math.trunc(r.rttAvg * 100) >= slowAt) || (r.jitter !== null && r.jitter >= q.jitterMs),
    );
    return {
      rows: rows.length,
      sent: rows.reduce((n, r) => n + r.sent, 0),
      received: rows.reduce((n, r) => n + r.received, 0),
      buckets: Float64Array.from(rows.map((r) => r.t)),
      lossy: Float64Array.from(lossy),
      flagged: Float64Array.from(flagged.map((r) => r.t)),
      rtt: Uint32Array.from(rows.filter((r) => r.rttAvg !== null).map((r) => Math.trunc(r.rttAvg! * 100))).sort(asc),
    };
  }

  getOutageNote(outageId: number): OutageNoteRow | undefined {
    const n = this.db.report.notes.get(outageId);
    return n && { ...n };
  }

  listMeetingOutageNotes(meeting: string): OutageNoteRow[] {
    return [...this.db.report.notes.values()]
      .filter((n) => this.db.outages.get(n.outageId)?.meeting === meeting)
      .sort((a, b) => a.outageId - b.outageId)
      .map((n) => ({ ...n }));
  }

  saveOutageNote(e: OutageNoteEdit): OutageNoteSaved {
    if (!this.db.outages.has(e.outageId)) throw new Error(`outage ${e.outageId} does not exist`);
    if (e.cause !== null && !(CAUSES as readonly string[]).includes(e.cause)) {
      throw new Error('CHECK constraint failed: cause');
    }
    const at = Math.round(e.at);
    const before = this.db.report.notes.get(e.outageId);
    if (before && before.cause === e.cause && before.note === e.note) return { note: { ...before }, change: null };
    const note: OutageNoteRow = before
      ? { ...before, cause: e.cause, note: e.note, updatedBy: e.by, updatedByName: e.byName, updatedAt: at }
      : {
          outageId: e.outageId,
          cause: e.cause,
          note: e.note,
          acknowledgedBy: e.by,
          acknowledgedByName: e.byName,
          acknowledgedAt: at,
          updatedBy: e.by,
          updatedByName: e.byName,
          updatedAt: at,
        };
    const change: OutageNoteChangeRow = {
      id: this.db.report.nextChangeId++,
      outageId: e.outageId,
      at,
      by: e.by,
      byName: e.byName,
      acknowledged: !before,
      oldCause: before?.cause ?? null,
      newCause: e.cause,
      oldNote: before?.note ?? '',
      newNote: e.note,
    };
    this.db.report.notes.set(e.outageId, note);
    this.db.report.history.push(change);
    return { note: { ...note }, change: { ...change } };
  }

  listOutageNoteHistory(outageId: number): OutageNoteChangeRow[] {
    return this.db.report.history.filter((c) => c.outageId === outageId).map((c) => ({ ...c }));
  }

  getReportSnapshot(meeting: string): ReportSnapshotRow | undefined {
    const s = this.db.report.snapshots.get(meeting);
    return s && { ...s };
  }

  saveReportSnapshot(row: ReportSnapshotRow): void {
    JSON.parse(row.json); // like CHECK (json_valid(json))
    this.db.report.snapshots.set(row.meeting, { ...row });
  }

  purgeRollups(before: number): number {
    let n = 0;
    for (const [k, r] of this.db.rollups) {
      if (r.t < before) {
        this.db.rollups.delete(k);
        n++;
      }
    }
    return n;
  }

  purgeReportSnapshots(before: number): number {
    let n = 0;
    for (const [k, s] of this.db.report.snapshots) {
      if (s.createdAt < before) {
        this.db.report.snapshots.delete(k);
        n++;
      }
    }
    return n;
  }
}
