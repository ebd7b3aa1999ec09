// An agent end to end, with nothing standing in (docs/AGENTS.md AG2–AG7): the app's own registry issues
// the token, `diemcau agent run` (a child process, real fping at 1 Hz on 127.66.x) connects to the app's
// own /agent namespace, and the app's monitor judges the results. Its points come up at the centre and the
// agents view shows it connected; SIGKILLed, its points are unknown with "no contact" within 10 s and
// no outage is written; started again on the same outbox, it carries on and its points come back up.
// "Kiểm tra ngay" from a dashboard (AG12) probes the agent's point through the agent, and says "no
// contact" (not "no reply") while the agent is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../../shared/agent-view';
import type { Ack, TestNowResult } from '../../../shared/protocol';
import {
  api,
  connectSocket,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
} from '../../helpers/app';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const AGENT = 'tram-d1';
const MEETING = 'LIVE';
// District D1 and its communes C1, C2 are the agent's; the province's own point is the centre's.
const { units, points } = tinyProvince(66, 2);
const AGENT_POINTS = ['D1', 'C1', 'C2'];

let t: TestApp;
let dir: string;
const children: ChildProcess[] = [];

interface StatusRow {
  code: string;
  state: string;
  targets: { reason: string | null }[];
}

const statuses = async (): Promise<StatusRow[]> =>
  (await api(t, 'GET', `/api/meetings/${MEETING}/status`)).json as StatusRow[];

const agentPoints = async (): Promise<StatusRow[]> => (await statuses()).filter((r) => AGENT_POINTS.includes(r.code));

/** "Kiểm tra ngay" as the dashboard asks it: `point:test` on a signed-in socket. */
async function testNow(code: string): Promise<TestNowResult['results']> {
  const socket = connectSocket(t.url, t.cookie);
  try {
    const ack = (await socket.timeout(15_000).emitWithAck('point:test', { code })) as Ack<TestNowResult>;
    return okData(ack).results;
  } finally {
    socket.close();
  }
}

async function view(): Promise<AgentView | undefined> {
  return ((await api(t, 'GET', '/api/agents')).json as AgentView[]).find((a) => a.name === AGENT);
}

function runAgent(tokenFile: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'agent',
      'run',
      '--server',
      t.url,
      '--token-file',
      tokenFile,
      '--outbox',
      join(dir, 'outbox'),
      '--engine',
      'fping',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dc-agent-e2e-'));
  t = await startTestApp({
    units: units.map((u) => (u.id === 'D1' ? { ...u, agent: AGENT } : u)),
    points,
    meetings: [meetingNow(MEETING, 'live')],
    engine: 'ping',
  });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('an agent through the app itself', () => {
  it(
    '[AG7] probes its points for the centre; killed, they are unknown without contact and never down; restarted, it carries on',
    { timeout: 90_000 },
    async () => {
      // "Kiểm tra ngay": an agent's point is not probed from the centre (it may not reach it); the centre's is.
      const tested = await t.app.monitor.testNow('C1');
      expect(tested.results).toEqual([expect.objectContaining({ agent: AGENT, alive: false, rtt: null })]);
      const own = (await t.app.monitor.testNow('P')).results[0]!;
      expect(own).toMatchObject({ alive: true });
      expect(own.agent).toBeUndefined();

      const { token } = await t.app.agents.add(AGENT, 'test');
      const tokenFile = join(dir, 'token');
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });

      const first = runAgent(tokenFile);
      await waitFor(
        'the agent connected and its points up',
        async () => (await view())?.link?.connected === true && (await agentPoints()).every((r) => r.state === 'up'),
        30_000,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\nagent output:\n${first.output().slice(-3000)}`);
      });
      const up = await view();
      expect(up).toMatchObject({ registered: true, units: ['C1', 'C2', 'D1'], points: 3 });
      expect(up?.link).toMatchObject({ connected: true, clockFlagged: false, targets: 3 });
      expect(up?.link?.lagMs).toBeLessThan(10_000);
      // Its outbox is on the agent's disk, beside --outbox.
      expect(readdirSync(dir).some((f) => f.startsWith('outbox.'))).toBe(true);
      // [AG12] "Kiểm tra ngay" of its point: probed by the agent's fping, answered through its link.
      const [viaAgent] = await testNow('C1');
      expect(viaAgent).toMatchObject({ agent: AGENT, alive: true, kind: 'icmp' });
      expect(viaAgent!.rtt).toEqual(expect.any(Number));
      expect(viaAgent!.reason).toBeUndefined();
      expect((await testNow('P'))[0]).toMatchObject({ alive: true });

      first.child.kill('SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        'its points unknown, without contact with the probe',
        async () => (await agentPoints()).every((r) => r.state === 'unknown' && r.targets[0]?.reason === 'no-contact'),
        10_000,
      );
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      expect((await view())?.link?.connected).toBe(false);
      // [AG12] Nobody to ask: unknown for want of contact, never "no reply".
      expect(await testNow('C1')).toEqual([
        expect.objectContaining({ agent: AGENT, alive: false, rtt: null, reason: 'no-contact' }),
      ]);
      // The centre's own point went on; nothing of the agent's is an outage.
      expect((await statuses()).find((r) => r.code === 'P')?.state).toBe('up');
      const outages = (await api(t, 'GET', '/api/outages')).json as { point: string }[];
      expect(outages.filter((o) => AGENT_POINTS.includes(o.point))).toEqual([]);

      const second = runAgent(tokenFile);
      await waitFor(
        'its points up again',
        async () => (await view())?.link?.connected === true && (await agentPoints()).every((r) => r.state === 'up'),
        30_000,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\nagent output:\n${second.output().slice(-3000)}`);
      });
      const after = (await api(t, 'GET', '/api/outages')).json as { point: string }[];
      expect(after.filter((o) => AGENT_POINTS.includes(o.point))).toEqual([]);
      second.child.kill('SIGTERM');
    },
  );
});
