// Remote probe agents (migration 14) for the in-memory Store, with the SQLite store's semantics
// (tests/unit/store/contract-agents.ts runs both).
import type { AgentRow, NewAgent, SyncAgentStore } from '../../server/store/agent-types';

/** The agents behind one MemoryDb. */
export class MemoryAgentDb {
  readonly agents = new Map<string, AgentRow>();
}

export class MemoryAgents implements SyncAgentStore {
  constructor(
    private readonly db: MemoryAgentDb,
    private readonly open: () => void,
  ) {}

  private hashTaken(tokenHash: string, except: string): void {
    for (const x of this.db.agents.values()) {
      if (x.tokenHash === tokenHash && x.name !== except)
        throw new Error('UNIQUE constraint failed: agents.token_hash');
    }
  }

  create(a: NewAgent): AgentRow | undefined {
    this.open();
    const had = this.db.agents.get(a.name);
    if (had && had.revokedAt === null) return undefined;
    this.hashTaken(a.tokenHash, '');
    const row: AgentRow = { ...a, tokenSetAt: a.createdAt, revokedAt: null };
    this.db.agents.set(row.name, row);
    return { ...row };
  }
  list(): AgentRow[] {
    this.open();
    return [...this.db.agents.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((r) => ({ ...r }));
  }
  get(name: string): AgentRow | undefined {
    this.open();
    const r = this.db.agents.get(name);
    return r && { ...r };
  }
  byHash(tokenHash: string): AgentRow | undefined {
    this.open();
    for (const r of this.db.agents.values()) if (r.tokenHash === tokenHash) return { ...r };
    return undefined;
  }
  setToken(name: string, tokenHash: string, at: number): AgentRow | undefined {
    this.open();
    const r = this.db.agents.get(name);
    if (!r || r.revokedAt !== null) return undefined;
    this.hashTaken(tokenHash, name);
    r.tokenHash = tokenHash;
    r.tokenSetAt = at;
    return { ...r };
  }
  revoke(name: string, at: number): AgentRow | undefined {
    this.open();
    const r = this.db.agents.get(name);
    if (!r || r.revokedAt !== null) return undefined;
    r.revokedAt = at;
    return { ...r };
  }
}
