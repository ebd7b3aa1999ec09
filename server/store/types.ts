import type { TargetClass, TargetKind } from '../../shared/targets';
import type { SyncMaintenanceStore } from './maintenance-types';
import type { Role } from '../../shared/protocol';
import type { SyncAlertStore } from './alert-types';
import type { ChecklistItemDef, ItemResult, RollCallMoment, RollCallStatus } from '../../shared/checklist';
import type { Meeting, OutageType, Phase, Point, PointState, Unit } from '../../shared/schemas';
import type {
  OutageNoteChangeRow,
  OutageNoteEdit,
  OutageNoteRow,
  OutageNoteSaved,
  ReportSnapshotRow,
  RollupDigest,
  RollupDigestQuery,
} from './report-types';
import type { SyncDisplayLinkStore } from './display-types';
import type { SyncAgentStore } from './agent-types';
import type { AsyncOf } from './async-of';

export type { AsyncOf } from './async-of';

/** Outage as stored: instants are ms since epoch (UTC). */
export interface OutageRow {
  id: number;
  point: string;
  meeting: string | null;
  type: OutageType;
  /** [TG7] Of the point's line or of its endpoint. */
  class: TargetClass;
  /** The failed target's id and kind (null for records older than migration 12 of a point since removed). */
  target: string | null;
  kind: TargetKind | null;
  phase: Phase | null;
  startedAt: number;
  detectedAt: number;
  endedAt: number | null;
}

/** A new outage; `class` defaults to the line's, `target` and `kind` to unknown (null). */
/** One write of a writeOutages batch; a close names its outage by id or by `ref`, the index of its open in the same batch. */
export type OutageOp =
  | { kind: 'open'; outage: NewOutage }
  | { kind: 'close'; id: number; endedAt: number }
  | { kind: 'close'; ref: number; endedAt: number };

export type NewOutage = Omit<OutageRow, 'id' | 'endedAt' | 'class' | 'target' | 'kind'> &
  Partial<Pick<OutageRow, 'class' | 'target' | 'kind'>>;

export interface OutageQuery {
  meeting?: string;
  point?: string;
  /** Outages overlapping [from, to). */
  from?: number;
  to?: number;
  limit?: number;
}

/** A 10 s rollup of one target's probes; `t` is the bucket start (ms since epoch, multiple of 10 000). */
export interface RollupRow {
  point: string;
  /** The target's id (shared/targets.ts targetId). */
  target: string;
  t: number;
  sent: number;
  received: number;
  rttMin: number | null;
  rttAvg: number | null;
  rttMax: number | null;
  jitter: number | null;
}

export interface InventoryData {
  units: Unit[];
  points: Point[];
  meetings: Meeting[];
}

/**
 * Persistence, written once in its synchronous form: the SQLite store (better-sqlite3 is synchronous)
 * and the tests' in-memory store implement it, and every caller reaches them through `Store` below,
 * its asynchronous form (server/store/async.ts adapts one to the other). A thrown error (a rejected
 * promise) means nothing was written. Every backend must pass the same contract suite
 * (tests/unit/store/contract.ts).
 */
export interface SyncStore {
  loadInventory(): InventoryData;
  /** Upsert and delete in one transaction: all or nothing. */
  saveInventory(change: InventoryChange): void;

  openOutage(o: NewOutage): OutageRow;
  closeOutage(id: number, endedAt: number): void;
  /**
   * Several writes of the outage log in one transaction, in order, all or nothing (the recorder's queue
   * after a burst: 10,000 points down at once is 10,000 opens). Returns each open's row at its index,
   * null for a close. Fails as openOutage/closeOutage would, for the first op that would.
   */
  writeOutages(ops: readonly OutageOp[]): (OutageRow | null)[];
  /** Outages with endedAt null, for continuing them after a restart. */
  openOutages(): OutageRow[];
  listOutages(q: OutageQuery): OutageRow[];

  /** Batched insert (or merge on same point/host/t) of rollups. */
  writeRollups(rows: readonly RollupRow[]): void;
  listRollups(point: string, from: number, to: number): RollupRow[];

  listUsers(): UserRow[];
  getUser(name: string): UserRow | undefined;
  /** Throws (nothing written) when the name is taken. */
  createUser(u: NewUser): UserRow;
  /** Undefined when there is no such user. */
  updateUser(name: string, patch: UserPatch): UserRow | undefined;
  /** Deletes the user and every session of theirs; false when there was no such user. */
  deleteUser(name: string): boolean;

  createSession(s: SessionRow): void;
  /** The session and its user, or undefined. */
  getSession(tokenHash: string): { session: SessionRow; user: UserRow } | undefined;
  touchSession(tokenHash: string, lastSeenAt: number): void;
  /** False when there was no such session. */
  deleteSession(tokenHash: string): boolean;
  /** Deletes a user's sessions (all but `keep`, when given); returns the hashes deleted. */
  deleteUserSessions(userId: number, keep?: string): string[];
  /** Deletes sessions last seen before `idleBefore` or created before `createdBefore`; returns their hashes. */
  deleteExpiredSessions(idleBefore: number, createdBefore: number): string[];

  /**
   * Records a monitor start. The span since the previous run's last sign of life (its stop, else its
   * last heartbeat) becomes that run's `gapFrom`, unless the clock says it is not in the past.
   */
  startRun(at: number): MonitorRunRow;
  heartbeatRun(id: number, at: number): void;
  stopRun(id: number, at: number): void;
  /** Records a span when the monitor ran but could not observe (server/status/blind.ts). */
  addBlindSpan(from: number, to: number, reason: BlindReason): void;
  /**
   * Spans without a running monitor (`stopped`) or when it could not observe (`stall`, `clock`) that
   * overlap [from, to), oldest first.
   */
  listGaps(from: number, to: number): GapRow[];

  // ── Line-test checklist and roll call (issue 4; server/store/sqlite-checklist.ts) ──────────────
  listChecklistTemplates(): ChecklistTemplateRow[];
  getChecklistTemplate(id: string): ChecklistTemplateRow | undefined;
  /**
   * Creates or replaces a template. A default one takes the flag from the previous default; throws
   * (nothing written) when the change would leave no default.
   */
  saveChecklistTemplate(t: ChecklistTemplateRow): void;
  /** False when there was no such template; throws for the default one. */
  deleteChecklistTemplate(id: string): boolean;
  getMeetingChecklist(meeting: string): MeetingChecklistRow | undefined;
  /** Gives the meeting's checklist these items (a copy of a template), replacing any before. */
  setMeetingChecklist(row: MeetingChecklistRow): void;
  /** Stores `row` only when the meeting has no items yet; returns what is stored either way. */
  ensureMeetingChecklist(row: MeetingChecklistRow): MeetingChecklistRow;
  /** The meeting's marks ever set, by point then key. */
  listChecklistMarks(meeting: string): MarkRow[];
  /**
   * Applies the writes in order, in one transaction: each is checked against the current version
   * (stale: refused with the current mark, the others still apply), bumps the version by one and
   * appends a history row; a write that changes nothing is a no-op. Throws (nothing written) on an
   * invalid value.
   */
  writeChecklistMarks(meeting: string, writes: readonly MarkWrite[]): MarkWriteResult[];
  /** History rows, oldest first; append-only. */
  listChecklistHistory(q: MarkHistoryQuery): MarkHistoryRow[];
  /** False (nothing written) when that meeting's moment was captured already: the first capture stands. */
  saveRollCallCapture(c: RollCallCaptureRow): boolean;
  /** The meeting's captures, `before` first. */
  listRollCallCaptures(meeting: string): RollCallCaptureRow[];

  // ── Post-meeting report (issue 5; server/store/sqlite-report.ts, rows in report-types.ts) ──────────
  /** One outage record, or undefined. */
  getOutage(id: number): OutageRow | undefined;
  /** Every outage record of a meeting (no limit), oldest first. */
  listMeetingOutages(meeting: string): OutageRow[];
  /** One target's rollups over [from, to), digested for the report. */
  digestRollups(q: RollupDigestQuery): RollupDigest;
  getOutageNote(outageId: number): OutageNoteRow | undefined;
  /** The notes of a meeting's outage records. */
  listMeetingOutageNotes(meeting: string): OutageNoteRow[];
  /**
   * Acknowledges (first edit) or edits an outage's cause and note and appends the audit row, in one
   * transaction. An edit that changes nothing writes nothing. Throws when the outage does not exist.
   */
  saveOutageNote(edit: OutageNoteEdit): OutageNoteSaved;
  /** The audit trail of an outage's note, oldest first (append-only). */
  listOutageNoteHistory(outageId: number): OutageNoteChangeRow[];
  getReportSnapshot(meeting: string): ReportSnapshotRow | undefined;
  /** Creates or replaces the meeting's snapshot. */
  saveReportSnapshot(row: ReportSnapshotRow): void;
  /** Deletes rollups of buckets before `before`; returns how many. */
  purgeRollups(before: number): number;
  /** Deletes snapshots created before `before`; returns how many. */
  purgeReportSnapshots(before: number): number;

  // ── The report as an official document (issue 19; server/store/sqlite-settings.ts) ──────────────
  /** The settings saved on the admin page, or undefined (then the config file's are in force). */
  getReportSettings(): ReportSettingsRow | undefined;
  /** Replaces the saved settings; null deletes them (back to the config file's). */
  saveReportSettings(row: ReportSettingsRow | null): void;

  /** The alert outbox (issue 17; server/store/sqlite-alerts.ts, rows in alert-types.ts). */
  readonly alerts: SyncAlertStore;

  /** Planned work, the alert gate's verdicts, the daily digest (migration 11; maintenance-types.ts). */
  readonly maintenance: SyncMaintenanceStore;

  /**
   * Hears the store's background WAL checkpoints (a file database): ok, or the error that kept the
   * database file from taking the WAL's pages (a full disk). Optional: a store without them says
   * nothing.
   */
  onCheckpoint?(listener: (ok: boolean, err?: Error) => void): () => void;

  /** Display links for wall screens (migration 6; server/store/display-types.ts). */
  readonly displayLinks: SyncDisplayLinkStore;

  /** Remote probe agents and their tokens (migration 14; server/store/agent-types.ts). */
  readonly agents: SyncAgentStore;

  close(): void;
}

/** Which engine holds the data (GET /api/health's `store`). */
export type StoreKind = 'sqlite' | 'postgres';

/**
 * The store as every caller sees it: each method of SyncStore returning a promise (PostgreSQL answers
 * over a socket). `kind` names the backend; `onCheckpoint` stays a plain subscription.
 */
export type Store = AsyncOf<Omit<SyncStore, 'onCheckpoint'>> & {
  readonly kind: StoreKind;
  onCheckpoint?(listener: (ok: boolean, err?: Error) => void): () => void;
  /** PostgreSQL under a monitor lease: write under this new epoch (the lease taken again by this monitor). */
  refence?(epoch: number): void;
};

/** The report's issuer settings as saved on the admin page; `settings` is ReportSettings as JSON. */
export interface ReportSettingsRow {
  settings: unknown;
  updatedBy: string;
  updatedAt: number;
}

// ── Line-test checklist and roll call (issue 4) ─────────────────────────────────────────────────────

export interface ChecklistTemplateRow {
  id: string;
  name: string;
  isDefault: boolean;
  items: ChecklistItemDef[];
  updatedAt: number;
}

/**
 * The items a meeting's checklist uses: a copy of a template taken at first use, so that editing the
 * template later never rewrites a meeting's record.
 */
export interface MeetingChecklistRow {
  meeting: string;
  template: string;
  name: string;
  items: ChecklistItemDef[];
  assignedAt: number;
}

export type MarkValue = ItemResult | RollCallStatus;
export type MarkSource = 'manual' | 'auto';

/** A point's item result (key = item key) or roll-call confirmation (key = ROLL_CALL_KEY). */
export interface MarkRow {
  meeting: string;
  point: string;
  key: string;
  value: MarkValue;
  note: string | null;
  actor: string;
  at: number;
  /** 1 for the first write, +1 for each change. */
  version: number;
}

export interface MarkWrite {
  point: string;
  key: string;
  /** Undefined: keep the current value (pending when never set). */
  value?: MarkValue;
  /** Undefined: keep the current note; null clears it. */
  note?: string | null;
  actor: string;
  at: number;
  /** The version the writer saw (0 = never set); null writes whatever the version (the system). */
  expectedVersion: number | null;
  source: MarkSource;
}

export type MarkWriteResult =
  | { ok: true; mark: MarkRow; changed: boolean }
  /** `current` is null when the mark was never set (version 0). */
  | { ok: false; current: MarkRow | null };

export interface MarkHistoryRow {
  id: number;
  meeting: string;
  point: string;
  key: string;
  value: MarkValue;
  previous: MarkValue | null;
  note: string | null;
  actor: string;
  at: number;
  version: number;
  source: MarkSource;
}

export interface MarkHistoryQuery {
  meeting: string;
  point?: string;
  key?: string;
  /** The first rows (oldest) up to this many: default 1 000, at most 100 000. */
  limit?: number;
}

export interface RollCallCaptureRow {
  meeting: string;
  moment: RollCallMoment;
  dueAt: number;
  capturedAt: number;
  /** `inCall` where the point's codec said (RC7); absent where none tells. */
  entries: { code: string; state: PointState; inCall?: boolean }[];
}

/** An account. `units` limit a technician's changes to those units' points (empty: no limit). */
export interface UserRow {
  id: number;
  name: string;
  displayName: string | null;
  role: Role;
  units: string[];
  /** argon2id, PHC string. Never leaves the server. */
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

export type NewUser = Omit<UserRow, 'id'>;

export interface UserPatch {
  displayName?: string | null;
  role?: Role;
  units?: string[];
  passwordHash?: string;
  updatedAt: number;
}

/** A login. Only the SHA-256 of the cookie's token is stored, so a stolen database opens no session. */
export interface SessionRow {
  tokenHash: string;
  userId: number;
  createdAt: number;
  lastSeenAt: number;
}

/** One run of the monitor, from start to its last heartbeat (or its clean stop). */
export interface MonitorRunRow {
  id: number;
  startedAt: number;
  heartbeatAt: number;
  stoppedAt: number | null;
  /** When the previous run was last known alive, if that was before this run started. */
  gapFrom: number | null;
}

/** A span [from, to) with no monitor running. */
export type BlindReason = 'stall' | 'clock';
export type GapReason = 'stopped' | BlindReason;

export interface GapRow {
  from: number;
  to: number;
  reason: GapReason;
}

export interface InventoryChange {
  /** Read again from the store (another process or instance changed it), not a change made here. */
  reloaded?: true;
  upsertUnits?: Unit[];
  deleteUnits?: string[];
  upsertPoints?: Point[];
  deletePoints?: string[];
  upsertMeetings?: Meeting[];
  deleteMeetings?: string[];
}
