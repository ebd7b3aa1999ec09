// Users, sessions and monitor runs on the SQLite connection of the store (migration 2). Kept apart
// from sqlite.ts, which holds the monitoring data; SqliteStore delegates to this class.
import type Database from 'better-sqlite3';
import type { Role } from '../../shared/protocol';
import type { BlindReason, GapRow, MonitorRunRow, NewUser, SessionRow, UserPatch, UserRow } from './types';

/** A user row as both stores select it (units as JSON text). */
export interface RawUser {
  id: number;
  name: string;
  displayName: string | null;
  role: Role;
  units: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

const userColumns = (t: string): string =>
  `${t}id AS id, ${t}name AS name, ${t}display_name AS displayName, ${t}role AS role, ${t}units AS units,
  ${t}password_hash AS passwordHash, ${t}created_at AS createdAt, ${t}updated_at AS updatedAt`;
const USER_COLUMNS = userColumns('');
const RUN_COLUMNS = `id, started_at AS startedAt, heartbeat_at AS heartbeatAt, stopped_at AS stoppedAt,
  gap_from AS gapFrom`;

export const toUser = (r: RawUser): UserRow => ({ ...r, units: JSON.parse(r.units) as string[] });

export class SqliteAccounts {
  private readonly s;
  private readonly startRunTx;
  /** RETURNING writes run in a transaction: see insertOutageTx in sqlite.ts for why. */
  private readonly tx: <T>(f: () => T) => T;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      users: p(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`),
      user: p(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`),
      insertUser: p(`INSERT INTO users (name, display_name, role, units, password_hash, created_at, updated_at)
        VALUES (:name, :displayName, :role, :units, :passwordHash, :createdAt, :updatedAt) RETURNING ${USER_COLUMNS}`),
      updateUser: p(`UPDATE users SET
          display_name = CASE WHEN :setDisplayName THEN :displayName ELSE display_name END,
          role = coalesce(:role, role),
          units = coalesce(:units, units),
          password_hash = coalesce(:passwordHash, password_hash),
          updated_at = :updatedAt
        WHERE name = :name RETURNING ${USER_COLUMNS}`),
      deleteUser: p('DELETE FROM users WHERE name = ?'),
      insertSession: p(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at)
        VALUES (:tokenHash, :userId, :createdAt, :lastSeenAt)`),
      session: p(`SELECT s.token_hash AS tokenHash, s.user_id AS userId, s.created_at AS sCreatedAt,
          s.last_seen_at AS lastSeenAt, ${userColumns('u.')}
        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`),
      touchSession: p('UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?'),
      deleteSession: p('DELETE FROM sessions WHERE token_hash = ?'),
      deleteUserSessions: p('DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ? RETURNING token_hash'),
      deleteExpired: p('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ? RETURNING token_hash'),
      lastRun: p('SELECT coalesce(stopped_at, heartbeat_at) AS alive FROM monitor_runs ORDER BY id DESC LIMIT 1'),
      insertRun: p(`INSERT INTO monitor_runs (started_at, heartbeat_at, gap_from) VALUES (?, ?, ?)
        RETURNING ${RUN_COLUMNS}`),
      heartbeat: p('UPDATE monitor_runs SET heartbeat_at = max(started_at, ?) WHERE id = ?'),
      stopRun: p(`UPDATE monitor_runs SET stopped_at = max(started_at, :at), heartbeat_at = max(started_at, :at)
        WHERE id = :id`),
      gaps: p(`SELECT "from", "to", reason FROM (
          SELECT gap_from AS "from", started_at AS "to", 'stopped' AS reason, id, 0 AS k FROM monitor_runs
            WHERE gap_from IS NOT NULL AND gap_from < :to AND started_at > :from
          UNION ALL
          SELECT gap_from, gap_to, reason, id, 1 FROM monitor_blind WHERE gap_from < :to AND gap_to > :from
        ) ORDER BY "from", k, id`),
      addBlind: p('INSERT INTO monitor_blind (gap_from, gap_to, reason) VALUES (?, ?, ?)'),
    };
    const wrap = db.transaction((f: () => unknown) => f());
    this.tx = <T>(f: () => T): T => wrap.immediate(f) as T;
    this.startRunTx = db.transaction((at: number): MonitorRunRow => {
      const last = this.s.lastRun.get() as { alive: number } | undefined;
      const gapFrom = last !== undefined && last.alive < at ? last.alive : null;
      return this.s.insertRun.get(at, at, gapFrom) as MonitorRunRow;
    });
  }

  listUsers(): UserRow[] {
    return (this.s.users.all() as RawUser[]).map(toUser);
  }

  getUser(name: string): UserRow | undefined {
    const r = this.s.user.get(name) as RawUser | undefined;
    return r && toUser(r);
  }

  createUser(u: NewUser): UserRow {
    try {
      return toUser(this.tx(() => this.s.insertUser.get({ ...u, units: JSON.stringify(u.units) })) as RawUser);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw new Error(`user "${u.name}" exists`, { cause: err });
      throw err;
    }
  }

  updateUser(name: string, patch: UserPatch): UserRow | undefined {
    const r = this.tx(() =>
      this.s.updateUser.get({
        name,
        setDisplayName: patch.displayName === undefined ? 0 : 1,
        displayName: patch.displayName ?? null,
        role: patch.role ?? null,
        units: patch.units === undefined ? null : JSON.stringify(patch.units),
        passwordHash: patch.passwordHash ?? null,
        updatedAt: patch.updatedAt,
      }),
    ) as RawUser | undefined;
    return r && toUser(r);
  }

  deleteUser(name: string): boolean {
    return this.s.deleteUser.run(name).changes === 1;
  }

  createSession(s: SessionRow): void {
    this.s.insertSession.run(s);
  }

  getSession(tokenHash: string): { session: SessionRow; user: UserRow } | undefined {
    const r = this.s.session.get(tokenHash) as
      (RawUser & { tokenHash: string; userId: number; sCreatedAt: number; lastSeenAt: number }) | undefined;
    if (!r) return undefined;
    const { tokenHash: hash, userId, sCreatedAt, lastSeenAt, ...user } = r;
    return { session: { tokenHash: hash, userId, createdAt: sCreatedAt, lastSeenAt }, user: toUser(user) };
  }

  touchSession(tokenHash: string, lastSeenAt: number): void {
    this.s.touchSession.run(lastSeenAt, tokenHash);
  }

  deleteSession(tokenHash: string): boolean {
    return this.s.deleteSession.run(tokenHash).changes === 1;
  }

  deleteUserSessions(userId: number, keep?: string): string[] {
    const rows = this.tx(() => this.s.deleteUserSessions.all(userId, keep ?? null)) as { token_hash: string }[];
    return rows.map((r) => r.token_hash);
  }

  deleteExpiredSessions(idleBefore: number, createdBefore: number): string[] {
    const rows = this.tx(() => this.s.deleteExpired.all(idleBefore, createdBefore)) as { token_hash: string }[];
    return rows.map((r) => r.token_hash);
  }

  startRun(at: number): MonitorRunRow {
    return this.startRunTx.immediate(Math.round(at));
  }

  heartbeatRun(id: number, at: number): void {
    this.s.heartbeat.run(Math.round(at), id);
  }

  stopRun(id: number, at: number): void {
    this.s.stopRun.run({ id, at: Math.round(at) });
  }

  addBlindSpan(from: number, to: number, reason: BlindReason): void {
    const a = Math.round(from);
    const b = Math.round(to);
    if (b > a) this.s.addBlind.run(a, b, reason);
  }

  listGaps(from: number, to: number): GapRow[] {
    return this.s.gaps.all({ from, to }) as GapRow[];
  }
}
