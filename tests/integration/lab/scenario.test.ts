// Scenario parsing, the seeded generator, the lab plan and inventory, and truth → expected outages.
// Pure: no root needed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InventoryFile } from '../../../shared/schemas';
import { generateScenario } from '../../../server/lab/generate';
import { labInventory } from '../../../server/lab/inventory';
import { planLab } from '../../../server/lab/plan';
import { ScenarioError, expandTimeline, parseScenario, parseScenarioText } from '../../../server/lab/scenario';
import { expectedFromTruth, parseTruth, stamp, type TruthLine } from '../../../server/lab/truth';

const FIXTURES = new URL('../../fixtures/lab/', import.meta.url).pathname;

function issues(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario file', () => {
  it('parses the documented example with defaults filled in', () => {
    const s = parseScenarioText(readFileSync(`${FIXTURES}small.yaml`, 'utf8'));
    expect(s.name).toBe('small');
    expect(s.hubs.map((h) => [h.id, h.hosts.length])).toEqual([
      ['pd', 3],
      ['qd', 3],
    ]);
    expect(s.hubs[0]!.hosts[1]).toEqual({ id: 'pd-02', name: 'Xã Phong Hiền', lossPercent: 5, delay: null });
    // The default profile swings to either side in turn: jitter the monitor can see (docs/LAB.md).
    expect(s.hubs[0]!.hosts[2]!.delay).toEqual({ ms: 40, jitterMs: 15, profile: 'alternating' });
    const uniform = parseScenario({ hubs: [{ id: 'a', hosts: [{ id: 'x', delay: { ms: 5, profile: 'uniform' } }] }] });
    expect(uniform.hubs[0]!.hosts[0]!.delay).toEqual({ ms: 5, jitterMs: 0, profile: 'uniform' });
    expect(
      issues(() => parseScenario({ hubs: [{ id: 'a', hosts: [{ id: 'x', delay: { ms: 5, profile: 'netem' } }] }] }))[0]
        ?.path,
    ).toBe('hubs[0].hosts[0].delay.profile');
  });

  it('reports each problem with its path and reason', () => {
    const found = issues(() => parseScenarioText(readFileSync(`${FIXTURES}invalid.yaml`, 'utf8'), 'invalid.yaml'));
    const paths = found.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'hubs[0].hosts[0].lossPercent',
        'hubs[0].hosts[1].id',
        'timeline[1].at',
        'timeline[2].action',
      ]),
    );
    expect(found.find((i) => i.path === 'hubs[0].hosts[0].lossPercent')?.message).toMatch(/100/);
  });

  it('reports unknown references and duplicate ids once the shape is right', () => {
    const found = issues(() =>
      parseScenario({
        hubs: [
          { id: 'a', hosts: [{ id: 'x' }, { id: 'y' }] },
          { id: 'a', hosts: [{ id: 'x' }] },
        ],
        timeline: [
          { at: 1, action: 'link-down', hub: 'nowhere' },
          { at: 2, action: 'host-up', host: 'ghost' },
        ],
      }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        { path: 'hubs[1].id', message: 'duplicate hub id "a"' },
        { path: 'hubs[1].hosts[0].id', message: 'duplicate host id "x"' },
        { path: 'timeline[0].hub', message: 'no hub "nowhere"' },
        { path: 'timeline[1].host', message: 'no host "ghost"' },
      ]),
    );
  });

  it('refuses a flap with both or neither subject, a timeline past durationS, and both hubs and generate', () => {
    const hubs = [{ id: 'a', hosts: [{ id: 'x' }] }];
    for (const subject of [{}, { hub: 'a', host: 'x' }]) {
      expect(
        issues(() => parseScenario({ hubs, timeline: [{ at: 1, action: 'flap', ...subject, everyS: 1, forS: 2 }] })),
      ).toEqual([{ path: 'timeline[0]', message: 'give exactly one of hub or host' }]);
    }
    expect(
      issues(() => parseScenario({ hubs, durationS: 5, timeline: [{ at: 9, action: 'link-down', hub: 'a' }] }))[0]
        ?.path,
    ).toBe('durationS');
    expect(issues(() => parseScenario({ hubs, generate: { hubs: 1, hostsPerHub: 1, seed: 1 } }))[0]?.path).toBe('hubs');
    expect(issues(() => parseScenarioText('hubs: [\n  - id: a\n'))[0]?.path).toMatch(/^dòng \d+, cột \d+$/);
  });

  it('unrolls flaps into down/up pairs that end up, in stable time order', () => {
    const s = parseScenario({
      hubs: [{ id: 'a', hosts: [{ id: 'x' }] }],
      timeline: [
        { at: 10, action: 'flap', hub: 'a', everyS: 4, forS: 10 },
        { at: 10, action: 'host-down', host: 'x' },
      ],
    });
    expect(expandTimeline(s).map((a) => [a.atMs, a.action, a.flap ?? null])).toEqual([
      [10_000, 'link-down', 0],
      [10_000, 'host-down', null],
      [14_000, 'link-up', 1],
      [18_000, 'link-down', 2],
      [20_000, 'link-up', 3],
    ]);
    expect(s.durationS).toBe(30);
  });
});

describe('generateScenario', () => {
  const opts = { seed: 42, hosts: 20, outages: 6, lossy: 3, delayed: 2, flapping: 2, durationS: 600 };

  it('is deterministic per seed and differs between seeds', () => {
    expect(generateScenario(opts)).toEqual(generateScenario(opts));
    expect(generateScenario({ ...opts, seed: 43 })).not.toEqual(generateScenario(opts));
  });

  it('gives what was asked: hosts, lossy and delayed hosts, outages of 3–60 s, flaps', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const s = generateScenario({ ...opts, seed });
      parseScenario(s); // a generated scenario is a valid scenario file
      const hosts = s.hubs.flatMap((h) => h.hosts);
      expect(hosts).toHaveLength(20);
      expect(hosts.filter((h) => h.lossPercent === 5)).toHaveLength(3);
      expect(hosts.filter((h) => h.delay?.ms === 40 && h.delay.jitterMs === 15)).toHaveLength(2);
      const downs = s.timeline.filter((e) => e.action === 'link-down' || e.action === 'host-down');
      expect(downs).toHaveLength(6);
      for (const d of downs) {
        const subject = 'hub' in d ? d.hub : d.host;
        const up = s.timeline.find(
          (e) =>
            e.at > d.at && e.action === d.action.replace('down', 'up') && ('hub' in e ? e.hub : e.host) === subject,
        );
        expect(up!.at - d.at).toBeGreaterThanOrEqual(3);
        expect(up!.at - d.at).toBeLessThanOrEqual(60);
      }
      expect(s.timeline.filter((e) => e.action === 'flap')).toHaveLength(2);
      // Lossy and delayed hosts get no outage of their own.
      const special = new Set(hosts.filter((h) => h.lossPercent > 0 || h.delay).map((h) => h.id));
      expect(s.timeline.filter((e) => 'host' in e && e.host !== undefined && special.has(e.host))).toEqual([]);
    }
  });

  it('expands a generator block in a scenario file', () => {
    const s = parseScenario({ durationS: 300, generate: { hubs: 3, hostsPerHub: 4, seed: 9, outages: 2 } });
    expect(s.hubs.map((h) => h.hosts.length)).toEqual([4, 4, 4]);
    expect(s.timeline).toHaveLength(4);
    expect(s).toEqual(parseScenario({ durationS: 300, generate: { hubs: 3, hostsPerHub: 4, seed: 9, outages: 2 } }));
  });

  it('says so when the faults cannot fit the duration', () => {
    expect(() => generateScenario({ seed: 1, hosts: 1, outages: 20, durationS: 60 })).toThrow(/cannot fit/);
    expect(
      issues(() => parseScenario({ durationS: 60, generate: { hubs: 1, hostsPerHub: 1, seed: 1, outages: 20 } })),
    ).toEqual([{ path: 'generate', message: expect.stringMatching(/cannot fit/) }]);
  });
});

describe('lab plan and inventory', () => {
  const s = generateScenario({ seed: 5, hosts: 10, hubs: 2, delayed: 1 });

  it('names everything with the lab prefixes, interfaces within 15 characters', () => {
    const plan = planLab(s, { name: 'abcdef', base: 254 });
    expect(plan.hubs.map((h) => h.netns)).toEqual(['dc-lab-abcdef-0', 'dc-lab-abcdef-1']);
    expect(plan.hubs.map((h) => h.prefix)).toEqual(['198.18.254.0/24', '198.18.255.0/24']);
    for (const h of plan.hubs)
      for (const l of [h.rootLink, h.hubLink, h.innerLink, h.delayedLink])
        expect(l).toMatch(/^dcl-abcdef-\d{1,3}[abcd]$/);
    expect(() => planLab(s, { name: 'abcdef', base: 255 })).toThrow(/base/);
    expect(() => planLab(s, { name: 'Bad-Name', base: 0 })).toThrow(/lab name/);
  });

  it('writes an inventory the monitor accepts: province → district per hub → commune per host', () => {
    const plan = planLab(s, { name: 'lab', base: 0 });
    const inv = InventoryFile.parse(labInventory(plan, s, Date.parse('2026-03-06T08:00:00+07:00')));
    expect(inv.units.filter((u) => u.level === 'province')).toHaveLength(1);
    expect(inv.units.filter((u) => u.level === 'district').map((u) => u.parent)).toEqual(['lab-tinh', 'lab-tinh']);
    expect(inv.points).toHaveLength(10);
    expect(inv.points[0]).toMatchObject({
      code: 'h01-01',
      level: 'commune',
      targets: [{ kind: 'icmp', host: '198.18.0.1', role: 'primary' }],
    });
    expect(inv.points[0]!.name).toMatch(/^Điểm cầu (Xã|Phường|Thị trấn) /);
    const m = inv.meetings[0]!;
    expect(m.session.start).toBe('2026-03-06T07:59:00.000+07:00');
    expect(m.lineTest.start).toBe('2026-03-05T15:00:00.000+07:00');
  });
});

const host = (id: string, hub: string, lossPercent = 0): object => ({
  id,
  name: id,
  hub,
  address: `198.18.0.${id.length}`,
  lossPercent,
  delay: null,
});
const act = (t: number, action: string, subject: Record<string, string>, hosts: string[], extra = {}): object => ({
  type: 'action',
  ...stamp(t),
  action,
  ...subject,
  hosts,
  ...extra,
});

describe('expectedFromTruth', () => {
  const start = {
    type: 'start',
    ...stamp(1000),
    lab: 'lab',
    scenario: 's',
    durationS: 100,
    hubs: [],
    hosts: [host('a1', 'a'), host('a2', 'a', 5), host('b1', 'b', 5), host('b2', 'b', 30)],
  };
  const lines = parseTruth(
    [
      start,
      act(2000, 'link-down', { hub: 'a' }, ['a1', 'a2']),
      act(3000, 'host-down', { host: 'a1' }, ['a1']),
      act(5000, 'link-up', { hub: 'a' }, ['a1', 'a2']),
      act(8000, 'host-up', { host: 'a1' }, ['a1']),
      act(9000, 'host-down', { host: 'b1' }, ['b1']),
      act(9500, 'host-up', { host: 'b1' }, ['b1']),
      act(12000, 'host-down', { host: 'a2' }, ['a2']),
    ]
      .map((l) => JSON.stringify(l))
      .join('\n'),
  );

  it('merges line and power cuts per host and leaves an unfinished cut open', () => {
    const exp = expectedFromTruth(lines);
    expect(exp.outages.map((o) => [o.point, o.start, o.end, o.causes])).toEqual([
      ['a1', 2000, 8000, ['link', 'host']],
      ['a2', 2000, 5000, ['link']],
      ['b1', 9000, 9500, ['host']],
      ['a2', 12000, null, ['host']],
    ]);
    expect(exp.complete).toBe(false);
    expect(exp.endT).toBe(12000);
  });

  it('sorts lossy hosts into lossy-only, heavy loss, and ones with outages', () => {
    const summary: TruthLine = {
      type: 'summary',
      ...stamp(20000),
      startT: 1000,
      actions: 7,
      aborted: false,
      linksDown: [],
      hostsDown: ['a2'],
      maxLagMs: 3,
    };
    const exp = expectedFromTruth([...lines, summary]);
    expect(exp.lossy.sort()).toEqual(['a2', 'b1', 'b2']);
    expect(exp.lossyOnly).toEqual([]); // a2 and b1 had outages
    expect(exp.heavyLoss).toEqual(['b2']);
    expect(exp.complete).toBe(true);
    expect(exp.endT).toBe(20000);
  });

  it('rejects a malformed truth line with its line number', () => {
    expect(() => parseTruth('{"type":"start"}\n', 'x.jsonl')).toThrow(/x\.jsonl:1/);
  });
});
