// Display links on the store's SQLite connection (migration 6; server/store/display-types.ts).
import type Database from 'better-sqlite3';
import type { DisplayLinkRow, SyncDisplayLinkStore, NewDisplayLink } from './display-types';

const COLUMNS = `id, token_hash AS tokenHash, label, meeting, created_by AS createdBy, created_at AS createdAt,
  last_seen_at AS lastSeenAt, revoked_at AS revokedAt`;

export class SqliteDisplayLinks implements SyncDisplayLinkStore {
  private readonly s;
  private readonly tx: <T>(f: () => T) => T;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(`INSERT INTO display_links (token_hash, label, meeting, created_by, created_at)
        VALUES (:tokenHash, :label, :meeting, :createdBy, :createdAt) RETURNING ${COLUMNS}`),
      list: p(`SELECT ${COLUMNS} FROM display_links ORDER BY created_at DESC, id DESC`),
      get: p(`SELECT ${COLUMNS} FROM display_links WHERE id = ?`),
      byHash: p(`SELECT ${COLUMNS} FROM display_links WHERE token_hash = ?`),
      revoke: p('UPDATE display_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touch: p('UPDATE display_links SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?'),
    };
    // RETURNING writes run in a transaction (see insertOutageTx in sqlite.ts).
    const wrap = db.transaction((f: () => unknown) => f());
    this.tx = <T>(f: () => T): T => wrap.immediate(f) as T;
  }

  create(l: NewDisplayLink): DisplayLinkRow {
    return this.tx(() => this.s.insert.get(l) as DisplayLinkRow);
  }
  list(): DisplayLinkRow[] {
    return this.s.list.all() as DisplayLinkRow[];
  }
  get(id: number): DisplayLinkRow | undefined {
    return this.s.get.get(id) as DisplayLinkRow | undefined;
  }
  byHash(tokenHash: string): DisplayLinkRow | undefined {
    return this.s.byHash.get(tokenHash) as DisplayLinkRow | undefined;
  }
  revoke(id: number, at: number): boolean {
    return this.s.revoke.run(at, id).changes > 0;
  }
  touch(id: number, at: number): void {
    this.s.touch.run(at, id);
  }
}
