// Remote probe agents on the store's SQLite connection (migration 14; server/store/agent-types.ts).
import type Database from 'better-sqlite3';
import type { AgentRow, NewAgent, SyncAgentStore } from './agent-types';

const COLUMNS = `name, token_hash AS tokenHash, created_at AS createdAt, created_by AS createdBy,
  token_set_at AS tokenSetAt, revoked_at AS revokedAt`;

export class SqliteAgents implements SyncAgentStore {
  private readonly s;
  private readonly tx: <T>(f: () => T) => T;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      // A revoked agent's row is taken over; an active one's is left alone (no row returned).
      insert: p(`INSERT INTO agents (name, token_hash, created_at, created_by, token_set_at)
        VALUES (:name, :tokenHash, :createdAt, :createdBy, :createdAt)
        ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
          created_by = excluded.created_by, token_set_at = excluded.token_set_at, revoked_at = NULL
        WHERE agents.revoked_at IS NOT NULL
        RETURNING ${COLUMNS}`),
      list: p(`SELECT ${COLUMNS} FROM agents ORDER BY name`),
      get: p(`SELECT ${COLUMNS} FROM agents WHERE name = ?`),
      byHash: p(`SELECT ${COLUMNS} FROM agents WHERE token_hash = ?`),
      setToken: p(`UPDATE agents SET token_hash = ?, token_set_at = ? WHERE name = ? AND revoked_at IS NULL
        RETURNING ${COLUMNS}`),
      revoke: p(`UPDATE agents SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL RETURNING ${COLUMNS}`),
    };
    // RETURNING writes run in a transaction (see insertOutageTx in sqlite.ts).
    const wrap = db.transaction((f: () => unknown) => f());
    this.tx = <T>(f: () => T): T => wrap.immediate(f) as T;
  }

  create(a: NewAgent): AgentRow | undefined {
    return this.tx(() => this.s.insert.get(a) as AgentRow | undefined);
  }
  list(): AgentRow[] {
    return this.s.list.all() as AgentRow[];
  }
  get(name: string): AgentRow | undefined {
    return this.s.get.get(name) as AgentRow | undefined;
  }
  byHash(tokenHash: string): AgentRow | undefined {
    return this.s.byHash.get(tokenHash) as AgentRow | undefined;
  }
  setToken(name: string, tokenHash: string, at: number): AgentRow | undefined {
    return this.tx(() => this.s.setToken.get(tokenHash, at, name) as AgentRow | undefined);
  }
  revoke(name: string, at: number): AgentRow | undefined {
    return this.tx(() => this.s.revoke.get(at, name) as AgentRow | undefined);
  }
}
