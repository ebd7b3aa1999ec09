// The registry of remote probe agents (docs/AGENTS.md AG2): who may connect, by the SHA-256 of a token
// shown once. It answers `AgentAuth` for the centre's `/agent` namespace: a positive answer is cached for
// at most `cacheMs` (≤ 5 s), so a revocation made by the CLI from another process takes effect within
// that; one made here (the API) drops the cache and tells the `onRevoked` listeners at once. `watch()`
// reads the table every `cacheMs` and tells the listeners of revocations and rotations made elsewhere,
// so open connections with an old token are closed within 5 s whoever revoked it.
//
// A revoked agent's name may be registered again (`add`): the row is taken over with a new token; the
// old token stays dead, since only the new one's hash is kept.
import type { Logger } from 'pino';
import { words } from '../../shared/words';
import { AgentName, type Unit } from '../../shared/schemas';
import type { Clock } from '../clock';
import { NotFoundError, ValidationError, issueOf, parseOrThrow } from '../errors';
import { ConflictError } from '../http/errors';
import type { AgentRow } from '../store/agent-types';
import type { InventoryChange, Store } from '../store/types';
import type { AgentAuth } from './contract';
import { agentTokenMatches, hashAgentToken, isAgentTokenShaped, newAgentToken } from './tokens';

/** The longest a positive authentication may be remembered (docs/AGENTS.md AG2). */
export const AGENT_AUTH_CACHE_MS = 5_000;

/** The part of the inventory `add --units` changes: the units, and one all-or-nothing change. */
export interface AgentUnits {
  listUnits(): Unit[];
  apply(change: InventoryChange): Promise<void>;
}

export interface AgentRegistryOptions {
  store: Pick<Store, 'agents'>;
  clock: Clock;
  logger?: Logger;
  /** How long a positive answer is cached and how often `watch` reads the table (default and at most 5 s). */
  cacheMs?: number;
}

export interface IssuedToken {
  agent: AgentRow;
  /** Shown once: only its hash is kept. */
  token: string;
}

const noAgent = (name: string): NotFoundError =>
  new NotFoundError(words(`không có trạm đo ${name}`, `no agent ${name}`));
const revokedAgent = (name: string): NotFoundError =>
  new NotFoundError(words(`trạm đo ${name} đã bị thu hồi`, `agent ${name} has been revoked`));

export class AgentRegistry implements AgentAuth {
  private readonly cache = new Map<string, { name: string; until: number }>();
  private readonly listeners = new Set<(name: string) => void>();
  private readonly cacheMs: number;
  /** What `watch` saw last, by name: the token hash, or null once revoked. */
  private seen: Map<string, string | null> | null = null;

  constructor(private readonly o: AgentRegistryOptions) {
    this.cacheMs = Math.min(Math.max(o.cacheMs ?? AGENT_AUTH_CACHE_MS, 0), AGENT_AUTH_CACHE_MS);
  }

  async authenticate(token: string): Promise<string | null> {
    if (!isAgentTokenShaped(token)) return null;
    const hash = hashAgentToken(token);
    const now = this.o.clock.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.name;
    this.cache.delete(hash);
    const row = await this.o.store.agents.byHash(hash);
    if (!row || row.revokedAt !== null || !agentTokenMatches(token, row.tokenHash)) return null;
    this.cache.set(hash, { name: row.name, until: now + this.cacheMs });
    return row.name;
  }

  onRevoked(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): Promise<AgentRow[]> {
    return this.o.store.agents.list();
  }

  /**
   * Registers `name` and returns its token. `units` (checked first: an unknown one refuses the whole
   * call, nothing written) get `agent: name` in the inventory. Refused when an active agent has the name.
   */
  async add(name: string, by: string, units: readonly string[] = [], inventory?: AgentUnits): Promise<IssuedToken> {
    parseOrThrow(AgentName, name, ['name']);
    const change = units.length > 0 ? this.unitsChange(name, units, inventory) : null;
    const token = newAgentToken();
    const row = await this.o.store.agents.create({
      name,
      tokenHash: hashAgentToken(token),
      createdAt: this.o.clock.now(),
      createdBy: by,
    });
    if (!row) {
      throw new ConflictError(
        words(
          `đã có trạm đo ${name}: dùng “agent rotate” để cấp khóa mới`,
          `agent ${name} exists: use "agent rotate" for a new token`,
        ),
      );
    }
    if (change) {
      try {
        await inventory!.apply(change);
      } catch (err) {
        // The token was never shown: revoking the row undoes the registration (the name stays free).
        await this.o.store.agents.revoke(name, this.o.clock.now());
        throw err;
      }
    }
    this.o.logger?.info({ agent: name, by, units }, 'agent registered');
    return { agent: row, token };
  }

  /** A new token for an active agent; the old one stops at once here, within 5 s elsewhere. */
  async rotate(name: string): Promise<IssuedToken> {
    const token = newAgentToken();
    const row = await this.o.store.agents.setToken(name, hashAgentToken(token), this.o.clock.now());
    if (!row) throw (await this.o.store.agents.get(name)) ? revokedAgent(name) : noAgent(name);
    this.forget(name);
    this.o.logger?.info({ agent: name }, 'agent token rotated');
    return { agent: row, token };
  }

  /** Ends the agent's token; its row stays listed (revoked) until the name is registered again. */
  async revoke(name: string): Promise<AgentRow> {
    const row = await this.o.store.agents.revoke(name, this.o.clock.now());
    if (!row) throw (await this.o.store.agents.get(name)) ? revokedAgent(name) : noAgent(name);
    this.forget(name);
    this.o.logger?.info({ agent: name }, 'agent revoked');
    return row;
  }

  /**
   * Reads the table every `cacheMs` and tells the listeners of every agent whose token changed or that
   * was revoked since the last read (by the CLI, another instance). Returns the stop function.
   */
  watch(): () => void {
    let busy = false;
    const tick = (): void => {
      if (busy) return;
      busy = true;
      this.check()
        .catch((err: unknown) => this.o.logger?.warn({ err }, 'agents: reading the registry failed'))
        .finally(() => (busy = false));
    };
    tick();
    const timer = setInterval(tick, Math.max(this.cacheMs, 100));
    timer.unref();
    return () => clearInterval(timer);
  }

  /** One read of `watch` (tests call it directly). */
  async check(): Promise<void> {
    const rows = await this.o.store.agents.list();
    const now = new Map(rows.map((r) => [r.name, r.revokedAt === null ? r.tokenHash : null] as const));
    const before = this.seen;
    this.seen = now;
    if (!before) return;
    for (const [name, hash] of before) {
      if (hash !== null && now.get(name) !== hash) this.forget(name);
    }
  }

  private forget(name: string): void {
    for (const [hash, hit] of this.cache) if (hit.name === name) this.cache.delete(hash);
    if (this.seen?.has(name)) this.seen.set(name, null);
    for (const l of this.listeners) l(name);
  }

  private unitsChange(name: string, units: readonly string[], inventory: AgentUnits | undefined): InventoryChange {
    const byId = new Map((inventory?.listUnits() ?? []).map((u) => [u.id, u]));
    const unknown = units.flatMap((id, i) =>
      byId.has(id) ? [] : [issueOf(`units[${i}]`, words(`không có đơn vị ${id}`, `no unit ${id}`))],
    );
    if (unknown.length > 0) throw new ValidationError(unknown);
    return { upsertUnits: [...new Set(units)].map((id) => ({ ...byId.get(id)!, agent: name })) };
  }
}
