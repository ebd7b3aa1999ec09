// The report's tables in PostgreSQL (SQLite's migration 4; sqlite-report.ts): outage notes with their
// append-only audit trail, and report snapshots. The rollup digest and purge are pg/rollups.ts's.
import type {
  OutageNoteChangeRow,
  OutageNoteEdit,
  OutageNoteRow,
  OutageNoteSaved,
  ReportSnapshotRow,
} from '../report-types';
import { bound, type PgDb } from './db';

const NOTE_COLUMNS = `outage_id AS "outageId", cause, note, acknowledged_by AS "acknowledgedBy",
  acknowledged_by_name AS "acknowledgedByName", acknowledged_at AS "acknowledgedAt", updated_by AS "updatedBy",
  updated_by_name AS "updatedByName", updated_at AS "updatedAt"`;
const CHANGE_COLUMNS = `id, outage_id AS "outageId", at, by, by_name AS "byName", acknowledged, old_cause AS "oldCause",
  new_cause AS "newCause", old_note AS "oldNote", new_note AS "newNote"`;

export class PgReport {
  constructor(private readonly db: PgDb) {}

  async getOutageNote(outageId: number): Promise<OutageNoteRow | undefined> {
    const [r] = await this.db.rows<OutageNoteRow>(`SELECT ${NOTE_COLUMNS} FROM outage_notes WHERE outage_id = $1`, [
      outageId,
    ]);
    return r;
  }

  async listMeetingOutageNotes(meeting: string): Promise<OutageNoteRow[]> {
    return this.db.rows<OutageNoteRow>(
      `SELECT ${NOTE_COLUMNS} FROM outage_notes
       WHERE outage_id IN (SELECT id FROM outages WHERE meeting = $1) ORDER BY outage_id`,
      [meeting],
    );
  }

  async saveOutageNote(edit: OutageNoteEdit): Promise<OutageNoteSaved> {
    const e = { ...edit, at: Math.round(edit.at) };
    return this.db.tx(async (sql) => {
      // One edit of an outage's note at a time: the first one acknowledges, exactly once.
      await sql.lock(`note:${e.outageId}`);
      const [outage] = await sql.rows('SELECT id FROM outages WHERE id = $1', [e.outageId]);
      if (!outage) throw new Error(`outage ${e.outageId} does not exist`);
      const [before] = await sql.rows<OutageNoteRow>(`SELECT ${NOTE_COLUMNS} FROM outage_notes WHERE outage_id = $1`, [
        e.outageId,
      ]);
      if (before && before.cause === e.cause && before.note === e.note) return { note: before, change: null };
      const params = [e.outageId, e.cause, e.note, e.by, e.byName, e.at];
      const [note] = await sql.rows<OutageNoteRow>(
        before
          ? `UPDATE outage_notes SET cause = $2, note = $3, updated_by = $4, updated_by_name = $5, updated_at = $6
             WHERE outage_id = $1 RETURNING ${NOTE_COLUMNS}`
          : `INSERT INTO outage_notes (outage_id, cause, note, acknowledged_by, acknowledged_by_name,
               acknowledged_at, updated_by, updated_by_name, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $4, $5, $6) RETURNING ${NOTE_COLUMNS}`,
        params,
      );
      const [change] = await sql.rows<OutageNoteChangeRow>(
        `INSERT INTO outage_note_history (outage_id, at, by, by_name, acknowledged, old_cause, new_cause, old_note,
           new_note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${CHANGE_COLUMNS}`,
        [e.outageId, e.at, e.by, e.byName, !before, before?.cause ?? null, e.cause, before?.note ?? '', e.note],
      );
      return { note: note!, change: change! };
    });
  }

  async listOutageNoteHistory(outageId: number): Promise<OutageNoteChangeRow[]> {
    return this.db.rows<OutageNoteChangeRow>(
      `SELECT ${CHANGE_COLUMNS} FROM outage_note_history WHERE outage_id = $1 ORDER BY id`,
      [outageId],
    );
  }

  async getReportSnapshot(meeting: string): Promise<ReportSnapshotRow | undefined> {
    const [r] = await this.db.rows<ReportSnapshotRow>(
      'SELECT meeting, created_at AS "createdAt", schedule, json FROM report_snapshots WHERE meeting = $1',
      [meeting],
    );
    return r;
  }

  async saveReportSnapshot(row: ReportSnapshotRow): Promise<void> {
    await this.db.run(
      `INSERT INTO report_snapshots (meeting, created_at, schedule, json) VALUES ($1, $2, $3, $4)
       ON CONFLICT (meeting) DO UPDATE SET created_at = excluded.created_at, schedule = excluded.schedule,
         json = excluded.json`,
      [row.meeting, row.createdAt, row.schedule, row.json],
    );
  }

  async purgeReportSnapshots(before: number): Promise<number> {
    return this.db.run('DELETE FROM report_snapshots WHERE created_at < $1', [bound(before, '<')]);
  }
}
