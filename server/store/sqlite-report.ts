// The report's tables on the store's SQLite connection (migration 4): outage notes and their audit
// trail, report snapshots; the rollup digest and purge are sqlite-rollups.ts's (the rollups' own table).
// SqliteStore delegates to this class.
import type Database from 'better-sqlite3';
import type { SqliteRollups } from './sqlite-rollups';
import {
  type OutageNoteChangeRow,
  type OutageNoteEdit,
  type OutageNoteRow,
  type OutageNoteSaved,
  type ReportSnapshotRow,
  type RollupDigest,
  type RollupDigestQuery,
} from './report-types';
import type { OutageRow } from './types';

// The same columns as the outage log's own reads (sqlite.ts), class and target included.
const OUTAGE_COLUMNS = `id, point, meeting, type, class, target, kind, phase, started_at AS startedAt,
  detected_at AS detectedAt, ended_at AS endedAt`;
const NOTE_COLUMNS = `outage_id AS outageId, cause, note, acknowledged_by AS acknowledgedBy,
  acknowledged_by_name AS acknowledgedByName, acknowledged_at AS acknowledgedAt, updated_by AS updatedBy,
  updated_by_name AS updatedByName, updated_at AS updatedAt`;
const CHANGE_COLUMNS = `id, outage_id AS outageId, at, by, by_name AS byName, acknowledged, old_cause AS oldCause,
  new_cause AS newCause, old_note AS oldNote, new_note AS newNote`;

interface RawChange extends Omit<OutageNoteChangeRow, 'acknowledged'> {
  acknowledged: number;
}

const toChange = (r: RawChange): OutageNoteChangeRow => ({ ...r, acknowledged: r.acknowledged === 1 });

export class SqliteReport {
  private readonly s;
  private readonly saveNoteTx;

  constructor(
    private readonly db: Database.Database,
    private readonly rollups: SqliteRollups,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      outage: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE id = ?`),
      meetingOutages: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE meeting = ? ORDER BY started_at, id`),
      note: p(`SELECT ${NOTE_COLUMNS} FROM outage_notes WHERE outage_id = ?`),
      meetingNotes: p(`SELECT ${NOTE_COLUMNS} FROM outage_notes
        WHERE outage_id IN (SELECT id FROM outages WHERE meeting = ?) ORDER BY outage_id`),
      insertNote: p(`INSERT INTO outage_notes (outage_id, cause, note, acknowledged_by, acknowledged_by_name,
          acknowledged_at, updated_by, updated_by_name, updated_at)
        VALUES (:outageId, :cause, :note, :by, :byName, :at, :by, :byName, :at) RETURNING ${NOTE_COLUMNS}`),
      updateNote: p(`UPDATE outage_notes SET cause = :cause, note = :note, updated_by = :by,
          updated_by_name = :byName, updated_at = :at
        WHERE outage_id = :outageId RETURNING ${NOTE_COLUMNS}`),
      insertChange: p(`INSERT INTO outage_note_history (outage_id, at, by, by_name, acknowledged, old_cause,
          new_cause, old_note, new_note)
        VALUES (:outageId, :at, :by, :byName, :acknowledged, :oldCause, :newCause, :oldNote, :newNote)
        RETURNING ${CHANGE_COLUMNS}`),
      history: p(`SELECT ${CHANGE_COLUMNS} FROM outage_note_history WHERE outage_id = ? ORDER BY id`),
      snapshot: p(`SELECT meeting, created_at AS createdAt, schedule, json FROM report_snapshots WHERE meeting = ?`),
      saveSnapshot: p(`INSERT INTO report_snapshots (meeting, created_at, schedule, json)
        VALUES (:meeting, :createdAt, :schedule, :json)
        ON CONFLICT (meeting) DO UPDATE SET created_at = excluded.created_at, schedule = excluded.schedule,
          json = excluded.json`),
      purgeSnapshots: p('DELETE FROM report_snapshots WHERE created_at < ?'),
    };

    this.saveNoteTx = db.transaction((e: OutageNoteEdit): OutageNoteSaved => {
      if (!this.s.outage.get(e.outageId)) throw new Error(`outage ${e.outageId} does not exist`);
      const before = this.s.note.get(e.outageId) as OutageNoteRow | undefined;
      if (before && before.cause === e.cause && before.note === e.note) return { note: before, change: null };
      const params = { outageId: e.outageId, cause: e.cause, note: e.note, by: e.by, byName: e.byName, at: e.at };
      const note = (before ? this.s.updateNote.get(params) : this.s.insertNote.get(params)) as OutageNoteRow;
      const change = toChange(
        this.s.insertChange.get({
          outageId: e.outageId,
          at: e.at,
          by: e.by,
          byName: e.byName,
          acknowledged: before ? 0 : 1,
          oldCause: before?.cause ?? null,
          newCause: e.cause,
          oldNote: before?.note ?? '',
          newNote: e.note,
        }) as RawChange,
      );
      return { note, change };
    });
  }

  getOutage(id: number): OutageRow | undefined {
    return this.s.outage.get(id) as OutageRow | undefined;
  }

  listMeetingOutages(meeting: string): OutageRow[] {
    return this.s.meetingOutages.all(meeting) as OutageRow[];
  }

  digestRollups(q: RollupDigestQuery): RollupDigest {
    return this.rollups.digest(q);
  }

  getOutageNote(outageId: number): OutageNoteRow | undefined {
    return this.s.note.get(outageId) as OutageNoteRow | undefined;
  }

  listMeetingOutageNotes(meeting: string): OutageNoteRow[] {
    return this.s.meetingNotes.all(meeting) as OutageNoteRow[];
  }

  saveOutageNote(edit: OutageNoteEdit): OutageNoteSaved {
    return this.saveNoteTx.immediate({ ...edit, at: Math.round(edit.at) });
  }

  listOutageNoteHistory(outageId: number): OutageNoteChangeRow[] {
    return (this.s.history.all(outageId) as RawChange[]).map(toChange);
  }

  getReportSnapshot(meeting: string): ReportSnapshotRow | undefined {
    return this.s.snapshot.get(meeting) as ReportSnapshotRow | undefined;
  }

  saveReportSnapshot(row: ReportSnapshotRow): void {
    this.s.saveSnapshot.run(row);
  }

  purgeRollups(before: number): number {
    return this.rollups.purge(before);
  }

  purgeReportSnapshots(before: number): number {
    return this.s.purgeSnapshots.run(before).changes;
  }
}
