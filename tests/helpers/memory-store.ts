// A complete in-memory Store, for tests of the parts above the store (outage recorder, hub…). It passes
// the same contract suite as the SQLite store (tests/unit/store/contract.ts): synchronous, all or
// nothing, rows parsed on the way in, copies in and out. Reopening = a new MemoryStore on the same
// MemoryDb.
import { Meeting, OUTAGE_TYPES, PHASES, Point, Unit } from '../../shared/schemas';
import {
  ChecklistItems,
  DEFAULT_CHECKLIST_ITEMS,
  DEFAULT_TEMPLATE_ID,
  ITEM_RESULTS,
  ROLL_CALL_KEY,
  ROLL_CALL_STATUSES,
} from '../../shared/checklist';
import { ROLES } from '../../shared/protocol';
import type * as R from '../../server/store/report-types';
import { MemoryAlerts, MemoryAlertsDb } from './memory-alerts';
import { MemoryMaintenance, MemoryMaintenanceDb } from './memory-maintenance';
import { MemoryDisplayDb, MemoryDisplayLinks } from './memory-displays';
import { MemoryAgentDb, MemoryAgents } from './memory-agents';
import { MemoryReport, MemoryReportDb } from './memory-report';
import { closeTarget } from '../../server/store/outage-ops';
import type {
  ChecklistTemplateRow,
  BlindReason,
  GapRow,
  InventoryChange,
  InventoryData,
  MarkHistoryQuery,
  MarkHistoryRow,
  MarkRow,
  MarkWrite,
  MarkWriteResult,
  MeetingChecklistRow,
  MonitorRunRow,
  NewOutage,
  OutageOp,
  NewUser,
  OutageQuery,
  OutageRow,
  ReportSettingsRow,
  RollCallCaptureRow,
  RollupRow,
  SessionRow,
  SyncStore,
  UserPatch,
  UserRow,
} from '../../server/store/types';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

/** The data behind one or more MemoryStore "connections". */
export class MemoryDb {
  units = new Map<string, Unit>();
  points = new Map<string, Point>();
  meetings = new Map<string, Meeting>();
  readonly outages = new Map<number, OutageRow>();
  readonly rollups = new Map<string, RollupRow>();
  nextId = 1;
  readonly users = new Map<string, UserRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly runs: MonitorRunRow[] = [];
  readonly blind: { from: number; to: number; reason: BlindReason }[] = [];
  nextUserId = 1;
  // Line-test checklist and roll call (issue 4). The default template, as migration 3 seeds it.
  readonly templates = new Map<string, ChecklistTemplateRow>([
    [
      DEFAULT_TEMPLATE_ID,
      {
        id: DEFAULT_TEMPLATE_ID,
        name: 'Danh mục kiểm tra mặc định',
        isDefault: true,
        items: structuredClone([...DEFAULT_CHECKLIST_ITEMS]),
        updatedAt: 0,
      },
    ],
  ]);
  readonly meetingChecklists = new Map<string, MeetingChecklistRow>();
  reportSettings: ReportSettingsRow | null = null;
  readonly marks = new Map<string, MarkRow>();
  readonly history: MarkHistoryRow[] = [];
  readonly captures = new Map<string, RollCallCaptureRow>();
  // Post-meeting report (issue 5).
  readonly report = new MemoryReportDb();
  // Display links (migration 6).
  readonly displays = new MemoryDisplayDb();
  // Remote probe agents (migration 14).
  readonly agents = new MemoryAgentDb();
  // Alert outbox (issue 17).
  readonly alerts = new MemoryAlertsDb();
  // Planned work, gate verdicts, digests (migration 11).
  readonly maintenance = new MemoryMaintenanceDb();
}

const byKey = <T>(m: ReadonlyMap<string, T>): T[] =>
  [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => structuredClone(m.get(k)!));
const rollupKey = (r: Pick<RollupRow, 'point' | 'target' | 't'>): string => `${r.point}\u0000${r.target}\u0000${r.t}`;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const markKey = (meeting: string, point: string, key: string): string => `${meeting}\u0000${point}\u0000${key}`;
const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(`CHECK constraint failed: ${what}`);
};

export class MemoryStore implements SyncStore {
  private closed = false;
  /** Calls per method, so tests can assert what was (not) written. */
  readonly calls = { openOutage: 0, closeOutage: 0, writeRollups: 0 };

  readonly displayLinks: MemoryDisplayLinks;
  readonly agents: MemoryAgents;
  readonly alerts: MemoryAlerts;
  readonly maintenance: MemoryMaintenance;

  constructor(readonly db: MemoryDb = new MemoryDb()) {
    this.displayLinks = new MemoryDisplayLinks(db.displays, () => this.open());
    this.agents = new MemoryAgents(db.agents, () => this.open());
    this.alerts = new MemoryAlerts(db.alerts);
    this.maintenance = new MemoryMaintenance(db.maintenance);
  }

  loadInventory(): InventoryData {
    this.open();
    return { units: byKey(this.db.units), points: byKey(this.db.points), meetings: byKey(this.db.meetings) };
  }

  saveInventory(change: InventoryChange): void {
    this.open();
    // Work on copies and swap at the end: all or nothing.
    const units = new Map(this.db.units);
    const points = new Map(this.db.points);
    const meetings = new Map(this.db.meetings);
    for (const raw of change.upsertUnits ?? []) {
      const u = Unit.parse(raw);
      units.set(u.id, u);
    }
    for (const raw of change.upsertPoints ?? []) {
      const p = Point.parse(raw);
      points.set(p.code, p);
    }
    for (const raw of change.upsertMeetings ?? []) {
      const m = Meeting.parse(raw);
      meetings.set(m.id, m);
    }
    for (const id of change.deleteMeetings ?? []) meetings.delete(id);
    for (const code of change.deletePoints ?? []) points.delete(code);
    for (const id of change.deleteUnits ?? []) units.delete(id);
    // Like the SQLite store's deferred foreign keys: checked once the whole change is applied.
    for (const p of points.values()) {
      if (!units.has(p.unit)) throw new Error(`FOREIGN KEY constraint failed: point ${p.code} → unit ${p.unit}`);
    }
    for (const u of units.values()) {
      if (u.parent !== null && !units.has(u.parent)) {
        throw new Error(`FOREIGN KEY constraint failed: unit ${u.id} → parent ${u.parent}`);
      }
    }
    this.db.units = units;
    this.db.points = points;
    this.db.meetings = meetings;
  }

  openOutage(o: NewOutage): OutageRow {
    this.open();
    check((OUTAGE_TYPES as readonly string[]).includes(o.type), 'type');
    check(o.phase === null || (PHASES as readonly string[]).includes(o.phase), 'phase');
    this.calls.openOutage++;
    const row: OutageRow = {
      id: this.db.nextId++,
      point: o.point,
      meeting: o.meeting,
      type: o.type,
      class: o.class ?? 'line',
      target: o.target ?? null,
      kind: o.kind ?? null,
      phase: o.phase,
      startedAt: Math.round(o.startedAt),
      detectedAt: Math.round(o.detectedAt),
      endedAt: null,
    };
    this.db.outages.set(row.id, row);
    return { ...row };
  }

  writeOutages(ops: readonly OutageOp[]): (OutageRow | null)[] {
    this.open();
    // All or nothing, as a transaction: undone on the first op that fails.
    const nextId = this.db.nextId;
    const closed: [OutageRow, number | null][] = [];
    const out: (OutageRow | null)[] = [];
    try {
      for (const op of ops) {
        if (op.kind === 'open') out.push(this.openOutage(op.outage));
        else {
          const id = closeTarget(op, out);
          const row = this.db.outages.get(id);
          if (row) closed.push([row, row.endedAt]);
          this.closeOutage(id, op.endedAt);
          out.push(null);
        }
      }
      return out;
    } catch (err) {
      for (const [row, endedAt] of closed.toReversed()) row.endedAt = endedAt;
      for (const r of out) if (r) this.db.outages.delete(r.id);
      this.db.nextId = nextId;
      throw err;
    }
  }

  closeOutage(id: number, endedAt: number): void {
    this.open();
    this.calls.closeOutage++;
    const row = this.db.outages.get(id);
    if (!row) throw new Error(`outage ${id} does not exist`);
    if (row.endedAt !== null) throw new Error(`outage ${id} is already closed`);
    row.endedAt = Math.round(endedAt);
  }

  openOutages(): OutageRow[] {
    this.open();
    return [...this.db.outages.values()]
      .filter((o) => o.endedAt === null)
      .sort((a, b) => a.startedAt - b.startedAt || a.id - b.id)
      .map((o) => ({ ...o }));
  }

  listOutages(q: OutageQuery): OutageRow[] {
    this.open();
    const limit = q.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    return [...this.db.outages.values()]
      .filter(
        (o) =>
          (q.meeting === undefined || o.meeting === q.meeting) &&
          (q.point === undefined || o.point === q.point) &&
          o.startedAt < to &&
          (o.endedAt === null || o.endedAt > from),
      )
      .sort((a, b) => b.startedAt - a.startedAt || b.id - a.id)
      .slice(0, Math.min(limit, MAX_LIMIT))
      .map((o) => ({ ...o }));
  }

  writeRollups(rows: readonly RollupRow[]): void {
    this.open();
    this.calls.writeRollups++;
    const merged = new Map<string, RollupRow>();
    for (const r of rows) {
      const k = rollupKey(r);
      const prev = merged.get(k) ?? this.db.rollups.get(k);
      const next = prev ? mergeRollup(prev, r) : { ...r };
      check(next.t % 10_000 === 0, 't');
      check(next.sent >= 0, 'sent');
      check(next.received >= 0 && next.received <= next.sent, 'received');
      merged.set(k, next);
    }
    for (const [k, r] of merged) this.db.rollups.set(k, r);
  }

  listRollups(point: string, from: number, to: number): RollupRow[] {
    this.open();
    return [...this.db.rollups.values()]
      .filter((r) => r.point === point && r.t >= from && r.t < to)
      .sort((a, b) => a.t - b.t || (a.target < b.target ? -1 : a.target > b.target ? 1 : 0))
      .map((r) => ({ ...r }));
  }

  listUsers(): UserRow[] {
    this.open();
    return byKey(this.db.users);
  }

  getUser(name: string): UserRow | undefined {
    this.open();
    const u = this.db.users.get(name);
    return u && structuredClone(u);
  }

  createUser(u: NewUser): UserRow {
    this.open();
    check((ROLES as readonly string[]).includes(u.role), 'role');
    if (this.db.users.has(u.name)) throw new Error(`user "${u.name}" exists`);
    const row: UserRow = { ...structuredClone(u), id: this.db.nextUserId++ };
    this.db.users.set(u.name, row);
    return structuredClone(row);
  }

  updateUser(name: string, patch: UserPatch): UserRow | undefined {
    this.open();
    const u = this.db.users.get(name);
    if (!u) return undefined;
    if (patch.role !== undefined) check((ROLES as readonly string[]).includes(patch.role), 'role');
    const next: UserRow = { ...u, updatedAt: patch.updatedAt };
    if (patch.displayName !== undefined) next.displayName = patch.displayName;
    if (patch.role !== undefined) next.role = patch.role;
    if (patch.units !== undefined) next.units = [...patch.units];
    if (patch.passwordHash !== undefined) next.passwordHash = patch.passwordHash;
    this.db.users.set(name, next);
    return structuredClone(next);
  }

  deleteUser(name: string): boolean {
    this.open();
    const u = this.db.users.get(name);
    if (!u) return false;
    this.db.users.delete(name);
    // Like ON DELETE CASCADE.
    for (const [k, s] of this.db.sessions) if (s.userId === u.id) this.db.sessions.delete(k);
    return true;
  }

  createSession(s: SessionRow): void {
    this.open();
    if (![...this.db.users.values()].some((u) => u.id === s.userId)) {
      throw new Error('FOREIGN KEY constraint failed: session → user');
    }
    if (this.db.sessions.has(s.tokenHash)) throw new Error('UNIQUE constraint failed: sessions.token_hash');
    this.db.sessions.set(s.tokenHash, { ...s });
  }

  getSession(tokenHash: string): { session: SessionRow; user: UserRow } | undefined {
    this.open();
    const s = this.db.sessions.get(tokenHash);
    const user = s && [...this.db.users.values()].find((u) => u.id === s.userId);
    return s && user ? { session: { ...s }, user: structuredClone(user) } : undefined;
  }

  touchSession(tokenHash: string, lastSeenAt: number): void {
    this.open();
    const s = this.db.sessions.get(tokenHash);
    if (s) s.lastSeenAt = Math.max(s.lastSeenAt, lastSeenAt);
  }

  deleteSession(tokenHash: string): boolean {
    this.open();
    return this.db.sessions.delete(tokenHash);
  }

  deleteUserSessions(userId: number, keep?: string): string[] {
    this.open();
    return this.deleteSessionsWhere((s) => s.userId === userId && s.tokenHash !== keep);
  }

  deleteExpiredSessions(idleBefore: number, createdBefore: number): string[] {
    this.open();
    return this.deleteSessionsWhere((s) => s.lastSeenAt < idleBefore || s.createdAt < createdBefore);
  }

  startRun(at: number): MonitorRunRow {
    this.open();
    const t = Math.round(at);
    const last = this.db.runs[this.db.runs.length - 1];
    const alive = last && (last.stoppedAt ?? last.heartbeatAt);
    const row: MonitorRunRow = {
      id: this.db.runs.length + 1,
      startedAt: t,
      heartbeatAt: t,
      stoppedAt: null,
      gapFrom: alive !== undefined && alive < t ? alive : null,
    };
    this.db.runs.push(row);
    return { ...row };
  }

  heartbeatRun(id: number, at: number): void {
    this.open();
    const r = this.db.runs[id - 1];
    if (r) r.heartbeatAt = Math.max(r.startedAt, Math.round(at));
  }

  stopRun(id: number, at: number): void {
    this.open();
    const r = this.db.runs[id - 1];
    if (!r) return;
    r.stoppedAt = Math.max(r.startedAt, Math.round(at));
    r.heartbeatAt = r.stoppedAt;
  }

  addBlindSpan(from: number, to: number, reason: BlindReason): void {
    this.open();
    const a = Math.round(from);
    const b = Math.round(to);
    if (b > a) this.db.blind.push({ from: a, to: b, reason });
  }

  listGaps(from: number, to: number): GapRow[] {
    this.open();
    const stopped = this.db.runs
      .filter((r) => r.gapFrom !== null && r.gapFrom < to && r.startedAt > from)
      .sort((a, b) => a.gapFrom! - b.gapFrom! || a.id - b.id)
      .map((r): GapRow => ({ from: r.gapFrom!, to: r.startedAt, reason: 'stopped' }));
    const blind = this.db.blind.filter((g) => g.from < to && g.to > from);
    // Stable sort: at equal starts a stopped span before a blind one, each in insertion order.
    return [...stopped, ...blind].sort((a, b) => a.from - b.from);
  }

  // ── Line-test checklist and roll call (issue 4) ──

  listChecklistTemplates(): ChecklistTemplateRow[] {
    this.open();
    return [...this.db.templates.values()]
      .sort(
        (a, b) =>
          Number(b.isDefault) - Number(a.isDefault) ||
          (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((t) => structuredClone(t));
  }

  getChecklistTemplate(id: string): ChecklistTemplateRow | undefined {
    this.open();
    const t = this.db.templates.get(id);
    return t && structuredClone(t);
  }

  saveChecklistTemplate(t: ChecklistTemplateRow): void {
    this.open();
    const row: ChecklistTemplateRow = {
      ...structuredClone(t),
      items: ChecklistItems.parse(t.items),
      updatedAt: Math.round(t.updatedAt),
    };
    const next = new Map(this.db.templates);
    if (row.isDefault)
      for (const [k, v] of next) if (v.isDefault && k !== row.id) next.set(k, { ...v, isDefault: false });
    next.set(row.id, row);
    if ([...next.values()].filter((v) => v.isDefault).length !== 1) {
      throw new Error(`checklist template "${t.id}" is the default: make another template the default first`);
    }
    this.db.templates.clear();
    for (const [k, v] of next) this.db.templates.set(k, v);
  }

  deleteChecklistTemplate(id: string): boolean {
    this.open();
    const t = this.db.templates.get(id);
    if (!t) return false;
    if (t.isDefault) throw new Error(`checklist template "${id}" is the default and cannot be deleted`);
    return this.db.templates.delete(id);
  }

  getMeetingChecklist(meeting: string): MeetingChecklistRow | undefined {
    this.open();
    const r = this.db.meetingChecklists.get(meeting);
    return r && structuredClone(r);
  }

  setMeetingChecklist(row: MeetingChecklistRow): void {
    this.open();
    this.db.meetingChecklists.set(row.meeting, {
      ...structuredClone(row),
      items: ChecklistItems.parse(row.items),
      assignedAt: Math.round(row.assignedAt),
    });
  }

  ensureMeetingChecklist(row: MeetingChecklistRow): MeetingChecklistRow {
    this.open();
    if (!this.db.meetingChecklists.has(row.meeting)) this.setMeetingChecklist(row);
    return this.getMeetingChecklist(row.meeting)!;
  }

  listChecklistMarks(meeting: string): MarkRow[] {
    this.open();
    return [...this.db.marks.values()]
      .filter((m) => m.meeting === meeting)
      .sort((a, b) => cmp(a.point, b.point) || cmp(a.key, b.key))
      .map((m) => ({ ...m }));
  }

  writeChecklistMarks(meeting: string, writes: readonly MarkWrite[]): MarkWriteResult[] {
    this.open();
    // Like the CHECK constraint: one bad value and nothing of the batch is written.
    for (const w of writes) {
      if (w.value === undefined) continue;
      const allowed: readonly string[] = w.key === ROLL_CALL_KEY ? ROLL_CALL_STATUSES : ITEM_RESULTS;
      check(allowed.includes(w.value), 'value');
    }
    return writes.map((w): MarkWriteResult => {
      const k = markKey(meeting, w.point, w.key);
      const current = this.db.marks.get(k);
      if (w.expectedVersion !== null && w.expectedVersion !== (current?.version ?? 0)) {
        return { ok: false, current: current ? { ...current } : null };
      }
      const value = w.value ?? current?.value ?? 'pending';
      const note = w.note === undefined ? (current?.note ?? null) : w.note;
      if (current && current.value === value && current.note === note) {
        return { ok: true, mark: { ...current }, changed: false };
      }
      const next: MarkRow = {
        meeting,
        point: w.point,
        key: w.key,
        value,
        note,
        actor: w.actor,
        at: Math.round(w.at),
        version: (current?.version ?? 0) + 1,
      };
      this.db.marks.set(k, next);
      this.db.history.push({
        ...next,
        id: this.db.history.length + 1,
        previous: current?.value ?? null,
        source: w.source,
      });
      return { ok: true, mark: { ...next }, changed: true };
    });
  }

  listChecklistHistory(q: MarkHistoryQuery): MarkHistoryRow[] {
    this.open();
    const limit = q.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    return this.db.history
      .filter(
        (h) =>
          h.meeting === q.meeting &&
          (q.point === undefined || h.point === q.point) &&
          (q.key === undefined || h.key === q.key),
      )
      .slice(0, Math.min(limit, 100_000))
      .map((h) => ({ ...h }));
  }

  saveRollCallCapture(c: RollCallCaptureRow): boolean {
    this.open();
    const k = `${c.meeting}\u0000${c.moment}`;
    if (this.db.captures.has(k)) return false;
    this.db.captures.set(k, {
      ...structuredClone(c),
      dueAt: Math.round(c.dueAt),
      capturedAt: Math.round(c.capturedAt),
    });
    return true;
  }

  listRollCallCaptures(meeting: string): RollCallCaptureRow[] {
    this.open();
    return [...this.db.captures.values()]
      .filter((c) => c.meeting === meeting)
      .sort((a, b) => (a.moment === b.moment ? 0 : a.moment === 'before' ? -1 : 1))
      .map((c) => structuredClone(c));
  }

  // Post-meeting report (issue 5; tests/helpers/memory-report.ts).
  private report(): MemoryReport {
    this.open();
    return new MemoryReport(this.db);
  }
  getOutage(id: number): OutageRow | undefined {
    return this.report().getOutage(id);
  }
  listMeetingOutages(meeting: string): OutageRow[] {
    return this.report().listMeetingOutages(meeting);
  }
  digestRollups(q: R.RollupDigestQuery): R.RollupDigest {
    return this.report().digestRollups(q);
  }
  getOutageNote(outageId: number): R.OutageNoteRow | undefined {
    return this.report().getOutageNote(outageId);
  }
  listMeetingOutageNotes(meeting: string): R.OutageNoteRow[] {
    return this.report().listMeetingOutageNotes(meeting);
  }
  saveOutageNote(edit: R.OutageNoteEdit): R.OutageNoteSaved {
    return this.report().saveOutageNote(edit);
  }
  listOutageNoteHistory(outageId: number): R.OutageNoteChangeRow[] {
    return this.report().listOutageNoteHistory(outageId);
  }
  getReportSnapshot(meeting: string): R.ReportSnapshotRow | undefined {
    return this.report().getReportSnapshot(meeting);
  }
  saveReportSnapshot(row: R.ReportSnapshotRow): void {
    this.report().saveReportSnapshot(row);
  }
  purgeRollups(before: number): number {
    return this.report().purgeRollups(before);
  }
  purgeReportSnapshots(before: number): number {
    return this.report().purgeReportSnapshots(before);
  }
  getReportSettings(): ReportSettingsRow | undefined {
    this.open();
    return this.db.reportSettings === null ? undefined : structuredClone(this.db.reportSettings);
  }
  saveReportSettings(row: ReportSettingsRow | null): void {
    this.open();
    // Stored as JSON text, as SQLite does: what is read back is a copy.
    this.db.reportSettings = row === null ? null : { ...row, settings: JSON.parse(JSON.stringify(row.settings)) };
  }

  close(): void {
    this.closed = true;
  }

  private deleteSessionsWhere(pred: (s: SessionRow) => boolean): string[] {
    const out: string[] = [];
    for (const [k, s] of this.db.sessions) {
      if (!pred(s)) continue;
      this.db.sessions.delete(k);
      out.push(k);
    }
    return out;
  }

  private open(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/**
 * Two parts of the same bucket, as the SQLite store merges them: counts add, extremes widen, the
 * average is weighted by replies and the jitter by successive differences (replies - 1).
 */
function mergeRollup(a: RollupRow, b: RollupRow): RollupRow {
  return {
    point: a.point,
    target: a.target,
    t: a.t,
    sent: a.sent + b.sent,
    received: a.received + b.received,
    rttMin: pick(a.rttMin, b.rttMin, Math.min),
    rttMax: pick(a.rttMax, b.rttMax, Math.max),
    rttAvg: weighted(a.rttAvg, a.received, b.rttAvg, b.received),
    jitter: weighted(a.jitter, a.received - 1, b.jitter, b.received - 1),
  };
}

function pick(x: number | null, y: number | null, f: (p: number, q: number) => number): number | null {
  return x === null ? y : y === null ? x : f(x, y);
}

/** Mean of two means weighted by their counts; a null side weighs nothing. */
function weighted(x: number | null, wx: number, y: number | null, wy: number): number | null {
  const w = (x === null ? 0 : wx) + (y === null ? 0 : wy);
  return w === 0 ? null : ((x ?? 0) * wx + (y ?? 0) * wy) / w;
}
