// The line-test checklist and roll call of each meeting: what a dashboard sees, every change (by hand
// or automatic) checked, versioned, stored with its history and announced to the meeting's room.
// REST routes and socket events both come here, so the rules hold whatever the transport.
import type { Logger } from 'pino';
import { words, type Words } from '../../shared/words';
import {
  ChecklistTemplateBody,
  DEFAULT_CHECKLIST_ITEMS,
  DEFAULT_TEMPLATE_ID,
  ROLL_CALL_KEY,
  SYSTEM_ACTOR,
  type ChecklistChanged,
  type ChecklistHistoryEntry,
  type ChecklistSnapshot,
  type ChecklistTemplate,
  type ItemMark,
  type ItemResult,
  type ItemWrite,
  type RollCallCapture,
  type RollCallMark,
  type RollCallWrite,
} from '../../shared/checklist';
import { formatDateTime, toWireInstant } from '../../shared/time';
import { can, roleAllows, type Actor } from '../auth/policy';
import type { Access } from '../auth/access';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError, issueOf, parseOrThrow, notFound } from '../errors';
import type { Inventory } from '../inventory/inventory';
import type {
  ChecklistTemplateRow,
  MarkHistoryQuery,
  MarkRow,
  MarkWrite,
  MeetingChecklistRow,
  RollCallCaptureRow,
  Store,
} from '../store/types';
import { ChecklistConflictError } from './errors';
import {
  presentCapture,
  presentHistory,
  presentItem,
  presentPoint,
  presentRollCall,
  presentTemplate,
  treeOrder,
} from './present';
import { rollCallDue } from './rules';

export type ChecklistEvent =
  | { type: 'changed'; payload: ChecklistChanged }
  | { type: 'captured'; meetingId: string; capture: RollCallCapture }
  | { type: 'invalidated'; meetingId: string };

export type ChecklistListener = (e: ChecklistEvent) => void;

export interface ChecklistServiceDeps {
  store: Store;
  inventory: Inventory;
  /** Codes of the points taking part in a meeting (the monitor). */
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  access: Pick<Access, 'check' | 'tree'>;
  clock: Clock;
  logger: Logger;
}

/** An automatic result to record (actor "hệ thống", no version check). */
export interface AutomaticWrite {
  point: string;
  item: string;
  result: ItemResult;
}

export const markKey = (point: string, key: string): string => `${point}\u0000${key}`;

export class ChecklistService {
  private readonly listeners = new Set<ChecklistListener>();
  /** Every meeting's marks as stored, loaded at first use; all writes go through this class. */
  private readonly marksCache = new Map<string, Map<string, MarkRow>>();
  private readonly marksLoading = new Map<string, Promise<Map<string, MarkRow>>>();

  constructor(private readonly d: ChecklistServiceDeps) {}

  onEvent(l: ChecklistListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  // ── Reading ────────────────────────────────────────────────────────────────────────────────────

  /** The meeting's items: its stored copy, else (until the first write) the default template's. */
  async itemsOf(meetingId: string): Promise<MeetingChecklistRow> {
    return (await this.d.store.getMeetingChecklist(meetingId)) ?? (await this.defaultCopy(meetingId));
  }

  /** The current mark of (point, key), or undefined when never set. */
  async mark(meetingId: string, point: string, key: string): Promise<MarkRow | undefined> {
    return (await this.marks(meetingId)).get(markKey(point, key));
  }

  async snapshot(meetingId: string, actor: Actor): Promise<ChecklistSnapshot> {
    const meeting = this.meeting(meetingId);
    const { inventory } = this.d;
    const codes = this.d.participation.pointsOf(meetingId);
    const points = treeOrder(
      [...codes].map((c) => inventory.point(c)).filter((p) => p !== undefined),
      inventory.listUnits(),
    );
    const checklist = await this.itemsOf(meetingId);
    const items: ItemMark[] = [];
    const rollCall: RollCallMark[] = [];
    for (const m of (await this.marks(meetingId)).values()) {
      if (!codes.has(m.point)) continue;
      if (m.key === ROLL_CALL_KEY) rollCall.push(presentRollCall(m.point, m));
      else items.push(presentItem(m.point, m.key, m));
    }
    const due = rollCallDue(meeting);
    return {
      meetingId,
      serverTime: this.d.clock.now(),
      template: { id: checklist.template, name: checklist.name, items: checklist.items },
      points: points.map(presentPoint),
      units: inventory.listUnits(),
      items,
      rollCall: {
        dueAt: { before: toWireInstant(due.before), start: toWireInstant(due.start) },
        captures: (await this.d.store.listRollCallCaptures(meetingId)).map(presentCapture),
        marks: rollCall,
      },
      writable: this.writable(
        actor,
        points.map((p) => p.code),
      ),
    };
  }

  async history(meetingId: string, q: Omit<MarkHistoryQuery, 'meeting'>): Promise<ChecklistHistoryEntry[]> {
    this.meeting(meetingId);
    return (await this.d.store.listChecklistHistory({ ...q, meeting: meetingId })).map(presentHistory);
  }

  // ── Writing ────────────────────────────────────────────────────────────────────────────────────

  /** [CL4] [CL5] A technician's change to one item; ChecklistConflictError when `version` is stale. */
  async setItem(actor: Actor, w: ItemWrite): Promise<ItemMark> {
    this.meeting(w.meetingId);
    this.participant(w.meetingId, w.point);
    this.d.access.check(actor, 'checklist:write', w.point);
    const def = (await this.itemsOf(w.meetingId)).items.find((i) => i.key === w.item);
    if (!def)
      throw new NotFoundError(
        words(
          `hội nghị ${w.meetingId} không có mục kiểm tra “${w.item}”`,
          `meeting "${w.meetingId}" has no checklist item "${w.item}"`,
        ),
      );
    const codecSet =
      def.codec !== null &&
      (this.d.inventory.point(w.point)?.targets.some((t) => t.kind === 'videoos' || t.kind === 'roomos') ?? false);
    if (codecSet) {
      throw new ValidationError([
        issueOf(
          'item',
          words(
            `mục “${def.label}” của điểm cầu ${w.point} được đánh dấu tự động theo thiết bị đầu cuối, không sửa tay được`,
            `"${def.label}" of point ${w.point} is set from its codec, not by hand`,
          ),
        ),
      ]);
    }
    if (def.mode === 'automatic') {
      throw new ValidationError([
        issueOf(
          'item',
          words(
            `mục “${def.label}” được đánh dấu tự động theo kết quả đo, không sửa tay được`,
            `"${def.label}" is automatic: the server sets it from the probes`,
          ),
        ),
      ]);
    }
    const mark = await this.writeOne(w.meetingId, {
      point: w.point,
      key: w.item,
      value: w.result,
      note: w.note,
      expectedVersion: w.version,
      actor: actor.name,
      describe: words(`mục “${w.item}” của điểm cầu ${w.point}`, `item "${w.item}" of point ${w.point}`),
    });
    return presentItem(w.point, w.item, mark);
  }

  /** [RC6] A technician confirms (or not) that a point answered the roll call. */
  async confirmRollCall(actor: Actor, w: RollCallWrite): Promise<RollCallMark> {
    this.meeting(w.meetingId);
    this.participant(w.meetingId, w.point);
    this.d.access.check(actor, 'checklist:write', w.point);
    const mark = await this.writeOne(w.meetingId, {
      point: w.point,
      key: ROLL_CALL_KEY,
      value: w.status,
      note: w.note,
      expectedVersion: w.version,
      actor: actor.name,
      describe: words(`điểm danh của điểm cầu ${w.point}`, `roll call of point ${w.point}`),
    });
    return presentRollCall(w.point, mark);
  }

  /** [CL6] [CL7] Records automatic results in one transaction; announces those that changed. */
  async writeAutomatic(meetingId: string, writes: readonly AutomaticWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.ensureItems(meetingId);
    const at = this.d.clock.now();
    const rows: MarkWrite[] = writes.map((w) => ({
      point: w.point,
      key: w.item,
      value: w.result,
      actor: SYSTEM_ACTOR,
      at,
      expectedVersion: null,
      source: 'auto',
    }));
    const results = await this.d.store.writeChecklistMarks(meetingId, rows);
    const changed: ItemMark[] = [];
    for (const r of results) {
      if (!r.ok || !r.changed) continue;
      this.remember(meetingId, r.mark);
      changed.push(presentItem(r.mark.point, r.mark.key, r.mark));
    }
    if (changed.length > 0) this.emit({ type: 'changed', payload: { meetingId, items: changed, rollCall: [] } });
  }

  /** Announces a roll call the capturer stored. */
  captured(row: RollCallCaptureRow): void {
    this.emit({ type: 'captured', meetingId: row.meeting, capture: presentCapture(row) });
  }

  // ── Templates ──────────────────────────────────────────────────────────────────────────────────

  async templates(): Promise<ChecklistTemplateRow[]> {
    return await this.d.store.listChecklistTemplates();
  }

  async template(id: string): Promise<ChecklistTemplateRow> {
    const t = await this.d.store.getChecklistTemplate(id);
    if (!t) throw notFound('template', id);
    return t;
  }

  /** Creates or replaces a template; returns it and whether it is new. */
  async saveTemplate(id: string, body: unknown): Promise<{ template: ChecklistTemplate; created: boolean }> {
    const parsed = parseOrThrow(ChecklistTemplateBody, body);
    const existing = await this.d.store.getChecklistTemplate(id);
    if (existing?.isDefault && !parsed.isDefault) {
      throw new ValidationError([
        issueOf(
          'isDefault',
          words(
            'đây là mẫu mặc định: hãy chọn mẫu khác làm mặc định trước',
            'this is the default template: make another template the default first',
          ),
        ),
      ]);
    }
    const row: ChecklistTemplateRow = { id, ...parsed, updatedAt: this.d.clock.now() };
    await this.d.store.saveChecklistTemplate(row);
    await this.invalidateUnassigned();
    return { template: presentTemplate(row), created: existing === undefined };
  }

  async deleteTemplate(id: string): Promise<void> {
    const t = await this.template(id);
    if (t.isDefault) {
      throw new ValidationError([
        issueOf('id', words('không xoá được mẫu mặc định', 'the default template cannot be deleted')),
      ]);
    }
    await this.d.store.deleteChecklistTemplate(id);
  }

  /**
   * Gives a meeting the items of another template. Marks of items the new template lacks stay in the
   * store and its history (nothing is deleted); they are no longer shown.
   */
  async assignTemplate(meetingId: string, templateId: string): Promise<MeetingChecklistRow> {
    this.meeting(meetingId);
    const t = await this.template(templateId);
    const row: MeetingChecklistRow = {
      meeting: meetingId,
      template: t.id,
      name: t.name,
      items: t.items,
      assignedAt: this.d.clock.now(),
    };
    await this.d.store.setMeetingChecklist(row);
    this.emit({ type: 'invalidated', meetingId });
    return row;
  }

  // ── Internals ──────────────────────────────────────────────────────────────────────────────────

  private async writeOne(
    meetingId: string,
    w: Omit<MarkWrite, 'at' | 'source'> & { describe: Words },
  ): Promise<MarkRow | undefined> {
    await this.ensureItems(meetingId);
    const { describe, ...write } = w;
    const [r] = await this.d.store.writeChecklistMarks(meetingId, [
      { ...write, at: this.d.clock.now(), source: 'manual' },
    ]);
    if (!r) throw new Error('store returned no result');
    if (!r.ok) {
      // Someone else wrote in between (or another process): the cache learns the current value too.
      if (r.current) this.remember(meetingId, r.current);
      const current =
        w.key === ROLL_CALL_KEY ? presentRollCall(w.point, r.current) : presentItem(w.point, w.key, r.current);
      const at = r.current ? formatDateTime(r.current.at) : '';
      throw new ChecklistConflictError(
        words(
          `Xung đột: ${describe.vi} đã ở phiên bản ${current.version}` +
            (r.current ? ` (do ${r.current.actor} sửa lúc ${at})` : '') +
            `; thay đổi này dựa trên phiên bản ${w.expectedVersion}. Hãy xem giá trị mới rồi làm lại.`,
          `Conflict: ${describe.en} is at version ${current.version}` +
            (r.current ? ` by ${r.current.actor} at ${at}` : '') +
            `; the change was based on version ${w.expectedVersion}.`,
        ),
        current,
      );
    }
    if (r.changed) {
      this.remember(meetingId, r.mark);
      const payload: ChecklistChanged =
        w.key === ROLL_CALL_KEY
          ? { meetingId, items: [], rollCall: [presentRollCall(w.point, r.mark)] }
          : { meetingId, items: [presentItem(w.point, w.key, r.mark)], rollCall: [] };
      this.emit({ type: 'changed', payload });
    }
    return r.mark;
  }

  /** Another instance wrote this meeting's marks: read them from the store next time. */
  forget(meetingId: string): void {
    this.marksCache.delete(meetingId);
  }

  /** The meeting's current marks by markKey(point, key) (cached; kept in step with every write). */
  marksOf(meetingId: string): Promise<ReadonlyMap<string, MarkRow>> {
    return this.marks(meetingId);
  }

  private marks(meetingId: string): Promise<Map<string, MarkRow>> {
    const hit = this.marksCache.get(meetingId);
    if (hit) return Promise.resolve(hit);
    // One read per meeting, however many requests ask at once.
    let loading = this.marksLoading.get(meetingId);
    if (!loading) {
      loading = this.d.store
        .listChecklistMarks(meetingId)
        .then((rows) => {
          if (!this.marksCache.has(meetingId)) {
            this.marksCache.set(meetingId, new Map(rows.map((r) => [markKey(r.point, r.key), r])));
          }
          return this.marksCache.get(meetingId)!;
        })
        .finally(() => this.marksLoading.delete(meetingId));
      this.marksLoading.set(meetingId, loading);
    }
    return loading;
  }

  /** Keeps the cache (when loaded) in step with a write; an unloaded meeting reads it from the store. */
  private remember(meetingId: string, row: MarkRow): void {
    const m = this.marksCache.get(meetingId);
    if (!m) return;
    const prev = m.get(markKey(row.point, row.key));
    if (!prev || prev.version <= row.version) m.set(markKey(row.point, row.key), row);
  }

  /** [CL1] The first write copies the default template's items into the meeting. */
  private async ensureItems(meetingId: string): Promise<MeetingChecklistRow> {
    return (
      (await this.d.store.getMeetingChecklist(meetingId)) ??
      (await this.d.store.ensureMeetingChecklist(await this.defaultCopy(meetingId)))
    );
  }

  private async defaultCopy(meetingId: string): Promise<MeetingChecklistRow> {
    const t = (await this.d.store.listChecklistTemplates()).find((x) => x.isDefault);
    return {
      meeting: meetingId,
      template: t?.id ?? DEFAULT_TEMPLATE_ID,
      name: t?.name ?? 'Danh mục kiểm tra mặc định',
      items: t?.items ?? [...DEFAULT_CHECKLIST_ITEMS],
      assignedAt: this.d.clock.now(),
    };
  }

  /** A template changed: dashboards of meetings still showing the default's items draw them again. */
  private async invalidateUnassigned(): Promise<void> {
    for (const m of this.d.inventory.listMeetings()) {
      if (!(await this.d.store.getMeetingChecklist(m.id))) this.emit({ type: 'invalidated', meetingId: m.id });
    }
  }

  private meeting(id: string) {
    const m = this.d.inventory.meeting(id);
    if (!m) throw notFound('meeting', id);
    return m;
  }

  private participant(meetingId: string, code: string): void {
    if (!this.d.inventory.point(code)) throw notFound('point', code);
    if (!this.d.participation.pointsOf(meetingId).has(code)) {
      throw new NotFoundError(
        words(
          `điểm cầu ${code} không tham dự hội nghị ${meetingId}`,
          `point "${code}" does not take part in meeting "${meetingId}"`,
        ),
      );
    }
  }

  private writable(actor: Actor, codes: readonly string[]): 'all' | string[] {
    if (!roleAllows(actor.role, 'checklist:write')) return [];
    if (actor.role !== 'technician' || actor.units.length === 0) return 'all';
    return codes.filter((code) => {
      const p = this.d.inventory.point(code);
      return (
        p !== undefined && can(actor, 'checklist:write', { kind: 'point', code, unit: p.unit }, this.d.access.tree)
      );
    });
  }

  private emit(e: ChecklistEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.d.logger.error({ err, event: e.type }, 'checklist listener failed');
      }
    }
  }
}
