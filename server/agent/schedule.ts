// What the centre tells one agent to probe (docs/AGENTS.md AG4): its own slice of the inventory. The
// points with at least one target assigned to it (shared/agents.ts), each carrying only those targets and
// no contacts (no one's phone number leaves the centre),
// and the meetings any of them take part in with their participants named explicitly, so the agent's
// own scheduler (server/schedule/scheduler.ts) plans the same windows as the centre's without the units.
// Linear in the inventory for all agents together (agentSchedules); the version is a hash of the content (not of issuedAt), so an inventory
// change that does not touch this agent leaves its schedule as it was.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { targetAgents } from '../../shared/agents';
import type { WindowConfig } from '../../shared/phase';
import { AgentName, Code, Contact, Level, Meeting, Target, type Point, type Unit } from '../../shared/schemas';
import { targetId } from '../../shared/targets';
import { childrenIndex, resolveParticipants } from '../schedule/participants';
import type { CadenceConfig } from '../schedule/scheduler';
import type { AgentSchedule } from './contract';

export interface ScheduleSource {
  units: readonly Unit[];
  points: readonly Point[];
  meetings: readonly Meeting[];
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The schedule of `agent`; `now` is its issuedAt only (the version does not depend on it). */
export function agentSchedule(
  data: ScheduleSource,
  agent: string,
  cadence: CadenceConfig,
  windows: WindowConfig,
  now: number = Date.now(),
): AgentSchedule {
  return agentSchedules(data, cadence, windows, now).get(agent) ?? build([], [], cadence, windows, now);
}

/**
 * Every agent's schedule in one pass over the inventory (points, then each meeting's participants once):
 * linear in the inventory whatever the number of agents. The centre computes them once per inventory
 * change: one pass per agent cost 40 agents × 40,000 points at each change and each connection, and 20
 * agents connecting together held the server's loop for seconds (docs/NATIONAL.md, "Measured").
 */
export function agentSchedules(
  data: ScheduleSource,
  cadence: CadenceConfig,
  windows: WindowConfig,
  now: number = Date.now(),
): Map<string, AgentSchedule> {
  const assigned = targetAgents(data.units, data.points);
  const pointsOf = new Map<string, Point[]>();
  /** Point code → the agents probing any of its targets (a backup line may be another agent's). */
  const agentsOf = new Map<string, string[]>();
  for (const p of data.points) {
    const byAgent = new Map<string, Target[]>();
    for (const t of p.targets) {
      const a = assigned.get(targetId(t));
      if (a === undefined) continue;
      const list = byAgent.get(a);
      if (list) list.push(t);
      else byAgent.set(a, [t]);
    }
    for (const [a, mine] of byAgent) {
      // The agent needs no one's phone number: contacts stay at the centre.
      const list = pointsOf.get(a);
      const point = { ...p, targets: mine, contacts: [] };
      if (list) list.push(point);
      else pointsOf.set(a, [point]);
    }
    if (byAgent.size > 0) agentsOf.set(p.code, [...byAgent.keys()]);
  }
  const meetingsOf = new Map<string, Meeting[]>();
  if (agentsOf.size > 0) {
    const children = childrenIndex(data.units);
    for (const m of data.meetings) {
      const taking = new Map<string, string[]>();
      for (const c of resolveParticipants(m, data.points, data.units, children)) {
        for (const a of agentsOf.get(c) ?? []) {
          const list = taking.get(a);
          if (list) list.push(c);
          else taking.set(a, [c]);
        }
      }
      for (const [a, codes] of taking) {
        codes.sort();
        const list = meetingsOf.get(a) ?? [];
        list.push({
          ...m,
          host: m.host !== null && agentsOf.get(m.host)?.includes(a) ? m.host : null,
          participants: { levels: [], units: [], points: codes },
        });
        meetingsOf.set(a, list);
      }
    }
  }
  const out = new Map<string, AgentSchedule>();
  for (const [a, points] of pointsOf) out.set(a, build(points, meetingsOf.get(a) ?? [], cadence, windows, now));
  return out;
}

function build(
  points: Point[],
  meetings: Meeting[],
  cadence: CadenceConfig,
  windows: WindowConfig,
  now: number,
): AgentSchedule {
  points.sort(byKey((p) => p.code));
  meetings.sort(byKey((m) => m.id));
  const version = createHash('sha256')
    .update(JSON.stringify({ points, meetings, cadence, windows }))
    .digest('hex')
    .slice(0, 32);
  return { version, issuedAt: now, points, meetings, cadence, windows };
}

/**
 * What a schedule must look like where it is read (the agent, from the centre or from the file beside its
 * outbox). Its points are not the inventory's Point: each carries only this agent's targets, so perhaps
 * not its primary line.
 */
const SchedulePoint = z.object({
  code: Code,
  name: z.string().max(300),
  level: Level,
  unit: Code,
  room: z.string().max(300).optional(),
  address: z.string().max(400).optional(),
  // A point carries only this agent's targets: perhaps not its primary line.
  targets: z.array(Target).min(1).max(8),
  contacts: z.array(Contact).max(20).default([]),
  agent: AgentName.optional(),
});
const Ms = z.number().int().min(100).max(86_400_000);
const Minutes = z
  .number()
  .min(0)
  .max(24 * 60);
export const AgentScheduleMessage = z.object({
  version: z.string().min(1).max(128),
  issuedAt: z.number(),
  points: z.array(SchedulePoint).max(100_000),
  meetings: z.array(Meeting).max(10_000),
  cadence: z.object({ idleMs: Ms, lineTestMs: Ms, liveMs: Ms }),
  windows: z.object({ lineTestLeadMin: Minutes, liveLeadMin: Minutes, tailMin: Minutes }),
});
