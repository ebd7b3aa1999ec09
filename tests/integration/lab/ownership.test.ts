// [H18.6] Labs are owned: real namespaces, a `lab up` child process as the owner, its state file in
// /run/diemcau-lab. Nobody else takes a lab down or rebuilds it while its owner runs; a killed
// owner's lab is cleaned by the next start; the blackhole route stays while any lab exists.
// Names ho, hk, hr, hb1, hb2 and ranges 198.18.180–187: no other test's, never the demo's (200+).
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { hasBlackhole } from '../../../server/lab/blackhole';
import { labDown, labStatus, formatStatus } from '../../../server/lab/cleanup';
import { runLabCli } from '../../../server/lab/cli';
import { Lab } from '../../../server/lab/lab';
import { ownershipOf, processStart, readLabState, type LabState } from '../../../server/lab/owner';
import { parseScenario } from '../../../server/lab/scenario';
import { run } from '../../../server/lab/sys';
import { alive, expectNoLabObjects, isRoot, labObjects, pingOnce, pingReceived, tempDir } from './helpers';

const FIXTURES = new URL('../../fixtures/lab/', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;
const NAMES = ['ho', 'hk', 'hr', 'hb1', 'hb2'];
const children: ChildProcess[] = [];

function io(): { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean }; text: () => string } {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true) };
  return { stdout: sink, stderr: sink, text: () => text };
}

/** `lab up` as a child process of its own: the lab's owner. Resolves once the lab is up. */
async function ownerChild(name: string, base: number): Promise<{ child: ChildProcess; output: () => string }> {
  const args = ['--import', 'tsx', 'server/lab/main.ts', 'up', '--scenario', `${FIXTURES}long.yaml`];
  const child = spawn(process.execPath, [...args, '--name', name, '--base', String(base)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const until = Date.now() + 30_000;
  while (!output.includes('link-down hv')) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`lab up ${name} did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => output };
}

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));

/** `ip route get`: the device, or "blackhole" when the lab range's blackhole catches the address. */
const routeOf = (address: string): Promise<string> =>
  run('ip', ['-j', 'route', 'get', address]).then(
    (r) => (JSON.parse(r.stdout) as { dev?: string }[])[0]?.dev ?? '?',
    () => 'blackhole',
  );

const oneHub = (id: string): ReturnType<typeof parseScenario> =>
  parseScenario({ name: id, hubs: [{ id, hosts: [{ id: `${id}-01` }, { id: `${id}-02` }] }] });

const state = (owner: LabState['owner']): LabState => ({ name: 'x', base: 0, ranges: [], owner, createdAt: '' });

describe('who owns a lab (any user)', () => {
  it('[H18.6] knows its owner by pid and start time: a reused pid is not the owner', () => {
    const start = processStart(process.pid)!;
    expect(start).toBeGreaterThan(0);
    expect(ownershipOf(state({ pid: process.pid, start, command: 'node' }))).toBe('mine');
    const parent = { pid: process.ppid, start: processStart(process.ppid)!, command: 'vitest' };
    expect(ownershipOf(state(parent))).toBe('live');
    // Same pid, another start: the owner died and the pid went to someone else.
    expect(ownershipOf(state({ ...parent, start: parent.start + 1 }))).toBe('dead');
    expect(ownershipOf(state({ pid: 2 ** 22 + 1, start: 1, command: 'gone' }))).toBe('dead');
    expect(ownershipOf(state(null))).toBe('released');
    expect(ownershipOf(null)).toBe('dead'); // an unreadable state file
  });
});

describe.skipIf(!isRoot)('lab ownership (root)', () => {
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await exited(c);
    }
  });
  afterAll(async () => {
    // Ours only, and only now that their owners (this process and its children) are gone or done.
    for (const name of NAMES) await labDown(name);
    for (const name of NAMES) await expectNoLabObjects(name);
  });

  it('[H18.6] a lab owned by a live process is not taken down by another `lab down`/`lab up` of the same name, nor by the tests’ cleanup', async () => {
    const { child } = await ownerChild('ho', 180);
    const held = readLabState('ho');
    expect(held?.state?.owner?.pid).toBe(child.pid);
    expect(ownershipOf(held!.state)).toBe('live');
    const before = await labObjects('ho');
    const responders = (await labStatus('ho')).namespaces.flatMap((n) => n.pids);
    expect(responders).toHaveLength(2);

    const down = io();
    expect(await runLabCli(['down', '--name', 'ho'], down)).toBe(1);
    expect(down.text()).toContain(`Không gỡ lab "ho": lab thuộc tiến trình ${child.pid}`);
    expect(down.text()).toContain('--force');

    const up = io();
    const again = ['up', '--scenario', `${FIXTURES}small.yaml`, '--name', 'ho', '--base', '184', '--down-after'];
    expect(await runLabCli(again, up)).toBe(1);
    expect(up.text()).toContain(`Lab "ho" đang thuộc tiến trình ${child.pid}`);
    await expect(Lab.up(oneHub('x'), { name: 'ho', base: 184 })).rejects.toThrow(/đang thuộc tiến trình/);

    // What every lab test does first and last (`labDown(NAME)`): the owner's lab is kept.
    const cleanup = await labDown('ho');
    expect(cleanup).toMatchObject({ namespaces: [], links: [], processes: [], kept: [{ name: 'ho', pid: child.pid }] });

    expect(await labObjects('ho')).toEqual(before);
    expect(readLabState('ho')?.raw).toBe(held!.raw);
    expect(responders.every(alive)).toBe(true);
    expect(await pingReceived('198.18.181.1', 4, 0.2)).toBeGreaterThan(0); // nd-01, 5 % seeded loss
    expect(child.exitCode).toBeNull();
    const status = io();
    expect(await runLabCli(['status', '--name', 'ho'], status)).toBe(0);
    expect(status.text()).toContain(`Lab ho: chủ là tiến trình ${child.pid}`);

    // --force does take it down, state file included.
    const forced = io();
    expect(await runLabCli(['down', '--name', 'ho', '--force'], forced)).toBe(0);
    await expectNoLabObjects('ho');
    expect(readLabState('ho')).toBeNull();
    expect(responders.some(alive)).toBe(false);
  }, 60_000);

  it('[H18.6] a lab whose owner was killed (SIGKILL) is cleaned by the next start', async () => {
    const { child } = await ownerChild('hk', 182);
    const responders = (await labStatus('hk')).namespaces.flatMap((n) => n.pids);
    child.kill('SIGKILL');
    await exited(child);

    // Stale: the state file names a dead owner, the namespaces and responders are still there.
    const held = readLabState('hk');
    expect(held?.state?.owner?.pid).toBe(child.pid);
    expect(ownershipOf(held!.state)).toBe('dead');
    expect((await labObjects('hk')).length).toBeGreaterThan(0);
    expect(responders.every(alive)).toBe(true);
    expect(formatStatus(await labStatus('hk'))).toContain('đã dừng');

    const next = io();
    const args = ['up', '--scenario', `${FIXTURES}small.yaml`, '--name', 'hk', '--base', '182', '--down-after'];
    expect(await runLabCli(args, next)).toBe(0);
    expect(next.text()).toContain(
      `Đã dọn lab "hk" cũ (tiến trình chủ ${child.pid} đã dừng): 4 namespace, 2 tiến trình.`,
    );
    expect(next.text()).toContain('Đã gỡ lab.');
    expect(responders.some(alive)).toBe(false);
    await expectNoLabObjects('hk');
    expect(readLabState('hk')).toBeNull();
  }, 60_000);

  it('[H18.6] a lab left up by a finished `lab up` has no owner: not stale for the next start, anyone takes it down', async () => {
    const tmp = tempDir();
    onTestFinished(() => tmp.remove());
    const file = tmp.file('one.yaml');
    writeFileSync(file, 'durationS: 1\nhubs:\n  - { id: r, hosts: [{ id: r-01 }] }\n');
    const up = io();
    expect(await runLabCli(['up', '--scenario', file, '--name', 'hr', '--base', '187'], up)).toBe(0);
    expect(up.text()).toContain('Lab vẫn chạy; gỡ bằng: diemcau lab down --name hr');
    const held = readLabState('hr');
    expect(held?.state).toMatchObject({ owner: null, releasedAt: expect.any(String) });
    expect(ownershipOf(held!.state)).toBe('released');

    const before = await labObjects('hr');
    await expect(Lab.up(oneHub('r'), { name: 'hr', base: 187 })).rejects.toThrow(
      /đang tồn tại \(để lại sau `lab up`\)/,
    );
    expect(await labObjects('hr')).toEqual(before);
    expect(await pingOnce('198.18.187.1')).toBe(true);

    expect(await labDown('hr')).toMatchObject({ namespaces: ['dc-lab-hr-0'], kept: [] });
    await expectNoLabObjects('hr');
    expect(readLabState('hr')).toBeNull();
  }, 60_000);

  let a: Lab | undefined;
  let b: Lab | undefined;

  it('[H18.6] two labs with different names and ranges coexist', async () => {
    a = await Lab.up(oneHub('a'), { name: 'hb1', base: 185 });
    b = await Lab.up(oneHub('b'), { name: 'hb2', base: 186 });
    const [addrA, addrB] = [a.host('a-01').address, b.host('b-01').address];
    expect([addrA, addrB]).toEqual(['198.18.185.1', '198.18.186.1']);
    expect(await pingOnce(addrA)).toBe(true);
    expect(await pingOnce(addrB)).toBe(true);
    const owners = (await labStatus()).labs.filter((l) => l.name.startsWith('hb'));
    expect(owners.map((l) => [l.name, l.ownership, l.pid, l.ranges[0]])).toEqual([
      ['hb1', 'mine', process.pid, '198.18.185.0/24'],
      ['hb2', 'mine', process.pid, '198.18.186.0/24'],
    ]);
    // A third name on a range already held by a running lab: refused before anything is made.
    await expect(Lab.up(oneHub('c'), { name: 'hb3', base: 186 })).rejects.toThrow(/198\.18\.186\.0\/24 \(lab "hb2"/);
    expect(readLabState('hb3')).toBeNull();
    await expectNoLabObjects('hb3');
    expect(await pingOnce(addrA)).toBe(true);
  }, 60_000);

  it('[H18.6] the blackhole route stays while one of two labs is still up and goes with the last', async () => {
    if (!a || !b) throw new Error('needs the two labs of the test before');
    const [addrA, addrB] = [a.host('a-01').address, b.host('b-01').address];
    expect(await hasBlackhole()).toBe(true);
    const first = await a.down();
    expect(first.blackhole).toBe('kept');
    expect(first.labsLeft).toContain('hb2');
    expect(await hasBlackhole()).toBe(true);
    expect(await routeOf(addrA)).toBe('blackhole'); // gone, yet no probe to it leaves the machine
    expect(await pingOnce(addrB)).toBe(true);

    const last = await b.down();
    await expectNoLabObjects('hb1');
    await expectNoLabObjects('hb2');
    // Goes with the last lab: kept only for someone else's lab that exists meanwhile (an `npm start`
    // demo, another test file's lab), never for ours.
    expect(last.labsLeft).not.toContain('hb1');
    expect(last.labsLeft).not.toContain('hb2');
    expect(last.blackhole).toBe(last.labsLeft.length > 0 ? 'kept' : 'removed');
  }, 60_000);
});
