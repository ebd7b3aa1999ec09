// The monitor's desk of agents (server/agent/desk.ts): the assignment, each result once and in order,
// foreign targets refused, silence from the last contact (or from the first look for an agent never
// heard), each target gapped at its own last probe, and the states agents() reports.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Point, Unit } from '../../../shared/schemas';
import type { AgentContact } from '../../../server/agent/contract';
import { AgentDesk } from '../../../server/agent/desk';
import type { TargetResult } from '../../../server/probe/kinds';
import { tinyProvince } from '../../helpers/app';

const contact = (connected = true): AgentContact => ({
  connected,
  instance: 'i1',
  version: '1.0.0',
  outboxDepth: 7,
  clockOffsetMs: -40,
  clockFlagged: false,
});

function setup(assign: (units: Unit[], points: Point[]) => { units: Unit[]; points: Point[] }) {
  const base = tinyProvince(64, 2);
  const { units, points } = assign(base.units, base.points);
  const observed: TargetResult[] = [];
  const gaps: [string, number | null][] = [];
  const silences: [string, number | null][] = [];
  const desk = new AgentDesk({
    logger: pino({ level: 'silent' }),
    silentMs: 5_000,
    observe: (r) => observed.push(r),
    gap: (id, at) => gaps.push([id, at]),
    onSilence: (agent, since) => silences.push([agent, since]),
  });
  desk.assign(units, points);
  return { desk, observed, gaps, silences, units, points };
}

/** C1 probed by agent `a`, C2 by `b`. */
const twoAgents = (units: Unit[], points: Point[]) => ({
  units: units.map((u) => (u.id === 'C1' ? { ...u, agent: 'a' } : u)),
  points: points.map((p) => (p.code === 'C2' ? { ...p, agent: 'b' } : p)),
});

const r = (target: string, t: number): TargetResult => ({ target, t, rtt: 1 });
const C1 = 'icmp:127.64.1.1';
const C2 = 'icmp:127.64.1.2';

describe('AgentDesk', () => {
  it('[AG1] knows which agent probes which target; the others are the centre’s', () => {
    const { desk } = setup(twoAgents);
    expect(desk.agentOf(C1)).toBe('a');
    expect(desk.agentOf(C2)).toBe('b');
    expect(desk.isAgentTarget('icmp:127.64.0.1')).toBe(false);
    expect(desk.targetsOf('a')).toEqual([C1]);
  });

  it('[AG5] takes each result once, in order: duplicates and other agents’ targets dropped and counted', () => {
    const { desk, observed } = setup(twoAgents);
    const n1 = desk.ingest(
      { agent: 'a', contact: contact(), results: [r(C1, 1_000), r(C1, 2_000), r(C2, 2_000)] },
      5_000,
    );
    expect(n1).toEqual({ accepted: 2, foreign: 1, stale: 0 });
    // The same batch again (its acknowledgement lost), then one overlapping it.
    const n2 = desk.ingest({ agent: 'a', contact: contact(), results: [r(C1, 1_000), r(C1, 2_000)] }, 5_000);
    expect(n2).toEqual({ accepted: 0, foreign: 0, stale: 2 });
    const n3 = desk.ingest({ agent: 'a', contact: contact(), results: [r(C1, 2_000), r(C1, 3_000)] }, 5_000);
    expect(n3).toEqual({ accepted: 1, foreign: 0, stale: 1 });
    expect(observed.map((x) => x.t)).toEqual([1_000, 2_000, 3_000]);
    expect(desk.dropped).toEqual({ foreign: 1, stale: 3 });
  });

  it('[AG7] silent AGENT_SILENT_MS after its last batch: its targets gapped at their own last probe', () => {
    const { desk, gaps, silences } = setup(twoAgents);
    desk.check(0);
    desk.ingest({ agent: 'a', contact: contact(), results: [{ target: C1, t: 900, rtt: 1 }] }, 1_000);
    desk.ingest({ agent: 'b', contact: contact(), results: [] }, 1_000);
    desk.check(5_999);
    expect(gaps).toEqual([]);
    desk.check(6_000);
    // b's target was never observed: gapped with no time (only the reason changes).
    expect(gaps).toEqual([
      [C1, 900],
      [C2, null],
    ]);
    expect(silences).toEqual([
      ['a', 1_000],
      ['b', 1_000],
    ]);
    desk.check(9_000);
    expect(gaps).toHaveLength(2);
    expect(desk.states(9_000)).toMatchObject([
      { name: 'a', connected: false, silentSince: 1_000, lastContactAt: 1_000, lagMs: 8_100, outboxDepth: 7 },
      { name: 'b', connected: false, silentSince: 1_000, lagMs: null, clockOffsetMs: -40 },
    ]);
    // Heard again: not silent, judged afresh from what comes.
    desk.ingest({ agent: 'a', contact: contact(), results: [] }, 9_500);
    expect(silences.at(-1)).toEqual(['a', null]);
    expect(desk.isSilent('a')).toBe(false);
  });

  it('[AG7] a closed connection is silent at once; an agent never heard is silent silentMs after the first look', () => {
    const { desk, silences } = setup(twoAgents);
    desk.check(10_000);
    desk.contact('a', contact(false), 12_000);
    expect(silences).toEqual([['a', 12_000]]);
    desk.check(14_999);
    expect(desk.isSilent('b')).toBe(false);
    desk.check(15_000);
    expect(silences).toEqual([
      ['a', 12_000],
      ['b', 10_000],
    ]);
  });

  it('[AG10] lists every agent the inventory names or that was heard from', () => {
    const { desk, units, points } = setup(twoAgents);
    desk.ingest({ agent: 'x', contact: contact(), results: [{ target: C1, t: 1, rtt: 1 }] }, 1_000);
    expect(desk.states(1_000).map((s) => [s.name, s.targets])).toEqual([
      ['a', 1],
      ['b', 1],
      ['x', 0],
    ]);
    // b no longer named and never heard: forgotten; x was heard: kept.
    desk.assign(
      units,
      points.map((p) => (p.code === 'C2' ? { ...p, agent: undefined } : p)),
    );
    expect(desk.states(1_000).map((s) => s.name)).toEqual(['a', 'x']);
  });
});
