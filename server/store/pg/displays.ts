// Display links in PostgreSQL (SQLite's migration 6; sqlite-displays.ts, display-types.ts).
import type { AsyncOf } from '../types';
import type { DisplayLinkRow, DisplayLinkStore, NewDisplayLink } from '../display-types';
import type { PgDb } from './db';

const COLUMNS = `id, token_hash AS "tokenHash", label, meeting, created_by AS "createdBy", created_at AS "createdAt",
  last_seen_at AS "lastSeenAt", revoked_at AS "revokedAt"`;

export class PgDisplayLinks implements AsyncOf<DisplayLinkStore> {
  constructor(private readonly db: PgDb) {}

  async create(l: NewDisplayLink): Promise<DisplayLinkRow> {
    const [r] = await this.db.rows<DisplayLinkRow>(
      `INSERT INTO display_links (token_hash, label, meeting, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [l.tokenHash, l.label, l.meeting, l.createdBy, l.createdAt],
    );
    return r!;
  }

  async list(): Promise<DisplayLinkRow[]> {
    return this.db.rows<DisplayLinkRow>(`SELECT ${COLUMNS} FROM display_links ORDER BY created_at DESC, id DESC`);
  }

  async get(id: number): Promise<DisplayLinkRow | undefined> {
    const [r] = await this.db.rows<DisplayLinkRow>(`SELECT ${COLUMNS} FROM display_links WHERE id = $1`, [id]);
    return r;
  }

  async byHash(tokenHash: string): Promise<DisplayLinkRow | undefined> {
    const [r] = await this.db.rows<DisplayLinkRow>(`SELECT ${COLUMNS} FROM display_links WHERE token_hash = $1`, [
      tokenHash,
    ]);
    return r;
  }

  async revoke(id: number, at: number): Promise<boolean> {
    return (
      (await this.db.run('UPDATE display_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])) > 0
    );
  }

  async touch(id: number, at: number): Promise<void> {
    await this.db.run('UPDATE display_links SET last_seen_at = greatest(coalesce(last_seen_at, 0), $1) WHERE id = $2', [
      at,
      id,
    ]);
  }
}
