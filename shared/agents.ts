// Which remote probe agent probes a target (docs/AGENTS.md): the target's own `agent`, else its point's,
// else the nearest unit up the tree that names one; none means the centre's own engines. Linear in the
// inventory (each unit's answer is computed once), and a cycle in bad unit data ends the walk.
import type { Point, Target, Unit } from './schemas';
import { targetId } from './targets';

/** Unit id → the agent it (or its nearest ancestor) names; units with none are absent. */
export function unitAgents(units: readonly Unit[]): Map<string, string> {
  const byId = new Map(units.map((u) => [u.id, u]));
  const memo = new Map<string, string | null>();
  const resolve = (id: string): string | null => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    // Walk up until an answer (given or already known), then write it down the path walked.
    const path: string[] = [];
    const seen = new Set<string>();
    let cur: string | null = id;
    let found: string | null = null;
    while (cur !== null && !seen.has(cur)) {
      const m = memo.get(cur);
      if (m !== undefined) {
        found = m;
        break;
      }
      seen.add(cur);
      path.push(cur);
      const u = byId.get(cur);
      if (!u) break;
      if (u.agent !== undefined) {
        found = u.agent;
        break;
      }
      cur = u.parent;
    }
    for (const p of path) memo.set(p, found);
    return found;
  };
  const out = new Map<string, string>();
  for (const u of units) {
    const a = resolve(u.id);
    if (a !== null) out.set(u.id, a);
  }
  return out;
}

/** The units each agent probes (its own and their descendants' with no agent of their own), sorted. */
export function unitsByAgent(units: readonly Unit[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [unit, agent] of unitAgents(units)) out.set(agent, [...(out.get(agent) ?? []), unit]);
  for (const list of out.values()) list.sort();
  return out;
}

/** The agent that probes target `t` of point `p` (AG1: the target's, else the point's, else its unit's). */
export function targetAgent(t: Target, p: Point, byUnit: ReadonlyMap<string, string>): string | undefined {
  return t.agent ?? p.agent ?? byUnit.get(p.unit);
}

/** The agent of each point's target, by target id; targets the centre probes itself are absent. */
export function targetAgents(units: readonly Unit[], points: readonly Point[]): Map<string, string> {
  const byUnit = unitAgents(units);
  const out = new Map<string, string>();
  for (const p of points) {
    for (const t of p.targets) {
      const a = targetAgent(t, p, byUnit);
      if (a !== undefined) out.set(targetId(t), a);
    }
  }
  return out;
}
