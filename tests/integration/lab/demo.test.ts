// `serve --demo` on the lab: the demo province mapped onto hubs and hosts, the fallback and its
// reasons, and (as root) the real command: its points probed in the lab, Ctrl-C stopping the server
// first and then taking the lab down.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InventoryFile, type PointStatus } from '../../../shared/schemas';
import { loadInventoryFile } from '../../../server/config/load';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import {
  DEMO_LAB_BASE,
  DEMO_LAB_NAME,
  DEMO_LOOP_S,
  demoInventoryOnLab,
  demoLabPlace,
  demoLabScenario,
  demoLabUnavailable,
  demoOnLab,
} from '../../../server/lab/demo';
import { planLab } from '../../../server/lab/plan';
import { expandTimeline } from '../../../server/lab/scenario';
import { login } from '../../helpers/app';
import { expectNoLabObjects, isRoot, tempDir } from './helpers';
import { targetHost } from '../../../shared/targets';

const ROOT = new URL('../../../', import.meta.url).pathname;
const demo = loadInventoryFile(`${ROOT}config/demo.yaml`);
/** The tests' demo lab: never the name or the 198.18.200.0/24+ range of an `npm start` running alongside. */
const TEST_DEMO = { DIEMCAU_DEMO_LAB_NAME: 'tdemo', DIEMCAU_DEMO_LAB_BASE: '60' };

describe('the demo province as a lab (any user)', () => {
  const scenario = demoLabScenario(demo);

  it('makes a hub per district plus the province, a host per point with its code', () => {
    const districts = demo.units.filter((u) => u.level === 'district');
    expect(scenario.hubs).toHaveLength(districts.length + 1);
    expect(scenario.hubs.map((h) => h.id).sort()).toEqual(['HT', ...districts.map((d) => d.id)].sort());
    const hosts = scenario.hubs.flatMap((h) => h.hosts);
    expect(hosts.map((h) => h.id).sort()).toEqual(demo.points.map((p) => p.code).sort());
    // Each district's hub holds its own point and its communes'.
    const canLoc = scenario.hubs.find((h) => h.id === 'HT-CL')!;
    expect(canLoc.name).toBe('Huyện Can Lộc');
    expect(canLoc.hosts.map((h) => h.id)).toContain('HT-CL-DONG-LOC');
    expect(scenario.province).toEqual({ id: 'HT', name: 'Tỉnh Hà Tĩnh' });
  });

  it('keeps a few communes flaky and cuts one now and then, in a 10-minute loop that ends restored', () => {
    const hosts = scenario.hubs.flatMap((h) => h.hosts);
    const lossy = hosts.filter((h) => h.lossPercent > 0);
    expect(lossy.map((h) => h.lossPercent).sort((a, b) => a - b)).toEqual([3, 3, 4, 12]);
    expect(hosts.filter((h) => h.delay)).toEqual([
      expect.objectContaining({ delay: { ms: 40, jitterMs: 15, profile: 'alternating' } }),
    ]);
    const communes = new Set(demo.points.filter((p) => p.level === 'commune').map((p) => p.code));
    for (const h of [...lossy, ...hosts.filter((x) => x.delay)]) expect(communes.has(h.id)).toBe(true);
    expect(scenario.durationS).toBe(DEMO_LOOP_S);
    const actions = expandTimeline(scenario);
    expect(actions[0]!.atMs).toBeLessThanOrEqual(60_000); // a newcomer sees one soon
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining(['host-down', 'host-up', 'link-down', 'link-up']),
    );
    // Every cut is undone before the loop starts again.
    const down = new Set<string>();
    for (const a of actions) {
      const key = `${a.hub ?? a.host}`;
      if (a.action.endsWith('-down')) down.add(key);
      if (a.action.endsWith('-up')) down.delete(key);
    }
    expect([...down]).toEqual([]);
    expect(demoLabScenario(demo)).toEqual(scenario); // deterministic
  });

  it('moves each primary target into the lab and leaves the backup lines on loopback', () => {
    const plan = planLab(scenario, { name: DEMO_LAB_NAME, base: DEMO_LAB_BASE });
    const onLab = InventoryFile.parse(demoInventoryOnLab(demo, plan));
    for (const p of onLab.points) {
      const primary = p.targets.find((t) => t.role === 'primary')!;
      expect(targetHost(primary)).toBe(plan.hosts.find((h) => h.id === p.code)!.address);
      expect(targetHost(primary)).toMatch(/^198\.18\.2\d\d\.\d+$/);
      for (const b of p.targets.filter((t) => t.role === 'backup')) expect(targetHost(b)).toMatch(/^127\.21\./);
    }
    expect(onLab.meetings).toEqual(demo.meetings);
  });

  it('runs as lab "demo" from 198.18.200.0/24 unless the environment names another lab and base', () => {
    expect(demoLabPlace({})).toEqual({ name: DEMO_LAB_NAME, base: DEMO_LAB_BASE });
    expect(demoLabPlace(TEST_DEMO)).toEqual({ name: 'tdemo', base: 60 });
    expect(() => demoLabPlace({ DIEMCAU_DEMO_LAB_NAME: 'Demo-2' })).toThrow(/DIEMCAU_DEMO_LAB_NAME/);
    expect(() => demoLabPlace({ DIEMCAU_DEMO_LAB_BASE: '300' })).toThrow(/DIEMCAU_DEMO_LAB_BASE/);
    // The tests' demo lab fits below the real demo's range.
    expect(60 + demoLabScenario(demo).hubs.length).toBeLessThanOrEqual(DEMO_LAB_BASE);
  });

  it('says why it stays on loopback: not Linux, not root, tools missing, or turned off', async () => {
    expect(demoLabUnavailable({ platform: 'darwin', uid: 0 })).toMatch(/Linux/);
    expect(demoLabUnavailable({ platform: 'linux', uid: 1000 })).toMatch(/root/);
    expect(demoLabUnavailable({ platform: 'linux', uid: 0, has: (p) => p !== 'nft' })).toMatch(/nft/);
    expect(demoLabUnavailable({ platform: 'linux', uid: 0, has: () => true })).toBeNull();
    const off = await demoOnLab(demo, 'off');
    expect(off.lab).toBeNull();
    expect(off.file).toBe(demo);
    expect(off.note).toContain('loopback');
  });
});

describe.skipIf(!isRoot)('npm start as root: the demo in the lab (root)', () => {
  const tmp = tempDir();
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    for (const key of Object.keys(TEST_DEMO)) delete process.env[key];
    await labDown(TEST_DEMO.DIEMCAU_DEMO_LAB_NAME);
    tmp.remove();
  });

  it('[LE11] probes the demo points in the lab, the hung codec shows as line up, endpoint down; Ctrl-C stops the server, then takes the lab down', async () => {
    const name = TEST_DEMO.DIEMCAU_DEMO_LAB_NAME;
    await labDown(name); // only if stale: a live owner's lab is kept
    const args = ['bin/diemcau.mjs', 'serve', '--config', 'config/demo.yaml', '--db', tmp.file('demo.sqlite')];
    child = spawn(process.execPath, [...args, '--port', '0', '--host', '127.0.0.1', '--demo'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...TEST_DEMO },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child!.on('exit', (code) => r(code)));
    const until = Date.now() + 60_000;
    while (!/Tài khoản quản trị demo.*\n[\s\S]*Demo trong phòng thí nghiệm mạng/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve --demo did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /diemcau: (http:\/\/\S+?)\/? /.exec(out)![1]!;
    const password = /admin\s+\/\s+(\S+)/.exec(out)![1]!;

    const status = await labStatus(name);
    expect(status.blackhole).toBe(true);
    expect(status.namespaces.filter((n) => !n.delayed)).toHaveLength(demoLabScenario(demo).hubs.length);
    expect(status.namespaces.every((n) => n.netns.startsWith(`dc-lab-${name}-`))).toBe(true);
    expect(status.labs).toEqual([expect.objectContaining({ name, ownership: 'live', pid: child.pid })]);

    // [H18.6] A second demo for the same lab while the first runs: refused, the first's lab untouched.
    Object.assign(process.env, TEST_DEMO);
    const second = await demoOnLab(demo, 'auto');
    expect(second.lab).toBeNull();
    expect(second.note).toContain(`Lab "${name}" đang thuộc tiến trình ${child.pid}`);
    await expect(demoOnLab(demo, 'on')).rejects.toThrow(/đang thuộc tiến trình/);
    expect((await labStatus(name)).namespaces.map((n) => n.netns)).toEqual(status.namespaces.map((n) => n.netns));

    // Every point answers from the lab (the flaky ones too, mostly): none stays unknown.
    const cookie = await login(url, 'admin', password);
    const meeting = demo.meetings[0]!.id;
    const rows = async (): Promise<PointStatus[]> =>
      (await (await fetch(`${url}/api/meetings/${meeting}/status`, { headers: { cookie } })).json()) as PointStatus[];
    let last: PointStatus[] = [];
    const ready = Date.now() + 30_000;
    while (Date.now() < ready) {
      last = await rows();
      if (last.length === demo.points.length && last.filter((r) => r.state === 'unknown').length === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(last.filter((r) => r.state === 'unknown')).toEqual([]);
    const points = (await (await fetch(`${url}/api/points`, { headers: { cookie } })).json()) as {
      code: string;
      targets: { host: string; role: string }[];
    }[];
    const primaries = points.map((p) => p.targets.find((t) => t.role === 'primary')!.host);
    expect(primaries.every((h) => /^198\.18\.([6-7]\d)\.\d+$/.test(h))).toBe(true);

    // [LE11] The hung codec on the dashboard's terms: its line up, its endpoint not answering. The
    // loop silences it 20 s in; the monitor says so three lost SIP probes later.
    const hung = expandTimeline(demoLabScenario(demo)).find((a) => a.action === 'endpoint-down')!.host!;
    let hungRow: PointStatus | undefined;
    const hungBy = Date.now() + 60_000;
    while (Date.now() < hungBy) {
      hungRow = (await rows()).find((r) => r.code === hung);
      if (hungRow?.endpoint === 'down') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(hungRow).toMatchObject({ code: hung, state: 'up', endpoint: 'down' });

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The server stopped before the lab went down.
    const stopped = out.indexOf('"server stopped"');
    const labGone = out.indexOf('"demo lab down"');
    expect(stopped).toBeGreaterThan(0);
    expect(labGone).toBeGreaterThan(stopped);
    await expectNoLabObjects(name);
    expect((await labStatus(name)).labs).toEqual([]);
  }, 120_000);
});
