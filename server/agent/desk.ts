// The monitor's side of remote probe agents (docs/AGENTS.md AG1, AG5, AG7, AG9, AG10): which targets
// each agent probes (the centre's router never gets them), the agents' results taken in with their own
// probe times (a result not newer than its target's last one is a replayed duplicate), the agents' link
// states, and silence: an agent not heard for AGENT_SILENT_MS, or whose connection closed, leaves its
// targets unknown — each gapped at its OWN last probe time, so the replay that follows (later results)
// is observed and rebuilds what happened. No timers: the monitor calls check() every second.
import type { Logger } from 'pino';
import type { Point, Unit } from '../../shared/schemas';
import { targetAgents } from '../../shared/agents';
import { targetId } from '../../shared/targets';
import type { TargetResult } from '../probe/kinds';
import { AGENT_SILENT_MS, type AgentContact, type AgentIngest, type AgentState } from './contract';

export interface AgentDeskOptions {
  logger: Logger;
  /** Where an accepted result goes (the board, the rollups, the stats), in order. */
  observe(r: TargetResult): void;
  /** The agent's targets can no longer be vouched for: unknown from `at` (a target's own last probe time). */
  gap(target: string, at: number | null): void;
  /** Hears an agent going silent (`since`) or being heard again (`since` null). */
  onSilence?(agent: string, since: number | null, now: number): void;
  silentMs?: number;
}

/** What one ingest did with its results. */
export interface IngestCount {
  accepted: number;
  /** Targets not assigned to that agent (the centre's connection refuses them already). */
  foreign: number;
  /** Not newer than the last result of their target: replayed duplicates. */
  stale: number;
}

interface Entry {
  name: string;
  contact: AgentContact | null;
  lastContactAt: number | null;
  silentSince: number | null;
  /** Probe time of the newest result ingested, NaN before any. */
  newestT: number;
}

export class AgentDesk {
  /** Target id → its agent (the inventory's AG1 assignment). */
  private assigned = new Map<string, string>();
  /** Agent → its targets. */
  private byAgent = new Map<string, string[]>();
  private readonly agents = new Map<string, Entry>();
  /** Target id → probe time of the newest result taken in (the dedupe of AG5). */
  private readonly lastT = new Map<string, number>();
  private readonly silentMs: number;
  private version = 0;
  /** The first check(): an agent never heard is silent from then on, once silentMs has passed. */
  private watchingSince: number | null = null;
  /** Totals since start, for the logs and tests. */
  readonly dropped = { foreign: 0, stale: 0 };

  constructor(private readonly o: AgentDeskOptions) {
    this.silentMs = o.silentMs ?? AGENT_SILENT_MS;
  }

  /** Bumped whenever something agents() shows changes other than by the clock (the child sends on change). */
  get changes(): number {
    return this.version;
  }

  /** The inventory changed: the assignment again. Agents named nowhere and never heard are forgotten. */
  assign(units: readonly Unit[], points: readonly Point[]): void {
    this.assigned = targetAgents(units, points);
    const by = new Map<string, string[]>();
    for (const [target, agent] of this.assigned) {
      let l = by.get(agent);
      if (!l) by.set(agent, (l = []));
      l.push(target);
    }
    this.byAgent = by;
    for (const name of by.keys()) if (!this.agents.has(name)) this.agents.set(name, entry(name));
    for (const [name, e] of this.agents) if (!by.has(name) && e.lastContactAt === null) this.agents.delete(name);
    const live = new Set(points.flatMap((p) => p.targets.map(targetId)));
    for (const id of this.lastT.keys()) if (!live.has(id)) this.lastT.delete(id);
    this.version++;
  }

  /** Whether an agent probes this target (the centre's router must not). */
  isAgentTarget(id: string): boolean {
    return this.assigned.has(id);
  }

  /** The agent probing this target, if any. */
  agentOf(id: string): string | undefined {
    return this.assigned.get(id);
  }

  /** The targets of an agent. */
  targetsOf(agent: string): readonly string[] {
    return this.byAgent.get(agent) ?? [];
  }

  /** [AG5][AG7] One batch: contact, then its results in order, each once. */
  ingest(batch: AgentIngest, now: number): IngestCount {
    const e = this.heard(batch.agent, batch.contact, now);
    const count: IngestCount = { accepted: 0, foreign: 0, stale: 0 };
    for (const r of batch.results) {
      if (this.assigned.get(r.target) !== batch.agent) {
        count.foreign++;
        continue;
      }
      const last = this.lastT.get(r.target);
      if (last !== undefined && !(r.t > last)) {
        count.stale++;
        continue;
      }
      this.lastT.set(r.target, r.t);
      if (!(r.t <= e.newestT)) e.newestT = r.t;
      count.accepted++;
      this.o.observe(r);
    }
    this.dropped.foreign += count.foreign;
    this.dropped.stale += count.stale;
    if (count.foreign > 0) {
      this.o.logger.warn(
        { agent: batch.agent, foreign: count.foreign },
        'agent results for targets not assigned to it: dropped',
      );
    }
    return count;
  }

  /** [AG7] The agent connected or its connection closed. A closed one is silent at once. */
  contact(agent: string, contact: AgentContact, now: number): void {
    if (contact.connected) {
      this.heard(agent, contact, now);
      return;
    }
    const e = this.entry(agent);
    e.contact = contact;
    this.version++;
    if (e.silentSince === null) this.silence(e, e.lastContactAt ?? now, now);
  }

  /** [AG7] Agents not heard for silentMs go silent (from their last contact). Call every second or so. */
  check(now: number): void {
    this.watchingSince ??= now;
    for (const e of this.agents.values()) {
      if (e.silentSince !== null) continue;
      // Never heard (since this monitor started watching): as silent as one that stopped talking.
      const heard = e.lastContactAt ?? this.watchingSince;
      if (now - heard >= this.silentMs) this.silence(e, heard, now);
    }
  }

  /** Whether the agent is silent now. */
  isSilent(agent: string): boolean {
    return this.agents.get(agent)?.silentSince != null;
  }

  states(now: number): AgentState[] {
    return [...this.agents.values()]
      .map((e) => ({
        name: e.name,
        connected: (e.contact?.connected ?? false) && e.silentSince === null,
        instance: e.contact?.instance ?? null,
        version: e.contact?.version ?? null,
        lastContactAt: e.lastContactAt,
        silentSince: e.silentSince,
        lagMs: Number.isNaN(e.newestT) ? null : Math.max(0, now - e.newestT),
        outboxDepth: e.contact?.outboxDepth ?? 0,
        clockOffsetMs: e.contact?.clockOffsetMs ?? null,
        clockFlagged: e.contact?.clockFlagged ?? false,
        targets: this.targetsOf(e.name).length,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private heard(agent: string, contact: AgentContact, now: number): Entry {
    const e = this.entry(agent);
    e.contact = contact;
    e.lastContactAt = now;
    if (e.silentSince !== null) {
      e.silentSince = null;
      this.o.logger.info({ agent }, 'agent heard again: its results are judged afresh');
      this.o.onSilence?.(agent, null, now);
    }
    this.version++;
    return e;
  }

  private silence(e: Entry, since: number, now: number): void {
    e.silentSince = since;
    this.version++;
    this.o.logger.warn(
      { agent: e.name, since: new Date(since).toISOString() },
      'agent not heard: its targets are unknown (no contact with the probe)',
    );
    // Each target at its own last probe: the replay's results (later) are observed, not dropped.
    for (const id of this.targetsOf(e.name)) this.o.gap(id, this.lastT.get(id) ?? null);
    this.o.onSilence?.(e.name, since, now);
  }

  private entry(agent: string): Entry {
    let e = this.agents.get(agent);
    if (!e) this.agents.set(agent, (e = entry(agent)));
    return e;
  }
}

const entry = (name: string): Entry => ({
  name,
  contact: null,
  lastContactAt: null,
  silentSince: null,
  newestT: NaN,
});
