// Line-test checklists and roll calls in PostgreSQL (SQLite's migration 3; sqlite-checklist.ts, whose
// rules this file reuses: nextMark, historyLimit). A batch of marks is one transaction of a fixed
// number of statements whatever its size: the current marks read once, the writes applied in order in
// memory, then one upsert of the marks and one insert of the history rows in write order.
import { ChecklistItems } from '../../../shared/checklist';
import { historyLimit, nextMark } from '../sqlite-checklist';
import type {
  ChecklistTemplateRow,
  MarkHistoryQuery,
  MarkHistoryRow,
  MarkRow,
  MarkWrite,
  MarkWriteResult,
  MeetingChecklistRow,
  RollCallCaptureRow,
} from '../types';
import type { PgDb, Sql } from './db';

type RawTemplate = Omit<ChecklistTemplateRow, 'items'> & { items: string };
type RawMeeting = Omit<MeetingChecklistRow, 'items'> & { items: string };
type RawCapture = Omit<RollCallCaptureRow, 'entries'> & { entries: string };

const TEMPLATE_COLUMNS = 'id, name, is_default AS "isDefault", items, updated_at AS "updatedAt"';
const MEETING_COLUMNS = 'meeting, template, name, items, assigned_at AS "assignedAt"';
const MARK_COLUMNS = 'meeting, point, key, value, note, actor, at, version';
const HISTORY_COLUMNS = 'id, meeting, point, key, value, previous, note, actor, at, version, source';

// Items are parsed on the way in and out, as SQLite's store does.
const toTemplate = (r: RawTemplate): ChecklistTemplateRow => ({
  ...r,
  items: ChecklistItems.parse(JSON.parse(r.items)),
});
const toMeeting = (r: RawMeeting): MeetingChecklistRow => ({ ...r, items: ChecklistItems.parse(JSON.parse(r.items)) });

const markKey = (point: string, key: string): string => `${point}\u0000${key}`;

export class PgChecklist {
  constructor(private readonly db: PgDb) {}

  async listChecklistTemplates(): Promise<ChecklistTemplateRow[]> {
    const rows = await this.db.rows<RawTemplate>(
      `SELECT ${TEMPLATE_COLUMNS} FROM checklist_templates ORDER BY is_default DESC, name, id`,
    );
    return rows.map(toTemplate);
  }

  async getChecklistTemplate(id: string): Promise<ChecklistTemplateRow | undefined> {
    const [r] = await this.db.rows<RawTemplate>(`SELECT ${TEMPLATE_COLUMNS} FROM checklist_templates WHERE id = $1`, [
      id,
    ]);
    return r && toTemplate(r);
  }

  async saveChecklistTemplate(t: ChecklistTemplateRow): Promise<void> {
    const items = JSON.stringify(ChecklistItems.parse(t.items));
    await this.db.tx(async (sql) => {
      await sql.lock('checklist_templates');
      if (t.isDefault)
        await sql.run('UPDATE checklist_templates SET is_default = false WHERE is_default AND id <> $1', [t.id]);
      await sql.run(
        `INSERT INTO checklist_templates (id, name, is_default, items, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_default = excluded.is_default,
           items = excluded.items, updated_at = excluded.updated_at`,
        [t.id, t.name, t.isDefault, items, Math.round(t.updatedAt)],
      );
      const [{ n }] = (await sql.rows<{ n: number }>(
        'SELECT count(*) AS n FROM checklist_templates WHERE is_default',
      )) as [{ n: number }];
      if (n !== 1)
        throw new Error(`checklist template "${t.id}" is the default: make another template the default first`);
    });
  }

  async deleteChecklistTemplate(id: string): Promise<boolean> {
    const t = await this.getChecklistTemplate(id);
    if (!t) return false;
    if (t.isDefault) throw new Error(`checklist template "${id}" is the default and cannot be deleted`);
    return (await this.db.run('DELETE FROM checklist_templates WHERE id = $1 AND NOT is_default', [id])) === 1;
  }

  async getMeetingChecklist(meeting: string): Promise<MeetingChecklistRow | undefined> {
    const [r] = await this.db.rows<RawMeeting>(`SELECT ${MEETING_COLUMNS} FROM meeting_checklists WHERE meeting = $1`, [
      meeting,
    ]);
    return r && toMeeting(r);
  }

  async setMeetingChecklist(row: MeetingChecklistRow): Promise<void> {
    await this.db.run(
      `INSERT INTO meeting_checklists (meeting, template, name, items, assigned_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (meeting) DO UPDATE SET template = excluded.template, name = excluded.name,
         items = excluded.items, assigned_at = excluded.assigned_at`,
      meetingParams(row),
    );
  }

  async ensureMeetingChecklist(row: MeetingChecklistRow): Promise<MeetingChecklistRow> {
    const params = meetingParams(row);
    return this.db.tx(async (sql) => {
      await sql.run(
        `INSERT INTO meeting_checklists (meeting, template, name, items, assigned_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (meeting) DO NOTHING`,
        params,
      );
      const [r] = await sql.rows<RawMeeting>(`SELECT ${MEETING_COLUMNS} FROM meeting_checklists WHERE meeting = $1`, [
        row.meeting,
      ]);
      return toMeeting(r!);
    });
  }

  async listChecklistMarks(meeting: string): Promise<MarkRow[]> {
    return this.db.rows<MarkRow>(`SELECT ${MARK_COLUMNS} FROM checklist_marks WHERE meeting = $1 ORDER BY point, key`, [
      meeting,
    ]);
  }

  async writeChecklistMarks(meeting: string, writes: readonly MarkWrite[]): Promise<MarkWriteResult[]> {
    if (writes.length === 0) return [];
    return this.db.tx(async (sql) => {
      // One writer per meeting at a time: each write is checked against the version it really replaces.
      await sql.lock(`checklist:${meeting}`);
      const current = await currentMarks(sql, meeting, writes);
      const history: (MarkRow & { previous: string | null; source: string })[] = [];
      const results = writes.map((w): MarkWriteResult => {
        const k = markKey(w.point, w.key);
        const cur = current.get(k);
        if (w.expectedVersion !== null && w.expectedVersion !== (cur?.version ?? 0)) {
          return { ok: false, current: cur ?? null };
        }
        const next = nextMark(meeting, cur, w);
        if (!next) return { ok: true, mark: cur!, changed: false };
        current.set(k, next);
        history.push({ ...next, previous: cur?.value ?? null, source: w.source });
        return { ok: true, mark: next, changed: true };
      });
      if (history.length > 0) await writeMarks(sql, history);
      return results;
    });
  }

  async listChecklistHistory(q: MarkHistoryQuery): Promise<MarkHistoryRow[]> {
    return this.db.rows<MarkHistoryRow>(
      `SELECT ${HISTORY_COLUMNS} FROM checklist_history
       WHERE meeting = $1 AND ($2::text IS NULL OR point = $2) AND ($3::text IS NULL OR key = $3)
       ORDER BY id LIMIT $4`,
      [q.meeting, q.point ?? null, q.key ?? null, historyLimit(q.limit)],
    );
  }

  async saveRollCallCapture(c: RollCallCaptureRow): Promise<boolean> {
    const n = await this.db.run(
      `INSERT INTO rollcall_captures (meeting, moment, due_at, captured_at, entries) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (meeting, moment) DO NOTHING`,
      [c.meeting, c.moment, Math.round(c.dueAt), Math.round(c.capturedAt), JSON.stringify(c.entries)],
    );
    return n === 1;
  }

  async listRollCallCaptures(meeting: string): Promise<RollCallCaptureRow[]> {
    const rows = await this.db.rows<RawCapture>(
      `SELECT meeting, moment, due_at AS "dueAt", captured_at AS "capturedAt", entries FROM rollcall_captures
       WHERE meeting = $1 ORDER BY CASE moment WHEN 'before' THEN 0 ELSE 1 END`,
      [meeting],
    );
    return rows.map((r) => ({ ...r, entries: JSON.parse(r.entries) as RollCallCaptureRow['entries'] }));
  }
}

function meetingParams(row: MeetingChecklistRow): unknown[] {
  return [
    row.meeting,
    row.template,
    row.name,
    JSON.stringify(ChecklistItems.parse(row.items)),
    Math.round(row.assignedAt),
  ];
}

/** The current marks the writes touch, by point and key. */
async function currentMarks(sql: Sql, meeting: string, writes: readonly MarkWrite[]): Promise<Map<string, MarkRow>> {
  const rows = await sql.rows<MarkRow>(
    `SELECT ${MARK_COLUMNS} FROM checklist_marks
     WHERE meeting = $1 AND (point, key) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [meeting, writes.map((w) => w.point), writes.map((w) => w.key)],
  );
  return new Map(rows.map((r) => [markKey(r.point, r.key), r]));
}

/** The marks' last states (one upsert) and every change in order (one insert): ids follow the writes. */
async function writeMarks(sql: Sql, history: readonly (MarkRow & { previous: string | null; source: string })[]) {
  const last = [...new Map(history.map((h) => [markKey(h.point, h.key), h] as const)).values()];
  const col = <K extends keyof (typeof history)[number]>(rows: readonly (typeof history)[number][], k: K) =>
    rows.map((r) => r[k]);
  await sql.run(
    `INSERT INTO checklist_marks (${MARK_COLUMNS})
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[])
     ON CONFLICT (meeting, point, key) DO UPDATE SET value = excluded.value, note = excluded.note,
       actor = excluded.actor, at = excluded.at, version = excluded.version`,
    (['meeting', 'point', 'key', 'value', 'note', 'actor', 'at', 'version'] as const).map((k) => col(last, k)),
  );
  await sql.run(
    `INSERT INTO checklist_history (meeting, point, key, value, previous, note, actor, at, version, source)
     SELECT meeting, point, key, value, previous, note, actor, at, version, source
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
       $9::int[], $10::text[]) WITH ORDINALITY
       AS h(meeting, point, key, value, previous, note, actor, at, version, source, n)
     ORDER BY n`,
    (['meeting', 'point', 'key', 'value', 'previous', 'note', 'actor', 'at', 'version', 'source'] as const).map((k) =>
      col(history, k),
    ),
  );
}
