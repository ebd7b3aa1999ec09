// `diemcau lab up|down|status` through runLabCli, in process and as real child processes: a full
// run, a run killed with SIGKILL and cleaned up afterwards, and the refusals.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { InventoryFile } from '../../../shared/schemas';
import { labDown, labStatus } from '../../../server/lab/cleanup';
import { runLabCli } from '../../../server/lab/cli';
import { expectedFromTruth, readTruth } from '../../../server/lab/truth';
import { alive, expectNoLabObjects, isRoot, tempDir } from './helpers';
import { targetHost } from '../../../shared/targets';

const FIXTURES = new URL('../../fixtures/lab/', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;

function io(): {
  stdout: { write(s: string): boolean };
  stderr: { write(s: string): boolean };
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s) => ((out += s), true) },
    stderr: { write: (s) => ((err += s), true) },
    out: () => out,
    err: () => err,
  };
}

/** `node --import tsx server/lab/main.ts …` as a child, the way the CLI really runs. */
function labChild(
  args: string[],
  wrap: string[] = [],
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const argv = [...wrap, process.execPath, '--import', 'tsx', 'server/lab/main.ts', ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('lab CLI arguments and scenarios (any user)', () => {
  it('prints usage and exits 2 without a command or a scenario', async () => {
    const a = io();
    expect(await runLabCli([], a)).toBe(2);
    expect(a.out()).toContain('diemcau lab');
    const b = io();
    expect(await runLabCli(['lab', 'up'], b)).toBe(2);
    const c = io();
    expect(await runLabCli(['frobnicate'], c)).toBe(2);
    expect(c.err()).toContain('Lệnh không rõ');
    const d = io();
    expect(await runLabCli(['up', '--scenario', 'x', '--bogus'], d)).toBe(2);
  });

  it('reports every scenario problem with its path and exits 2', async () => {
    const a = io();
    expect(await runLabCli(['up', '--scenario', `${FIXTURES}invalid.yaml`], a)).toBe(2);
    for (const path of [
      'hubs[0].hosts[0].lossPercent',
      'hubs[0].hosts[1].id',
      'timeline[1].at',
      'timeline[2].action',
    ]) {
      expect(a.err()).toContain(path);
    }
  });
});

describe.skipIf(!isRoot)('lab CLI (root)', () => {
  const tmp = tempDir();
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await labDown('tc');
    await labDown('tk');
  });
  afterAll(() => tmp.remove());

  it('up runs the scenario, writes truth and inventory, and --down-after removes the lab', async () => {
    const a = io();
    const [truth, inventory] = [tmp.file('t.jsonl'), tmp.file('inventory.yaml')];
    const args = ['--scenario', `${FIXTURES}small.yaml`, '--truth', truth, '--inventory-out', inventory];
    const code = await runLabCli(['lab', 'up', ...args, '--name', 'tc', '--base', '145', '--down-after'], a);
    expect(a.err()).toBe('');
    expect(code).toBe(0);
    expect(a.out()).toMatch(/Lab "tc" đã sẵn sàng: 2 huyện \(hub\), 6 điểm cầu/);
    expect(a.out()).toContain('[+1.0 s] link-down pd');
    await expectNoLabObjects('tc');

    const inv = InventoryFile.parse(parse(readFileSync(inventory, 'utf8')));
    expect(inv.points.map((p) => [p.code, p.targets.map(targetHost)[0]!])).toEqual([
      ['pd-01', '198.18.145.1'],
      ['pd-02', '198.18.145.2'],
      ['pd-03', '198.18.145.3'],
      ['qd-01', '198.18.146.1'],
      ['qd-02', '198.18.146.2'],
      ['qd-03', '198.18.146.3'],
    ]);
    expect(inv.units.filter((u) => u.level === 'district').map((u) => u.name)).toEqual([
      'Huyện Phong Điền',
      'Huyện Quảng Điền',
    ]);
    expect(inv.meetings.map((m) => m.id)).toEqual(['lab-tc']);

    const exp = expectedFromTruth(readTruth(truth));
    expect(exp.complete).toBe(true);
    expect(exp.lossyOnly).toEqual([]); // pd-02 is lossy but its hub's line was cut
    expect(exp.delayed).toEqual(['pd-03']);
    expect(exp.outages.map((o) => o.point)).toEqual(['pd-01', 'pd-02', 'pd-03', 'qd-02', 'qd-03', 'qd-03']);
  });

  it('status and down work on a lab left up, and down twice is fine', async () => {
    const a = io();
    expect(await runLabCli(['status', '--name', 'tc'], a)).toBe(0);
    expect(a.out()).toContain('Không có lab');
    const b = io();
    expect(await runLabCli(['down', '--name', 'tc'], b)).toBe(0);
    expect(await runLabCli(['down', '--name', 'tc'], io())).toBe(0);
  });

  it('labDown cleans up after a `lab up` killed with SIGKILL mid-run', async () => {
    const truth = tmp.file('crash.jsonl');
    const run = labChild([
      'up',
      '--scenario',
      `${FIXTURES}long.yaml`,
      '--truth',
      truth,
      '--name',
      'tk',
      '--base',
      '150',
    ]);
    children.push(run.child);
    await waitFor(() => run.output().includes('link-down hv'), 20_000);
    run.child.kill('SIGKILL');
    expect(await run.exit).toBe(null);

    const before = await labStatus('tk');
    expect(before.namespaces.map((n) => n.netns).sort()).toEqual([
      'dc-lab-tk-0',
      'dc-lab-tk-0d',
      'dc-lab-tk-1',
      'dc-lab-tk-1d',
    ]);
    expect(before.blackhole).toBe(true);
    // hv-02 (delayed) and nd-01 (seeded loss) each have a responder.
    const responders = before.namespaces.flatMap((n) => n.pids).sort();
    expect(responders).toHaveLength(2);
    expect(responders.every(alive)).toBe(true);

    const report = await labDown('tk');
    expect(report.processes.sort()).toEqual(responders);
    await expectNoLabObjects('tk');
    expect(responders.some(alive)).toBe(false);
    expect(await labDown('tk')).toMatchObject({ namespaces: [], links: [], processes: [] });

    // The truth stops at the last action: no summary, the cut still open.
    const exp = expectedFromTruth(readTruth(truth));
    expect(exp.complete).toBe(false);
    expect(exp.outages.map((o) => [o.point, o.end])).toEqual([
      ['hv-01', null],
      ['hv-02', null],
    ]);
  });

  it('refuses clearly, changing nothing, when not run as root', async () => {
    // A new user namespace without a mapping: the CLI sees uid 65534 and holds no capability on the
    // machine's network, yet still reads the checkout as its owner — so the test passes wherever the
    // repository is cloned (setpriv to nobody could not read a clone under a 0700 home directory).
    // tsx keeps a per-user cache in /tmp: remove nobody's again if this test made it.
    const cache = join(tmpdir(), 'tsx-65534');
    const hadCache = existsSync(cache);
    onTestFinished(() => {
      if (!hadCache) rmSync(cache, { recursive: true, force: true });
    });
    const run = labChild(
      ['up', '--scenario', `${FIXTURES}small.yaml`, '--name', 'tk', '--base', '150'],
      ['unshare', '--user', '--'],
    );
    children.push(run.child);
    expect(await run.exit).toBe(1);
    expect(run.output()).toContain('cần quyền root');
    await expectNoLabObjects('tk');
  });
});
