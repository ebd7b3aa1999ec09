// [LE1–LE8] Room endpoints in the lab: real SIPp (and kamailio) in real namespaces, SIP OPTIONS sent
// from the root namespace, the endpoint's scenario actions, and nothing left behind (docs/LAB.md).
// Lab "tep" at 198.18.193.0/24: no other test's name or range, never the demo's.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryFile } from '../../../shared/schemas';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import { endpointsUnavailable, registrarUnavailable } from '../../../server/lab/endpoint';
import { generateScenario } from '../../../server/lab/generate';
import { labInventory } from '../../../server/lab/inventory';
import { Lab } from '../../../server/lab/lab';
import { planLab } from '../../../server/lab/plan';
import { ScenarioError, parseScenario } from '../../../server/lab/scenario';
import { expectedFromTruth, readTruth, type TruthAction } from '../../../server/lab/truth';
import { onPath } from '../../../server/lab/tools';
import { eventually, sipOptions } from './endpoints-sip';
import { alive, expectNoLabObjects, isRoot, pingOnce, tempDir } from './helpers';

const NAME = 'tep';
const BASE = 193;
/** The lab whose owner is killed (a crash): name and base of its own. */
const CRASH = 'tepk';
const CRASH_BASE = 194;
const ROOT = new URL('../../../', import.meta.url).pathname;
const SLOW_MS = 1500;

const scenario = parseScenario({
  name: 'endpoints',
  hubs: [
    {
      id: 'sa',
      registrar: true,
      hosts: [
        { id: 'sa-01', endpoint: true },
        // Behind the responder (delayed namespace): its endpoint runs there, beside the responder.
        { id: 'sa-02', endpoint: true, delay: { ms: 5 } },
        { id: 'sa-03' },
      ],
    },
  ],
  timeline: [],
});

const missing = [!isRoot && 'root', ...['ip', 'nft', 'sipp', 'kamailio'].filter((p) => !onPath(p))].filter(Boolean);
const why = missing.length ? `needs ${missing.join(', ')}` : '';

/** Processes whose command is sipp or kamailio and whose network namespace is one of the lab's. */
function sipProcessesOf(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    try {
      return /^(sipp|kamailio)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
    } catch {
      return false;
    }
  });
}

describe('lab endpoints: scenario and inventory (any user)', () => {
  it('[LE1] points with an endpoint get a SIP target beside their ICMP line; the others do not', () => {
    const plan = planLab(scenario, { name: NAME, base: BASE });
    const inv = InventoryFile.parse(labInventory(plan, scenario, Date.parse('2026-03-06T08:00:00+07:00')));
    const targets = Object.fromEntries(inv.points.map((p) => [p.code, p.targets]));
    expect(targets['sa-01']).toEqual([
      { kind: 'icmp', host: '198.18.193.1', role: 'primary' },
      { kind: 'sip', host: '198.18.193.1', port: 5060, transport: 'udp', role: 'endpoint' },
    ]);
    expect(targets['sa-02']![1]).toMatchObject({ kind: 'sip', host: '198.18.193.2' });
    expect(targets['sa-03']).toEqual([{ kind: 'icmp', host: '198.18.193.3', role: 'primary' }]);
    expect(plan.hubs[0]!.registrar).toBe('198.19.193.2');
  });

  it('[LE1] a generated lab gives the asked share of its hosts an endpoint, without changing the rest', () => {
    const opts = { seed: 7, hosts: 40, outages: 4, lossy: 3, delayed: 2, durationS: 300 };
    const plain = generateScenario(opts);
    const withEndpoints = generateScenario({ ...opts, endpoints: 0.25 });
    const hosts = withEndpoints.hubs.flatMap((h) => h.hosts);
    expect(hosts.filter((h) => h.endpoint)).toHaveLength(10);
    // Same hosts, faults and drops: the endpoints come from a random stream of their own.
    const strip = (s: typeof plain): typeof plain => ({
      ...s,
      hubs: s.hubs.map((h) => ({ ...h, hosts: h.hosts.map((x) => ({ ...x, endpoint: undefined })) })),
    });
    expect(strip(withEndpoints)).toEqual(strip(plain));
    expect(generateScenario({ ...opts, endpoints: 0.25 })).toEqual(withEndpoints);
    expect(() =>
      parseScenario({ durationS: 60, generate: { hubs: 1, hostsPerHub: 2, seed: 1, endpoints: 2 } }),
    ).toThrow(ScenarioError);
  });

  it('[LE2] endpoint actions must name a host with an endpoint, and slow needs its delay', () => {
    const hubs = [{ id: 'a', hosts: [{ id: 'x', endpoint: true }, { id: 'y' }] }];
    const issues = (timeline: unknown[]): string[] => {
      try {
        parseScenario({ hubs, timeline });
      } catch (err) {
        if (err instanceof ScenarioError) return err.issues.map((i) => `${i.path}: ${i.message}`);
        throw err;
      }
      return [];
    };
    expect(issues([{ at: 1, action: 'endpoint-down', host: 'y' }])).toEqual([
      'timeline[0].host: host "y" has no endpoint (endpoint: true)',
    ]);
    expect(issues([{ at: 1, action: 'endpoint-slow', host: 'x' }])[0]).toMatch(/^timeline\[0\]\.delayMs/);
    expect(issues([{ at: 1, action: 'endpoint-slow', host: 'x', delayMs: 800 }])).toEqual([]);
  });

  it('[LE3] without sipp (or kamailio) the lab says why it runs no endpoints (or registrar)', () => {
    expect(endpointsUnavailable(() => false)).toMatch(/^thiếu sipp \(apt-get install sip-tester\)/);
    expect(endpointsUnavailable(() => true)).toBeNull();
    expect(registrarUnavailable(() => false)).toMatch(/^thiếu kamailio/);
  });
});

describe.skipIf(why !== '')(`lab endpoints (root, sipp, kamailio) ${why}`, () => {
  const tmp = tempDir();
  const truthFile = tmp.file('truth.jsonl');
  let lab: Lab;
  let a1: string;
  let a2: string;
  let started: number[] = [];

  beforeAll(async () => {
    await labDown(NAME);
    lab = await Lab.up(scenario, { name: NAME, base: BASE, truthFile, endpoints: 'on' });
    a1 = lab.host('sa-01').address;
    a2 = lab.host('sa-02').address;
    started = sipProcessesOf((await labStatus(NAME)).namespaces.flatMap((n) => n.pids));
  }, 60_000);

  afterAll(async () => {
    await labDown(NAME);
    tmp.remove();
  });

  it('[LE4] every endpoint and the registrar answer OPTIONS from the root namespace with 200', async () => {
    for (const address of [a1, a2]) {
      const answer = await sipOptions(address);
      expect(answer).toMatchObject({ code: 200, server: 'diemcau-lab (SIPp)' });
    }
    expect(await sipOptions(lab.plan.hubs[0]!.registrar!)).toMatchObject({ code: 200 });
    expect(await sipOptions(lab.host('sa-03').address, 5060, 1500)).toBeNull(); // no endpoint there
    // Two SIPp and kamailio (a main process and its workers), all inside the lab's namespaces.
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(lab.endpointMode('sa-01')).toBe('normal');
    expect(lab.endpointMode('sa-03')).toBeNull();
  }, 30_000);

  it('[LE5] endpoint down: no SIP answer while the line still answers ping', async () => {
    const line = await lab.apply({ action: 'endpoint-down', host: 'sa-01' });
    expect(line).toMatchObject({ action: 'endpoint-down', kind: 'endpoint', host: 'sa-01', hosts: ['sa-01'] });
    expect(await sipOptions(a1, 5060, 2500)).toBeNull();
    expect(await pingOnce(a1)).toBe(true);
    expect(await sipOptions(a2)).toMatchObject({ code: 200 }); // its neighbour is untouched
    expect(lab.endpointMode('sa-01')).toBe('down');
  }, 30_000);

  it('[LE6] endpoint refuses: 503 Service Unavailable', async () => {
    await lab.apply({ action: 'endpoint-refuses', host: 'sa-01' });
    expect(await sipOptions(a1)).toMatchObject({ code: 503, reason: 'Service Unavailable' });
    expect(await pingOnce(a1)).toBe(true);
  }, 30_000);

  it('[LE7] endpoint slow: the 200 takes at least the delay (retransmissions answered once)', async () => {
    const line = await lab.apply({ action: 'endpoint-slow', host: 'sa-02', delayMs: SLOW_MS });
    expect(line).toMatchObject({ kind: 'endpoint', delayMs: SLOW_MS });
    const answer = await sipOptions(a2, 5060, SLOW_MS + 3000);
    expect(answer?.code).toBe(200);
    expect(answer!.ms).toBeGreaterThanOrEqual(SLOW_MS);
  }, 30_000);

  it('[LE8] back to normal: 200 again, quickly', async () => {
    await lab.apply({ action: 'endpoint-up', host: 'sa-01' });
    await lab.apply({ action: 'endpoint-up', host: 'sa-02' });
    for (const address of [a1, a2]) {
      const answer = await sipOptions(address);
      expect(answer?.code).toBe(200);
      expect(answer!.ms).toBeLessThan(SLOW_MS);
    }
  }, 30_000);

  it('[LE9] a line cut silences the endpoint too, yet the truth records it as a line fault only', async () => {
    await lab.apply({ action: 'link-down', hub: 'sa' });
    expect(await sipOptions(a1, 5060, 1500)).toBeNull();
    expect(await pingOnce(a1)).toBe(false);
    await lab.apply({ action: 'link-up', hub: 'sa' });
    await eventually(async () => (await sipOptions(a1, 5060, 1500))?.code === 200);

    const lines = readTruth(truthFile);
    const actions = lines.filter((l): l is TruthAction => l.type === 'action');
    expect(actions.map((l) => [l.action, l.kind])).toEqual([
      ['endpoint-down', 'endpoint'],
      ['endpoint-refuses', 'endpoint'],
      ['endpoint-slow', 'endpoint'],
      ['endpoint-up', 'endpoint'],
      ['endpoint-up', 'endpoint'],
      ['link-down', 'line'],
      ['link-up', 'line'],
    ]);
    const start = lines[0];
    expect(start?.type === 'start' && start.hosts.map((h) => [h.id, h.endpoint])).toEqual([
      ['sa-01', true],
      ['sa-02', true],
      ['sa-03', false],
    ]);
    const expected = expectedFromTruth(lines);
    // The cut is a line outage of every host; the endpoint faults are the endpoint actions alone.
    expect(expected.outages.map((o) => [o.point, o.causes])).toEqual([
      ['sa-01', ['link']],
      ['sa-02', ['link']],
      ['sa-03', ['link']],
    ]);
    expect(expected.endpointFaults.map((f) => [f.point, f.mode, f.end !== null])).toEqual([
      ['sa-01', 'down', true],
      ['sa-01', 'refuses', true],
      ['sa-02', 'slow', true],
    ]);
    expect(expected.endpointFaults[2]!.delayMs).toBe(SLOW_MS);
  }, 30_000);

  it('[LE10] teardown leaves no sipp, no kamailio and no namespace of the lab', async () => {
    const now = sipProcessesOf((await labStatus(NAME)).namespaces.flatMap((n) => n.pids));
    expect(now.length).toBeGreaterThanOrEqual(3);
    const report = await lab.down();
    expect(report.processes).toEqual(expect.arrayContaining(now));
    expect([...now, ...started].filter(alive)).toEqual([]);
    await expectNoLabObjects(NAME);
    const left = execFileSync('ps', ['-eo', 'args=']).toString().split('\n');
    expect(left.filter((l) => l.includes(`-i 198.18.${BASE}.`) || l.includes(`udp:198.19.${BASE}.`))).toEqual([]);
  }, 30_000);
});

describe.skipIf(why !== '')(`lab endpoints after a crash (root, sipp, kamailio) ${why}`, () => {
  const tmp = tempDir();
  afterAll(async () => {
    await labDown(CRASH);
    tmp.remove();
  });

  it('[LE10] the owner killed (SIGKILL): its sipp and kamailio outlive it, and the next start ends them', async () => {
    await labDown(CRASH);
    const file = tmp.file('crash.yaml');
    writeFileSync(
      file,
      'durationS: 120\nhubs:\n  - { id: k, registrar: true, hosts: [{ id: k-01, endpoint: true }, { id: k-02 }] }\n',
    );
    const args = ['--import', 'tsx', 'server/lab/main.ts', 'up', '--scenario', file, '--name', CRASH];
    const child = spawn(process.execPath, [...args, '--base', String(CRASH_BASE)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await eventually(async () => output.includes('Chạy kịch bản') || child.exitCode !== null, 30_000);
      expect(output).toContain('Chạy kịch bản');
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    const address = `198.18.${CRASH_BASE}.1`;
    // Detached: the endpoint still answers with its owner gone.
    expect(await sipOptions(address)).toMatchObject({ code: 200 });
    const orphans = sipProcessesOf((await labStatus(CRASH)).namespaces.flatMap((n) => n.pids));
    expect(orphans.length).toBeGreaterThanOrEqual(2);

    // The next start of the name finds the lab stale and cleans it first (the processes of its namespaces).
    const again = await Lab.up(scenario, { name: CRASH, base: CRASH_BASE, endpoints: 'on' });
    try {
      expect(again.staleCleaned?.processes).toEqual(expect.arrayContaining(orphans));
      expect(orphans.filter(alive)).toEqual([]);
      expect(await sipOptions(again.host('sa-01').address)).toMatchObject({ code: 200 });
    } finally {
      await again.down();
    }
    await expectNoLabObjects(CRASH);
  }, 60_000);
});
