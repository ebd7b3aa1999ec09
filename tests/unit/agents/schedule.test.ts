// An agent's schedule (server/agent/schedule.ts, docs/AGENTS.md AG4): its points with only its targets,
// the meetings reduced to those points, and a version that follows the content.
import { describe, expect, it } from 'vitest';
import { AgentScheduleMessage, agentSchedule, agentSchedules } from '../../../server/agent/schedule';
import { DEFAULT_CADENCE, planProbes } from '../../../server/schedule/scheduler';
import { DEFAULT_WINDOWS } from '../../../shared/phase';
import { Meeting, Point, Unit } from '../../../shared/schemas';
import { targetId } from '../../../shared/targets';

const units = [
  { id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null },
  { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P', agent: 'tram-d1' },
  { id: 'C1', name: 'Xã Một', level: 'commune', parent: 'D1' },
  { id: 'C2', name: 'Xã Hai', level: 'commune', parent: 'D1' },
  { id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' },
  { id: 'C3', name: 'Xã Ba', level: 'commune', parent: 'D2' },
].map((u) => Unit.parse(u));

const points = [
  Point.parse({
    code: 'P',
    name: 'Điểm cầu tỉnh',
    level: 'province',
    unit: 'P',
    targets: [{ kind: 'icmp', host: '127.0.0.1' }],
  }),
  Point.parse({
    code: 'D1',
    name: 'Điểm cầu huyện Một',
    level: 'district',
    unit: 'D1',
    targets: [{ kind: 'icmp', host: '127.0.1.1' }],
  }),
  // Inherits tram-d1 from D1 through C1; its SIP endpoint is probed by the centre (target override).
  Point.parse({
    code: 'C1',
    name: 'Điểm cầu xã Một',
    level: 'commune',
    unit: 'C1',
    targets: [
      { kind: 'icmp', host: '127.0.1.2' },
      { kind: 'icmp', host: '127.0.1.3', role: 'backup' },
      { kind: 'sip', host: '127.0.1.2', agent: 'tram-trung-tam' },
    ],
  }),
  Point.parse({
    code: 'C2',
    name: 'Điểm cầu xã Hai',
    level: 'commune',
    unit: 'C2',
    targets: [{ kind: 'icmp', host: '127.0.1.4' }],
  }),
  // In D2 (no agent), but its backup line goes through tram-d1 (a target-level override).
  Point.parse({
    code: 'C3',
    name: 'Điểm cầu xã Ba',
    level: 'commune',
    unit: 'C3',
    contacts: [{ name: 'Trần Thị Kỹ', phone: '0912 000 111' }],
    targets: [
      { kind: 'icmp', host: '127.0.2.1' },
      { kind: 'icmp', host: '127.0.2.2', role: 'backup', agent: 'tram-d1' },
    ],
  }),
];

const meeting = (id: string, participants: object, host: string | null = null) =>
  Meeting.parse({
    id,
    title: `Hội nghị ${id}`,
    host,
    lineTest: { start: '2026-12-04T08:00:00+07:00', durationMin: 60 },
    session: { start: '2026-12-05T08:00:00+07:00', plannedEnd: '2026-12-05T11:00:00+07:00' },
    participants,
  });

const meetings = [
  meeting('ALL', { levels: ['province', 'district', 'commune'] }, 'P'),
  meeting('D2-ONLY', { units: ['D2'], levels: ['commune'] }, 'C3'),
  meeting('PROVINCE', { levels: ['province'] }, 'P'),
];

const data = { units, points, meetings };
/** A point's target ids. */
const of = (code: string) => points.find((p) => p.code === code)!.targets.map((t) => targetId(t));

describe('agentSchedule', () => {
  const s = agentSchedule(data, 'tram-d1', DEFAULT_CADENCE, DEFAULT_WINDOWS, 1_000);

  it('carries the points with a target of this agent, each with only those targets', () => {
    expect(s.points.map((p) => p.code)).toEqual(['C1', 'C2', 'C3', 'D1']);
    const byCode = new Map(s.points.map((p) => [p.code, p]));
    // Inherited from the unit tree; the SIP target assigned elsewhere is left out.
    expect(byCode.get('C1')!.targets.map((t) => targetId(t))).toEqual(['icmp:127.0.1.2', 'icmp:127.0.1.3']);
    // A target-level override brings one target of a point outside the agent's units.
    expect(byCode.get('C3')!.targets).toEqual([{ kind: 'icmp', host: '127.0.2.2', role: 'backup', agent: 'tram-d1' }]);
    // The point's own fields are kept, its contacts are not.
    expect(byCode.get('C3')).toMatchObject({ name: 'Điểm cầu xã Ba', level: 'commune', unit: 'C3' });
    expect(points.find((p) => p.code === 'C3')!.contacts).toHaveLength(1);
    expect(s.points.every((p) => p.contacts.length === 0)).toBe(true);
    expect(s.issuedAt).toBe(1_000);
    expect(s.cadence).toEqual(DEFAULT_CADENCE);
    expect(s.windows).toEqual(DEFAULT_WINDOWS);
  });

  it('reduces the meetings to those points, named explicitly, host only when one of them', () => {
    expect(s.meetings.map((m) => m.id)).toEqual(['ALL', 'D2-ONLY']);
    const all = s.meetings.find((m) => m.id === 'ALL')!;
    expect(all.participants).toEqual({ levels: [], units: [], points: ['C1', 'C2', 'C3', 'D1'] });
    expect(all.host).toBeNull(); // P is not the agent's
    const d2 = s.meetings.find((m) => m.id === 'D2-ONLY')!;
    expect(d2.participants).toEqual({ levels: [], units: [], points: ['C3'] });
    expect(d2.host).toBe('C3');
    expect(d2.lineTest).toEqual(meetings[1]!.lineTest);
  });

  it('plans on the agent the same cadences the centre would plan for those targets', () => {
    const now = Date.parse('2026-12-05T08:30:00+07:00'); // ALL live (and D2-ONLY)
    const centre = planProbes({ ...data, now });
    const agent = planProbes({ points: s.points, units: [], meetings: s.meetings, now });
    const mine = new Set(agent.targets.map((t) => t.id));
    expect(mine.size).toBe(5);
    expect(centre.targets.filter((t) => mine.has(t.id)).map((t) => [t.id, t.intervalMs])).toEqual(
      agent.targets.map((t) => [t.id, t.intervalMs]),
    );
    expect(agent.targets.every((t) => t.intervalMs === DEFAULT_CADENCE.liveMs)).toBe(true);
  });

  it('has a version that follows the content, not the time of issue', () => {
    expect(agentSchedule(data, 'tram-d1', DEFAULT_CADENCE, DEFAULT_WINDOWS, 9_999).version).toBe(s.version);
    // A change elsewhere (a point of another agent) leaves it as it was.
    const moved = points.map((p) => (p.code === 'P' ? { ...p, name: 'Điểm cầu tỉnh (mới)' } : p));
    expect(agentSchedule({ ...data, points: moved }, 'tram-d1', DEFAULT_CADENCE, DEFAULT_WINDOWS).version).toBe(
      s.version,
    );
    // A change of its own points, meetings or cadence changes it.
    const renamed = points.map((p) => (p.code === 'C2' ? { ...p, name: 'Điểm cầu xã Hai (mới)' } : p));
    expect(agentSchedule({ ...data, points: renamed }, 'tram-d1', DEFAULT_CADENCE, DEFAULT_WINDOWS).version).not.toBe(
      s.version,
    );
    const faster = { ...DEFAULT_CADENCE, liveMs: 500 };
    expect(agentSchedule(data, 'tram-d1', faster, DEFAULT_WINDOWS).version).not.toBe(s.version);
  });

  it('reads back where it is received, a point without its primary line included', () => {
    const wire = JSON.parse(JSON.stringify(s)) as unknown;
    const read = AgentScheduleMessage.safeParse(wire);
    expect(read.success).toBe(true);
    expect(read.data).toEqual(s);
    // The inventory's own rule (one primary line a point) would refuse C3's slice.
    expect(Point.safeParse(s.points.find((p) => p.code === 'C3')).success).toBe(false);
    const broken = { ...s, cadence: { ...s.cadence, liveMs: -1 } };
    expect(AgentScheduleMessage.safeParse(broken).success).toBe(false);
  });

  it('is empty for an agent with no targets', () => {
    const none = agentSchedule(data, 'tram-khac', DEFAULT_CADENCE, DEFAULT_WINDOWS);
    expect(none.points).toEqual([]);
    expect(none.meetings).toEqual([]);
  });

  it('gives every agent its slice in one pass: a point split between two agents is in both, each with its own targets', () => {
    const all = agentSchedules(data, DEFAULT_CADENCE, DEFAULT_WINDOWS, 5);
    expect([...all.keys()].sort()).toEqual(['tram-d1', 'tram-trung-tam']);
    const centre = all.get('tram-trung-tam')!;
    expect(centre.points.map((p) => [p.code, p.targets.map((t) => t.kind)])).toEqual([['C1', ['sip']]]);
    // C1 takes part in ALL only (a commune: not PROVINCE; not under D2).
    expect(centre.meetings.map((m) => [m.id, m.participants.points, m.host])).toEqual([['ALL', ['C1'], null]]);
    // The same slice as asked for one agent alone, and the same version.
    for (const [name, sched] of all) {
      expect(sched).toEqual(agentSchedule(data, name, DEFAULT_CADENCE, DEFAULT_WINDOWS, 5));
    }
    // Every assigned target in exactly one agent's slice.
    const ids = [...all.values()].flatMap((x) => x.points.flatMap((p) => p.targets.map((t) => targetId(t))));
    expect(new Set(ids).size).toBe(ids.length);
    // D1, C1 (three targets) and C2 under tram-d1's unit, C3's backup line by override; not P, not C3's primary.
    expect(ids.sort()).toEqual([...of('D1'), ...of('C1'), ...of('C2'), of('C3')[1]!].sort());
  });
});
