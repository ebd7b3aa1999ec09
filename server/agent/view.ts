// GET /api/agents' rows (docs/AGENTS.md AG10): the registry merged with the monitor's view of each link
// and with the inventory (the units whose resolved agent it is, how many points it probes). Linear in
// the inventory plus the agents.
import type { AgentLinkView, AgentView } from '../../shared/agent-view';
import { targetAgent, unitAgents, unitsByAgent } from '../../shared/agents';
import type { InventoryData } from '../store/types';
import { toWireInstant, toWireInstantOrNull } from '../../shared/time';
import type { AgentRow } from '../store/agent-types';
import type { AgentState } from './contract';

const link = (s: AgentState): AgentLinkView => ({
  connected: s.connected,
  instance: s.instance,
  version: s.version,
  lastContactAt: toWireInstantOrNull(s.lastContactAt),
  silentSince: toWireInstantOrNull(s.silentSince),
  lagMs: s.lagMs,
  outboxDepth: s.outboxDepth,
  clockOffsetMs: s.clockOffsetMs,
  clockFlagged: s.clockFlagged,
  targets: s.targets,
});

/** Every registered agent, then every name only the inventory or the monitor knows, by name. */
export function agentViews(
  rows: readonly AgentRow[],
  inv: Pick<InventoryData, 'units' | 'points'>,
  states: readonly AgentState[],
): AgentView[] {
  const byUnit = unitAgents(inv.units);
  const units = unitsByAgent(inv.units);
  const points = new Map<string, number>();
  for (const p of inv.points) {
    const names = new Set<string>();
    for (const t of p.targets) {
      const a = targetAgent(t, p, byUnit);
      if (a !== undefined) names.add(a);
    }
    for (const a of names) points.set(a, (points.get(a) ?? 0) + 1);
  }
  const state = new Map(states.map((s) => [s.name, s]));
  const registered = new Map(rows.map((r) => [r.name, r]));
  const names = [...new Set([...registered.keys(), ...units.keys(), ...points.keys(), ...state.keys()])].sort();
  return names.map((name): AgentView => {
    const r = registered.get(name);
    const s = state.get(name);
    return {
      name,
      registered: r !== undefined,
      createdAt: r ? toWireInstant(r.createdAt) : null,
      createdBy: r?.createdBy ?? null,
      tokenSetAt: r ? toWireInstant(r.tokenSetAt) : null,
      revokedAt: r ? toWireInstantOrNull(r.revokedAt) : null,
      units: units.get(name) ?? [],
      points: points.get(name) ?? 0,
      link: s ? link(s) : null,
    };
  });
}
