import type { Role } from '../../shared/protocol';
import type { Meeting, OutageType, Phase, Point, Unit } from '../../shared/schemas';

/** Outage as stored: instants are ms since epoch (UTC). */
export interface OutageRow {
  id: number;
  point: string;
  meeting: string | null;
  type: OutageType;
  phase: Phase | null;
  startedAt: number;
  detectedAt: number;
  endedAt: number | null;
}

export type NewOutage = Omit<OutageRow, 'id' | 'endedAt'>;

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
  host: string;
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
 * Persistence. Every method is synchronous (better-sqlite3); a thrown error means nothing was written.
 * Implemented for SQLite now; PostgreSQL later must pass the same contract suite.
 */
export interface Store {
  loadInventory(): InventoryData;
  /** Upsert and delete in one transaction: all or nothing. */
  saveInventory(change: InventoryChange): void;

  openOutage(o: NewOutage): OutageRow;
  closeOutage(id: number, endedAt: number): void;
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
  /** Spans without a running monitor that overlap [from, to), oldest first. */
  listGaps(from: number, to: number): GapRow[];

  close(): void;
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
export interface GapRow {
  from: number;
  to: number;
}

export interface InventoryChange {
  upsertUnits?: Unit[];
  deleteUnits?: string[];
  upsertPoints?: Point[];
  deletePoints?: string[];
  upsertMeetings?: Meeting[];
  deleteMeetings?: string[];
}
