// Remote probe agents in PostgreSQL (migration 14 of both lists; sqlite-agents.ts, agent-types.ts).
import type { AsyncOf } from '../types';
import type { AgentRow, NewAgent, SyncAgentStore } from '../agent-types';
import type { PgDb } from './db';

const COLUMNS = `name, token_hash AS "tokenHash", created_at AS "createdAt", created_by AS "createdBy",
  token_set_at AS "tokenSetAt", revoked_at AS "revokedAt"`;

export class PgAgents implements AsyncOf<SyncAgentStore> {
  constructor(private readonly db: PgDb) {}

  async create(a: NewAgent): Promise<AgentRow | undefined> {
    const [r] = await this.db.rows<AgentRow>(
      `INSERT INTO agents (name, token_hash, created_at, created_by, token_set_at) VALUES ($1, $2, $3, $4, $3)
       ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
         created_by = excluded.created_by, token_set_at = excluded.token_set_at, revoked_at = NULL
       WHERE agents.revoked_at IS NOT NULL
       RETURNING ${COLUMNS}`,
      [a.name, a.tokenHash, a.createdAt, a.createdBy],
    );
    return r;
  }

  async list(): Promise<AgentRow[]> {
    return this.db.rows<AgentRow>(`SELECT ${COLUMNS} FROM agents ORDER BY name`);
  }

  async get(name: string): Promise<AgentRow | undefined> {
    const [r] = await this.db.rows<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE name = $1`, [name]);
    return r;
  }

  async byHash(tokenHash: string): Promise<AgentRow | undefined> {
    const [r] = await this.db.rows<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE token_hash = $1`, [tokenHash]);
    return r;
  }

  async setToken(name: string, tokenHash: string, at: number): Promise<AgentRow | undefined> {
    const [r] = await this.db.rows<AgentRow>(
      `UPDATE agents SET token_hash = $1, token_set_at = $2 WHERE name = $3 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [tokenHash, at, name],
    );
    return r;
  }

  async revoke(name: string, at: number): Promise<AgentRow | undefined> {
    const [r] = await this.db.rows<AgentRow>(
      `UPDATE agents SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
      [at, name],
    );
    return r;
  }
}
