// A real 2 hubs × 3 hosts lab in network namespaces: reachability, line cuts, power cuts, cleanup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { run } from '../../../server/lab/sys';
import { alive, expectNoLabObjects, isRoot, labObjects, reachable } from './helpers';

/** `ip route get`: "blackhole" when the lab range's blackhole route catches the address. */
async function routeOf(address: string): Promise<string> {
  return run('ip', ['-j', 'route', 'get', address]).then(
    (r) => (JSON.parse(r.stdout) as { dev?: string }[])[0]?.dev ?? '?',
    () => 'blackhole',
  );
}

const NAME = 'tt';
const scenario = parseScenario({
  name: 'topology',
  hubs: [
    { id: 'pd', hosts: [{ id: 'pd-01' }, { id: 'pd-02' }, { id: 'pd-03', delay: { ms: 5, jitterMs: 0 } }] },
    { id: 'qd', hosts: [{ id: 'qd-01' }, { id: 'qd-02' }, { id: 'qd-03' }] },
  ],
});

describe.skipIf(!isRoot)('lab topology (root)', () => {
  let lab: Lab;
  const addr = (id: string): string => lab.host(id).address;
  const all = (): string[] => lab.plan.hosts.map((h) => h.address);
  const only = (down: string[]): Record<string, boolean> =>
    Object.fromEntries(lab.plan.hosts.map((h) => [h.address, !down.includes(h.id)]));

  beforeAll(async () => {
    await labDown(NAME);
    lab = await Lab.up(scenario, { name: NAME, base: 120 });
  });
  afterAll(async () => {
    await labDown(NAME);
  });

  it('gives each host an address in its hub prefix, named with the lab prefix', () => {
    expect(lab.plan.hubs.map((h) => [h.netns, h.prefix, h.rootLink])).toEqual([
      ['dc-lab-tt-0', '198.18.120.0/24', 'dcl-tt-0a'],
      ['dc-lab-tt-1', '198.18.121.0/24', 'dcl-tt-1a'],
    ]);
    expect(lab.plan.hosts.map((h) => h.address)).toEqual([
      '198.18.120.1',
      '198.18.120.2',
      '198.18.120.3',
      '198.18.121.1',
      '198.18.121.2',
      '198.18.121.3',
    ]);
    for (const h of lab.plan.hubs)
      for (const l of [h.rootLink, h.hubLink, h.innerLink, h.delayedLink]) expect(l.length).toBeLessThanOrEqual(15);
  });

  it('answers ping on every host address from the root namespace', async () => {
    expect(await reachable(all())).toEqual(only([]));
  });

  it('routes lab hosts through their hub and drops the rest of 198.18.0.0/15 (never the default route)', async () => {
    expect((await labStatus(NAME)).blackhole).toBe(true);
    expect(await routeOf(addr('pd-01'))).toBe('dcl-tt-0a');
    expect(await routeOf(addr('qd-03'))).toBe('dcl-tt-1a');
    // In the range but in no hub (of this lab or any other the tests use).
    expect(await routeOf('198.18.250.1')).toBe('blackhole');
    expect(await routeOf('198.19.250.1')).toBe('blackhole');
  });

  it('link down cuts all of a hub’s hosts (delayed ones too); link up restores them', async () => {
    await lab.apply({ action: 'link-down', hub: 'pd' });
    expect(await reachable(all())).toEqual(only(['pd-01', 'pd-02', 'pd-03']));
    const status = await labStatus(NAME);
    expect(status.namespaces.find((n) => n.netns === 'dc-lab-tt-0')?.uplink).toEqual({ name: 'dcl-tt-0b', up: false });
    await lab.apply({ action: 'link-up', hub: 'pd' });
    expect(await reachable(all())).toEqual(only([]));
  });

  it('host down silences one host only; host up brings it back', async () => {
    await lab.apply({ action: 'host-down', host: 'qd-02' });
    await lab.apply({ action: 'host-down', host: 'pd-03' });
    expect(await reachable(all())).toEqual(only(['qd-02', 'pd-03']));
    expect((await labStatus(NAME)).namespaces.find((n) => n.hub === 'qd')?.hostsDown).toEqual([addr('qd-02')]);
    await lab.apply({ action: 'host-up', host: 'qd-02' });
    await lab.apply({ action: 'host-up', host: 'pd-03' });
    // A second "up" of a host that is up is harmless.
    await lab.apply({ action: 'host-up', host: 'pd-03' });
    expect(await reachable(all())).toEqual(only([]));
  });

  it('status lists the lab’s namespaces, hubs and responder', async () => {
    const s = await labStatus(NAME);
    expect(s.namespaces.map((n) => [n.netns, n.lab, n.hub, n.delayed]).sort()).toEqual([
      ['dc-lab-tt-0', 'tt', 'pd', false],
      ['dc-lab-tt-0d', 'tt', 'pd', true],
      ['dc-lab-tt-1', 'tt', 'qd', false],
    ]);
    expect(s.namespaces.find((n) => n.delayed)?.pids).toHaveLength(1);
    expect(s.links.map((l) => l.name).sort()).toEqual(['dcl-tt-0a', 'dcl-tt-1a']);
  });

  it('refuses a second lab with the same name, changing nothing', async () => {
    const before = await labObjects(NAME);
    // A free range (never the demo's 200+): the name alone is refused.
    await expect(Lab.up(scenario, { name: NAME, base: 125 })).rejects.toThrow(/đang tồn tại/);
    expect(await labObjects(NAME)).toEqual(before);
  });

  it('refuses address ranges that are already routed', async () => {
    await expect(Lab.up(scenario, { name: 'tt2', base: 121 })).rejects.toThrow(/198\.18\.121\.0\/24/);
    await expectNoLabObjects('tt2');
  });

  it('down removes namespaces, links, routes and the responder; a second down is a no-op', async () => {
    const pids = (await labStatus(NAME)).namespaces.flatMap((n) => n.pids);
    expect(pids.length).toBeGreaterThan(0);
    const report = await lab.down();
    expect(report.namespaces.sort()).toEqual(['dc-lab-tt-0', 'dc-lab-tt-0d', 'dc-lab-tt-1']);
    await expectNoLabObjects(NAME);
    expect(pids.filter(alive)).toEqual([]);
    // The blackhole goes with the last lab only; while it stays, the lab's old addresses are caught.
    expect(['removed', 'kept']).toContain(report.blackhole);
    expect((await routeOf(addr('pd-01'))) === 'blackhole').toBe(report.blackhole === 'kept');
    expect(await labDown(NAME)).toMatchObject({ namespaces: [], links: [], processes: [] });
  });
});
