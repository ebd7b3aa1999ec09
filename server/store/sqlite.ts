// The embedded Store on better-sqlite3. One connection, statements prepared once, every write in an
// IMMEDIATE transaction (taking the write lock up front avoids SQLITE_BUSY on lock upgrade).
import Database from 'better-sqlite3';
import pino, { type Logger } from 'pino';
import { Meeting, Point, Unit } from '../../shared/schemas';
import { Checkpointer, type CheckpointListener, type CheckpointPass } from './checkpointer';
import { migrate } from './migrations';
import { SqliteAccounts } from './sqlite-accounts';
import { SqliteDisplayLinks } from './sqlite-displays';
import { SqliteAgents } from './sqlite-agents';
import { SqliteChecklist } from './sqlite-checklist';
import { SqliteReport } from './sqlite-report';
import { SqliteRollups } from './sqlite-rollups';
import { SqliteSettings } from './sqlite-settings';
import { SqliteAlerts } from './sqlite-alerts';
import { SqliteMaintenance } from './sqlite-maintenance';
import type * as R from './report-types';
import type {
  ReportSettingsRow,
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
  NewUser,
  OutageOp,
  OutageQuery,
  OutageRow,
  RollCallCaptureRow,
  RollupRow,
  SessionRow,
  SyncStore,
  UserPatch,
  UserRow,
} from './types';
import { closeTarget } from './outage-ops';

export interface SqliteStoreOptions {
  logger?: Logger;
  /** How long a write waits for another connection's lock before throwing SQLITE_BUSY (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Who checkpoints the WAL of a file database: a worker thread (default; see checkpointer.ts) or
   * SQLite itself inside the commit that crosses its threshold ('inline'), or another connection to
   * the same file ('none': the monitor process leaves it to the server's worker).
   */
  checkpoint?: 'worker' | 'inline' | 'none';
  /** The worker's pass interval (default 1 s). */
  checkpointIntervalMs?: number;
  /** Each worker pass that copied frames (tests and diagnostics). */
  onCheckpointPass?: (pass: CheckpointPass) => void;
}

export const DEFAULT_OUTAGE_LIMIT = 1000;
export const MAX_OUTAGE_LIMIT = 10_000;

export const OUTAGE_COLUMNS = `id, point, meeting, type, class, target, kind, phase, started_at AS startedAt,
  detected_at AS detectedAt, ended_at AS endedAt`;

// Outages are [startedAt, endedAt) intervals; an open one runs until further notice.
const listOutagesSql = (filters: string) => `SELECT ${OUTAGE_COLUMNS} FROM outages
  WHERE started_at < :to AND (ended_at IS NULL OR ended_at > :from)${filters}
  ORDER BY started_at DESC, id DESC LIMIT :limit`;

/**
 * Open (creating and migrating if needed) the SQLite store at `file` (":memory:" works for scratch use).
 *
 * Durability: WAL with synchronous=FULL. WAL + NORMAL already survives a process crash (a committed
 * transaction is in the WAL, i.e. in the OS page cache), but a power cut or kernel panic can lose the
 * last commits — and the outage log is the record the centre signs, so every commit fsyncs the WAL.
 * The cost is one fsync per outage transition and one per rollup flush (a batch every ~10 s).
 */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): SyncStore {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const db = new Database(file);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') logger.warn({ file, mode }, 'store: WAL journal unavailable');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    // Keep the WAL from staying at its high-water mark after a burst.
    db.pragma('journal_size_limit = 67108864');
    migrate(db, logger);
    if (opts.checkpoint === 'none') db.pragma('wal_autocheckpoint = 0');
    const checkpointer =
      mode === 'wal' && (opts.checkpoint ?? 'worker') === 'worker' ? startCheckpointer(db, file, opts, logger) : null;
    return new SqliteStore(db, checkpointer);
  } catch (err) {
    db.close();
    throw err;
  }
}

/** SQLite's own threshold (pages), given back to the store's connection if the worker fails. */
const AUTO_CHECKPOINT_PAGES = 1000;

function startCheckpointer(db: Database.Database, file: string, opts: SqliteStoreOptions, logger: Logger) {
  db.pragma('wal_autocheckpoint = 0');
  const giveBack = (): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  try {
    return new Checkpointer(file, {
      logger,
      intervalMs: opts.checkpointIntervalMs,
      onPass: opts.onCheckpointPass,
      onFailure: giveBack,
    });
  } catch (err) {
    logger.error({ err }, 'store: checkpoint worker did not start; the store checkpoints on its own thread');
    giveBack();
    return null;
  }
}

interface Json {
  json: string;
}

const all = <T>(stmt: Database.Statement) => (stmt.all() as Json[]).map((r) => JSON.parse(r.json) as T);

class SqliteStore implements SyncStore {
  private readonly s;
  private readonly listOutagesBy;
  private readonly applyChange;
  private readonly rollups: SqliteRollups;
  readonly alerts: SqliteAlerts;
  readonly maintenance: SqliteMaintenance;
  private readonly accounts: SqliteAccounts;
  private readonly checklist: SqliteChecklist;
  private readonly report: SqliteReport;
  private readonly settings: SqliteSettings;
  private readonly insertOutageTx;
  private readonly writeOutagesTx;
  readonly displayLinks: SqliteDisplayLinks;
  readonly agents: SqliteAgents;

  constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Checkpointer | null,
  ) {
    this.accounts = new SqliteAccounts(db);
    this.alerts = new SqliteAlerts(db);
    this.maintenance = new SqliteMaintenance(db);
    this.checklist = new SqliteChecklist(db);
    this.rollups = new SqliteRollups(db);
    this.report = new SqliteReport(db, this.rollups);
    this.displayLinks = new SqliteDisplayLinks(db);
    this.agents = new SqliteAgents(db);
    this.settings = new SqliteSettings(db);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      units: p('SELECT json FROM units ORDER BY id'),
      points: p('SELECT json FROM points ORDER BY code'),
      meetings: p('SELECT json FROM meetings ORDER BY id'),
      upsertUnit: p(`INSERT INTO units (id, parent, json) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET parent = excluded.parent, json = excluded.json`),
      upsertPoint: p(`INSERT INTO points (code, unit, json) VALUES (?, ?, ?)
        ON CONFLICT (code) DO UPDATE SET unit = excluded.unit, json = excluded.json`),
      upsertMeeting: p(`INSERT INTO meetings (id, json) VALUES (?, ?)
        ON CONFLICT (id) DO UPDATE SET json = excluded.json`),
      deleteUnit: p('DELETE FROM units WHERE id = ?'),
      deletePoint: p('DELETE FROM points WHERE code = ?'),
      deleteMeeting: p('DELETE FROM meetings WHERE id = ?'),
      insertOutage: p(`INSERT INTO outages (point, meeting, type, class, target, kind, phase, started_at, detected_at)
        VALUES (:point, :meeting, :type, :class, :target, :kind, :phase, :startedAt, :detectedAt)
        RETURNING ${OUTAGE_COLUMNS}`),
      closeOutage: p('UPDATE outages SET ended_at = ? WHERE id = ? AND ended_at IS NULL'),
      outageById: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE id = ?`),
      openOutages: p(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE ended_at IS NULL ORDER BY started_at, id`),
    };
    // One statement per filter combination, so each can use its own index.
    this.listOutagesBy = {
      none: p(listOutagesSql('')),
      meeting: p(listOutagesSql(' AND meeting = :meeting')),
      point: p(listOutagesSql(' AND point = :point')),
      both: p(listOutagesSql(' AND meeting = :meeting AND point = :point')),
    };

    this.applyChange = db.transaction((c: InventoryChange) => {
      // Parsing here makes a bad row throw inside the transaction, which rolls the whole change back.
      for (const raw of c.upsertUnits ?? []) {
        const u = Unit.parse(raw);
        this.s.upsertUnit.run(u.id, u.parent, JSON.stringify(u));
      }
      for (const raw of c.upsertPoints ?? []) {
        const pt = Point.parse(raw);
        this.s.upsertPoint.run(pt.code, pt.unit, JSON.stringify(pt));
      }
      for (const raw of c.upsertMeetings ?? []) {
        const m = Meeting.parse(raw);
        this.s.upsertMeeting.run(m.id, JSON.stringify(m));
      }
      for (const id of c.deleteMeetings ?? []) this.s.deleteMeeting.run(id);
      for (const code of c.deletePoints ?? []) this.s.deletePoint.run(code);
      for (const id of c.deleteUnits ?? []) this.s.deleteUnit.run(id);
      // Deferred foreign keys (a point's unit, a unit's parent) are checked by COMMIT.
    });

    // INSERT … RETURNING read with .get() commits when the statement is reset, and better-sqlite3
    // does not report a failure there: on a full disk the row would be "returned" yet never written.
    // Inside a transaction the COMMIT is its own statement, and its failure throws.
    this.insertOutageTx = db.transaction((o: NewOutage) => this.insertOutage(o));
    this.writeOutagesTx = db.transaction((ops: readonly OutageOp[]) => this.applyOutageOps(ops));
  }

  loadInventory(): InventoryData {
    return {
      units: all<Unit>(this.s.units),
      points: all<Point>(this.s.points),
      meetings: all<Meeting>(this.s.meetings),
    };
  }

  saveInventory(change: InventoryChange): void {
    this.applyChange.immediate(change);
  }

  openOutage(o: NewOutage): OutageRow {
    return this.insertOutageTx.immediate(o);
  }

  private insertOutage(o: NewOutage): OutageRow {
    // Probe times may carry sub-millisecond fractions (fping prints µs); the columns are whole ms.
    return this.s.insertOutage.get({
      point: o.point,
      meeting: o.meeting,
      type: o.type,
      class: o.class ?? 'line',
      target: o.target ?? null,
      kind: o.kind ?? null,
      phase: o.phase,
      startedAt: Math.round(o.startedAt),
      detectedAt: Math.round(o.detectedAt),
    }) as OutageRow;
  }

  writeOutages(ops: readonly OutageOp[]): (OutageRow | null)[] {
    return this.writeOutagesTx.immediate(ops);
  }

  private applyOutageOps(ops: readonly OutageOp[]): (OutageRow | null)[] {
    const out: (OutageRow | null)[] = [];
    for (const op of ops) {
      if (op.kind === 'open') out.push(this.insertOutage(op.outage));
      else {
        this.closeOutage(closeTarget(op, out), op.endedAt);
        out.push(null);
      }
    }
    return out;
  }

  closeOutage(id: number, endedAt: number): void {
    const { changes } = this.s.closeOutage.run(Math.round(endedAt), id);
    if (changes === 1) return;
    const row = this.s.outageById.get(id) as OutageRow | undefined;
    throw new Error(row ? `outage ${id} is already closed` : `outage ${id} does not exist`);
  }

  openOutages(): OutageRow[] {
    return this.s.openOutages.all() as OutageRow[];
  }

  listOutages(q: OutageQuery): OutageRow[] {
    const limit = q.limit ?? DEFAULT_OUTAGE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const params: Record<string, string | number> = {
      from: q.from ?? Number.MIN_SAFE_INTEGER,
      to: q.to ?? Number.MAX_SAFE_INTEGER,
      limit: Math.min(limit, MAX_OUTAGE_LIMIT),
    };
    if (q.meeting !== undefined) params.meeting = q.meeting;
    if (q.point !== undefined) params.point = q.point;
    const key =
      q.meeting !== undefined ? (q.point !== undefined ? 'both' : 'meeting') : q.point !== undefined ? 'point' : 'none';
    return this.listOutagesBy[key].all(params) as OutageRow[];
  }

  writeRollups(rows: readonly RollupRow[]): void {
    this.rollups.write(rows);
  }

  listRollups(point: string, from: number, to: number): RollupRow[] {
    return this.rollups.list(point, from, to);
  }

  listUsers(): UserRow[] {
    return this.accounts.listUsers();
  }
  getUser(name: string): UserRow | undefined {
    return this.accounts.getUser(name);
  }
  createUser(u: NewUser): UserRow {
    return this.accounts.createUser(u);
  }
  updateUser(name: string, patch: UserPatch): UserRow | undefined {
    return this.accounts.updateUser(name, patch);
  }
  deleteUser(name: string): boolean {
    return this.accounts.deleteUser(name);
  }
  createSession(s: SessionRow): void {
    this.accounts.createSession(s);
  }
  getSession(tokenHash: string): { session: SessionRow; user: UserRow } | undefined {
    return this.accounts.getSession(tokenHash);
  }
  touchSession(tokenHash: string, lastSeenAt: number): void {
    this.accounts.touchSession(tokenHash, lastSeenAt);
  }
  deleteSession(tokenHash: string): boolean {
    return this.accounts.deleteSession(tokenHash);
  }
  deleteUserSessions(userId: number, keep?: string): string[] {
    return this.accounts.deleteUserSessions(userId, keep);
  }
  deleteExpiredSessions(idleBefore: number, createdBefore: number): string[] {
    return this.accounts.deleteExpiredSessions(idleBefore, createdBefore);
  }
  startRun(at: number): MonitorRunRow {
    return this.accounts.startRun(at);
  }
  heartbeatRun(id: number, at: number): void {
    this.accounts.heartbeatRun(id, at);
  }
  stopRun(id: number, at: number): void {
    this.accounts.stopRun(id, at);
  }
  addBlindSpan(from: number, to: number, reason: BlindReason): void {
    this.accounts.addBlindSpan(from, to, reason);
  }
  listGaps(from: number, to: number): GapRow[] {
    return this.accounts.listGaps(from, to);
  }

  // Line-test checklist and roll call (issue 4).
  listChecklistTemplates(): ChecklistTemplateRow[] {
    return this.checklist.listChecklistTemplates();
  }
  getChecklistTemplate(id: string): ChecklistTemplateRow | undefined {
    return this.checklist.getChecklistTemplate(id);
  }
  saveChecklistTemplate(t: ChecklistTemplateRow): void {
    this.checklist.saveChecklistTemplate(t);
  }
  deleteChecklistTemplate(id: string): boolean {
    return this.checklist.deleteChecklistTemplate(id);
  }
  getMeetingChecklist(meeting: string): MeetingChecklistRow | undefined {
    return this.checklist.getMeetingChecklist(meeting);
  }
  setMeetingChecklist(row: MeetingChecklistRow): void {
    this.checklist.setMeetingChecklist(row);
  }
  ensureMeetingChecklist(row: MeetingChecklistRow): MeetingChecklistRow {
    return this.checklist.ensureMeetingChecklist(row);
  }
  listChecklistMarks(meeting: string): MarkRow[] {
    return this.checklist.listChecklistMarks(meeting);
  }
  writeChecklistMarks(meeting: string, writes: readonly MarkWrite[]): MarkWriteResult[] {
    return this.checklist.writeChecklistMarks(meeting, writes);
  }
  listChecklistHistory(q: MarkHistoryQuery): MarkHistoryRow[] {
    return this.checklist.listChecklistHistory(q);
  }
  saveRollCallCapture(c: RollCallCaptureRow): boolean {
    return this.checklist.saveRollCallCapture(c);
  }
  listRollCallCaptures(meeting: string): RollCallCaptureRow[] {
    return this.checklist.listRollCallCaptures(meeting);
  }

  // Post-meeting report (issue 5).
  getOutage(id: number): OutageRow | undefined {
    return this.report.getOutage(id);
  }
  listMeetingOutages(meeting: string): OutageRow[] {
    return this.report.listMeetingOutages(meeting);
  }
  digestRollups(q: R.RollupDigestQuery): R.RollupDigest {
    return this.report.digestRollups(q);
  }
  getOutageNote(outageId: number): R.OutageNoteRow | undefined {
    return this.report.getOutageNote(outageId);
  }
  listMeetingOutageNotes(meeting: string): R.OutageNoteRow[] {
    return this.report.listMeetingOutageNotes(meeting);
  }
  saveOutageNote(edit: R.OutageNoteEdit): R.OutageNoteSaved {
    return this.report.saveOutageNote(edit);
  }
  listOutageNoteHistory(outageId: number): R.OutageNoteChangeRow[] {
    return this.report.listOutageNoteHistory(outageId);
  }
  getReportSnapshot(meeting: string): R.ReportSnapshotRow | undefined {
    return this.report.getReportSnapshot(meeting);
  }
  saveReportSnapshot(row: R.ReportSnapshotRow): void {
    this.report.saveReportSnapshot(row);
  }
  purgeRollups(before: number): number {
    return this.report.purgeRollups(before);
  }
  purgeReportSnapshots(before: number): number {
    return this.report.purgeReportSnapshots(before);
  }
  getReportSettings(): ReportSettingsRow | undefined {
    return this.settings.get();
  }
  saveReportSettings(row: ReportSettingsRow | null): void {
    this.settings.save(row);
  }

  onCheckpoint(listener: CheckpointListener): () => void {
    return this.checkpointer?.onResult(listener) ?? (() => {});
  }

  close(): void {
    // The worker's connection first, so this one is the last and removes the WAL as it closes.
    this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}
