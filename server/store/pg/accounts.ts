// Users and sessions in PostgreSQL (SQLite's migration 2; sqlite-accounts.ts). A taken name is the
// same error as SQLite's (`user "…" exists`); a user's sessions go with the user (ON DELETE CASCADE).
import type { NewUser, SessionRow, UserPatch, UserRow } from '../types';
import { toUser, type RawUser } from '../sqlite-accounts';
import { bound, type PgDb } from './db';

const userColumns = (t: string): string =>
  `${t}id AS id, ${t}name AS name, ${t}display_name AS "displayName", ${t}role AS role, ${t}units AS units,
  ${t}password_hash AS "passwordHash", ${t}created_at AS "createdAt", ${t}updated_at AS "updatedAt"`;
const USER_COLUMNS = userColumns('');

export class PgAccounts {
  constructor(private readonly db: PgDb) {}

  async listUsers(): Promise<UserRow[]> {
    return (await this.db.rows<RawUser>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`)).map(toUser);
  }

  async getUser(name: string): Promise<UserRow | undefined> {
    const [r] = await this.db.rows<RawUser>(`SELECT ${USER_COLUMNS} FROM users WHERE name = $1`, [name]);
    return r && toUser(r);
  }

  async createUser(u: NewUser): Promise<UserRow> {
    try {
      const [r] = await this.db.rows<RawUser>(
        `INSERT INTO users (name, display_name, role, units, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
        [u.name, u.displayName, u.role, JSON.stringify(u.units), u.passwordHash, u.createdAt, u.updatedAt],
      );
      return toUser(r!);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new Error(`user "${u.name}" exists`, { cause: err });
      throw err;
    }
  }

  async updateUser(name: string, patch: UserPatch): Promise<UserRow | undefined> {
    const [r] = await this.db.rows<RawUser>(
      `UPDATE users SET
         display_name = CASE WHEN $2::boolean THEN $3::text ELSE display_name END,
         role = coalesce($4::text, role),
         units = coalesce($5::text, units),
         password_hash = coalesce($6::text, password_hash),
         updated_at = $7
       WHERE name = $1 RETURNING ${USER_COLUMNS}`,
      [
        name,
        patch.displayName !== undefined,
        patch.displayName ?? null,
        patch.role ?? null,
        patch.units === undefined ? null : JSON.stringify(patch.units),
        patch.passwordHash ?? null,
        patch.updatedAt,
      ],
    );
    return r && toUser(r);
  }

  async deleteUser(name: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM users WHERE name = $1', [name])) === 1;
  }

  async createSession(s: SessionRow): Promise<void> {
    await this.db.run('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)', [
      s.tokenHash,
      s.userId,
      s.createdAt,
      s.lastSeenAt,
    ]);
  }

  async getSession(tokenHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const [r] = await this.db.rows<
      RawUser & { tokenHash: string; userId: number; sCreatedAt: number; lastSeenAt: number }
    >(
      `SELECT s.token_hash AS "tokenHash", s.user_id AS "userId", s.created_at AS "sCreatedAt",
         s.last_seen_at AS "lastSeenAt", ${userColumns('u.')}
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`,
      [tokenHash],
    );
    if (!r) return undefined;
    const { tokenHash: hash, userId, sCreatedAt, lastSeenAt, ...user } = r;
    return { session: { tokenHash: hash, userId, createdAt: sCreatedAt, lastSeenAt }, user: toUser(user) };
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    await this.db.run('UPDATE sessions SET last_seen_at = greatest(last_seen_at, $1) WHERE token_hash = $2', [
      lastSeenAt,
      tokenHash,
    ]);
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])) === 1;
  }

  async deleteUserSessions(userId: number, keep?: string): Promise<string[]> {
    const rows = await this.db.rows<{ h: string }>(
      'DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 RETURNING token_hash AS h',
      [userId, keep ?? null],
    );
    return rows.map((r) => r.h);
  }

  async deleteExpiredSessions(idleBefore: number, createdBefore: number): Promise<string[]> {
    const rows = await this.db.rows<{ h: string }>(
      'DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2 RETURNING token_hash AS h',
      [bound(idleBefore, '<'), bound(createdBefore, '<')],
    );
    return rows.map((r) => r.h);
  }
}
