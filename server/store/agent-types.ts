import type { AsyncOf } from './async-of';
// Remote probe agents as stored (migration 14, docs/AGENTS.md AG2): only the token's SHA-256, never the
// token. A sub-store of Store (`store.agents`), kept apart so the feature's storage stays in one place.

export interface AgentRow {
  /** The agent's name (shared/schemas.ts AgentName), as the inventory's `agent:` names it. */
  name: string;
  /** SHA-256 hex of its current token. */
  tokenHash: string;
  createdAt: number;
  createdBy: string;
  /** When the current token was issued (add or rotate). */
  tokenSetAt: number;
  /** Null while active. */
  revokedAt: number | null;
}

export type NewAgent = Omit<AgentRow, 'tokenSetAt' | 'revokedAt'>;

export interface SyncAgentStore {
  /**
   * Registers an agent (its token issued at `createdAt`). A revoked agent's name may be registered again:
   * its row is replaced (a new token, creator and date, no longer revoked). Returns undefined, writing
   * nothing, when an active agent has that name; throws (nothing written) when the hash exists already.
   */
  create(a: NewAgent): AgentRow | undefined;
  /** Every agent, revoked ones too, by name. */
  list(): AgentRow[];
  get(name: string): AgentRow | undefined;
  /** The agent with this token hash, revoked or not. */
  byHash(tokenHash: string): AgentRow | undefined;
  /** A new token for an active agent; undefined (nothing written) when there is none of that name. */
  setToken(name: string, tokenHash: string, at: number): AgentRow | undefined;
  /** Marks it revoked at `at`; undefined when there is no such agent or it was revoked already. */
  revoke(name: string, at: number): AgentRow | undefined;
}

/** What callers use: every method returns a promise (server/store/types.ts Store). */
export type AgentStore = AsyncOf<SyncAgentStore>;
