// Line-test checklists and roll calls on the SQLite connection of the store (migration 3). Kept apart
// from sqlite.ts like the accounts; SqliteStore delegates to this class.
import type Database from 'better-sqlite3';
import { ChecklistItems } from '../../shared/checklist';
import type {
  ChecklistTemplateRow,
  MarkHistoryQuery,
  MarkHistoryRow,
  MarkRow,
  MarkWrite,
  MarkWriteResult,
  MeetingChecklistRow,
  RollCallCaptureRow,
} from './types';

export const DEFAULT_HISTORY_LIMIT = 1000;
export const MAX_HISTORY_LIMIT = 100_000;

interface RawTemplate {
  id: string;
  name: string;
  isDefault: number;
  items: string;
  updatedAt: number;
}
interface RawMeetingChecklist {
  meeting: string;
  template: string;
  name: string;
  items: string;
  assignedAt: number;
}
interface RawCapture {
  meeting: string;
  moment: RollCallCaptureRow['moment'];
  dueAt: number;
  capturedAt: number;
  entries: string;
}

const TEMPLATE_COLUMNS = 'id, name, is_default AS isDefault, items, updated_at AS updatedAt';
const MEETING_COLUMNS = 'meeting, template, name, items, assigned_at AS assignedAt';
const MARK_COLUMNS = 'meeting, point, key, value, note, actor, at, version';
const HISTORY_COLUMNS = 'id, meeting, point, key, value, previous, note, actor, at, version, source';
const CAPTURE_COLUMNS = 'meeting, moment, due_at AS dueAt, captured_at AS capturedAt, entries';

// Items are parsed on the way in and out: a row written by hand or by a newer version that does not
// fit the schema fails loudly instead of drawing a wrong checklist.
const toTemplate = (r: RawTemplate): ChecklistTemplateRow => ({
  id: r.id,
  name: r.name,
  isDefault: r.isDefault === 1,
  items: ChecklistItems.parse(JSON.parse(r.items)),
  updatedAt: r.updatedAt,
});
const toMeeting = (r: RawMeetingChecklist): MeetingChecklistRow => ({
  ...r,
  items: ChecklistItems.parse(JSON.parse(r.items)),
});
const toCapture = (r: RawCapture): RollCallCaptureRow => ({
  ...r,
  entries: JSON.parse(r.entries) as RollCallCaptureRow['entries'],
});

/** The value a write leaves, or undefined when it would change nothing. */
export function nextMark(meeting: string, current: MarkRow | undefined, w: MarkWrite): MarkRow | undefined {
  const value = w.value ?? current?.value ?? 'pending';
  const note = w.note === undefined ? (current?.note ?? null) : w.note;
  if (current && current.value === value && current.note === note) return undefined;
  return {
    meeting,
    point: w.point,
    key: w.key,
    value,
    note,
    actor: w.actor,
    at: Math.round(w.at),
    version: (current?.version ?? 0) + 1,
  };
}

export class SqliteChecklist {
  private readonly s;
  private readonly saveTemplateTx;
  private readonly writeMarksTx;
  private readonly ensureTx;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      templates: p(`SELECT ${TEMPLATE_COLUMNS} FROM checklist_templates ORDER BY is_default DESC, name, id`),
      template: p(`SELECT ${TEMPLATE_COLUMNS} FROM checklist_templates WHERE id = ?`),
      clearDefault: p('UPDATE checklist_templates SET is_default = 0 WHERE is_default = 1 AND id <> ?'),
      upsertTemplate: p(`INSERT INTO checklist_templates (id, name, is_default, items, updated_at)
        VALUES (:id, :name, :isDefault, :items, :updatedAt)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_default = excluded.is_default,
          items = excluded.items, updated_at = excluded.updated_at`),
      countDefault: p('SELECT count(*) AS n FROM checklist_templates WHERE is_default = 1'),
      deleteTemplate: p('DELETE FROM checklist_templates WHERE id = ?'),
      meeting: p(`SELECT ${MEETING_COLUMNS} FROM meeting_checklists WHERE meeting = ?`),
      upsertMeeting: p(`INSERT INTO meeting_checklists (meeting, template, name, items, assigned_at)
        VALUES (:meeting, :template, :name, :items, :assignedAt)
        ON CONFLICT (meeting) DO UPDATE SET template = excluded.template, name = excluded.name,
          items = excluded.items, assigned_at = excluded.assigned_at`),
      insertMeetingIfAbsent: p(`INSERT INTO meeting_checklists (meeting, template, name, items, assigned_at)
        VALUES (:meeting, :template, :name, :items, :assignedAt) ON CONFLICT (meeting) DO NOTHING`),
      marks: p(`SELECT ${MARK_COLUMNS} FROM checklist_marks WHERE meeting = ? ORDER BY point, key`),
      mark: p(`SELECT ${MARK_COLUMNS} FROM checklist_marks WHERE meeting = ? AND point = ? AND key = ?`),
      upsertMark: p(`INSERT INTO checklist_marks (${MARK_COLUMNS})
        VALUES (:meeting, :point, :key, :value, :note, :actor, :at, :version)
        ON CONFLICT (meeting, point, key) DO UPDATE SET value = excluded.value, note = excluded.note,
          actor = excluded.actor, at = excluded.at, version = excluded.version`),
      insertHistory: p(`INSERT INTO checklist_history
        (meeting, point, key, value, previous, note, actor, at, version, source)
        VALUES (:meeting, :point, :key, :value, :previous, :note, :actor, :at, :version, :source)`),
      history: p(`SELECT ${HISTORY_COLUMNS} FROM checklist_history
        WHERE meeting = :meeting AND (:point IS NULL OR point = :point) AND (:key IS NULL OR key = :key)
        ORDER BY id LIMIT :limit`),
      insertCapture: p(`INSERT INTO rollcall_captures (meeting, moment, due_at, captured_at, entries)
        VALUES (:meeting, :moment, :dueAt, :capturedAt, :entries) ON CONFLICT (meeting, moment) DO NOTHING`),
      captures: p(`SELECT ${CAPTURE_COLUMNS} FROM rollcall_captures WHERE meeting = ?
        ORDER BY CASE moment WHEN 'before' THEN 0 ELSE 1 END`),
    };

    this.saveTemplateTx = db.transaction((t: ChecklistTemplateRow) => {
      const items = JSON.stringify(ChecklistItems.parse(t.items));
      if (t.isDefault) this.s.clearDefault.run(t.id);
      this.s.upsertTemplate.run({ ...t, isDefault: t.isDefault ? 1 : 0, items, updatedAt: Math.round(t.updatedAt) });
      // Throwing inside the transaction rolls the whole change back.
      if ((this.s.countDefault.get() as { n: number }).n !== 1) {
        throw new Error(`checklist template "${t.id}" is the default: make another template the default first`);
      }
    });

    this.ensureTx = db.transaction((row: MeetingChecklistRow): MeetingChecklistRow => {
      this.s.insertMeetingIfAbsent.run(meetingParams(row));
      return toMeeting(this.s.meeting.get(row.meeting) as RawMeetingChecklist);
    });

    this.writeMarksTx = db.transaction((meeting: string, writes: readonly MarkWrite[]): MarkWriteResult[] =>
      writes.map((w) => {
        const current = this.s.mark.get(meeting, w.point, w.key) as MarkRow | undefined;
        if (w.expectedVersion !== null && w.expectedVersion !== (current?.version ?? 0)) {
          return { ok: false, current: current ?? null };
        }
        const next = nextMark(meeting, current, w);
        if (!next) return { ok: true, mark: current!, changed: false };
        this.s.upsertMark.run(next);
        this.s.insertHistory.run({ ...next, previous: current?.value ?? null, source: w.source });
        return { ok: true, mark: next, changed: true };
      }),
    );
  }

  listChecklistTemplates(): ChecklistTemplateRow[] {
    return (this.s.templates.all() as RawTemplate[]).map(toTemplate);
  }

  getChecklistTemplate(id: string): ChecklistTemplateRow | undefined {
    const r = this.s.template.get(id) as RawTemplate | undefined;
    return r && toTemplate(r);
  }

  saveChecklistTemplate(t: ChecklistTemplateRow): void {
    this.saveTemplateTx.immediate(t);
  }

  deleteChecklistTemplate(id: string): boolean {
    const t = this.getChecklistTemplate(id);
    if (!t) return false;
    if (t.isDefault) throw new Error(`checklist template "${id}" is the default and cannot be deleted`);
    return this.s.deleteTemplate.run(id).changes === 1;
  }

  getMeetingChecklist(meeting: string): MeetingChecklistRow | undefined {
    const r = this.s.meeting.get(meeting) as RawMeetingChecklist | undefined;
    return r && toMeeting(r);
  }

  setMeetingChecklist(row: MeetingChecklistRow): void {
    this.s.upsertMeeting.run(meetingParams(row));
  }

  ensureMeetingChecklist(row: MeetingChecklistRow): MeetingChecklistRow {
    return this.ensureTx.immediate(row);
  }

  listChecklistMarks(meeting: string): MarkRow[] {
    return this.s.marks.all(meeting) as MarkRow[];
  }

  writeChecklistMarks(meeting: string, writes: readonly MarkWrite[]): MarkWriteResult[] {
    if (writes.length === 0) return [];
    return this.writeMarksTx.immediate(meeting, writes);
  }

  listChecklistHistory(q: MarkHistoryQuery): MarkHistoryRow[] {
    return this.s.history.all({
      meeting: q.meeting,
      point: q.point ?? null,
      key: q.key ?? null,
      limit: historyLimit(q.limit),
    }) as MarkHistoryRow[];
  }

  saveRollCallCapture(c: RollCallCaptureRow): boolean {
    const { changes } = this.s.insertCapture.run({
      meeting: c.meeting,
      moment: c.moment,
      dueAt: Math.round(c.dueAt),
      capturedAt: Math.round(c.capturedAt),
      entries: JSON.stringify(c.entries),
    });
    return changes === 1;
  }

  listRollCallCaptures(meeting: string): RollCallCaptureRow[] {
    return (this.s.captures.all(meeting) as RawCapture[]).map(toCapture);
  }
}

function meetingParams(row: MeetingChecklistRow) {
  return {
    meeting: row.meeting,
    template: row.template,
    name: row.name,
    items: JSON.stringify(ChecklistItems.parse(row.items)),
    assignedAt: Math.round(row.assignedAt),
  };
}

export function historyLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_HISTORY_LIMIT;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`limit must be a positive integer, got ${n}`);
  return Math.min(n, MAX_HISTORY_LIMIT);
}
