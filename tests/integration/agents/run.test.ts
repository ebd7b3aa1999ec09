// `diemcau agent run` for real (server/agent/run.ts, docs/AGENTS.md AG3–AG5): the CLI as a child process
// against the test's centre (the real app, its /agent namespace), probing 127.0.0.x with real fping at
// 1 Hz. The centre's listener goes away for ~10 s and comes back: what the agent probed meanwhile
// arrives after it reconnects, in order, none missing. A restarted agent with the centre away probes on
// the schedule it saved. The registry and the monitor are the seams: a Map and a recording sink.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAgentCentre, type AgentCentre } from '../../../server/agent/centre';
import type { AgentAuth, AgentContact, AgentIngest, AgentSink, AgentState } from '../../../server/agent/contract';
import type { TargetResult } from '../../../server/probe/kinds';
import { meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const TOKEN = 'tok-run-0123456789abcdef0123456789abcdef';
const OCTET = 62;
const TARGETS = [`icmp:127.${OCTET}.0.2`, `icmp:127.${OCTET}.1.1`, `icmp:127.${OCTET}.1.2`];

class MapAuth implements AgentAuth {
  authenticate(token: string): Promise<string | null> {
    return Promise.resolve(token === TOKEN ? 'tram-a' : null);
  }
  onRevoked(): () => void {
    return () => undefined;
  }
}

class RecordingSink implements AgentSink {
  /** Every result in the order it reached the sink. */
  readonly results: TargetResult[] = [];
  readonly contacts: AgentContact[] = [];
  /** The next batch with results fails (as a monitor that cannot take it), once. */
  failNext = false;
  failed = 0;
  ingestAgent(batch: AgentIngest): void {
    if (this.failNext && batch.results.length > 0) {
      this.failNext = false;
      this.failed++;
      throw new Error('the monitor cannot take this batch now');
    }
    this.results.push(...batch.results);
  }
  agentContact(_agent: string, contact: AgentContact): void {
    this.contacts.push(contact);
  }
  agents(): AgentState[] {
    return [];
  }
  of(target: string): number[] {
    return this.results.filter((r) => r.target === target).map((r) => r.t);
  }
}

let dir: string;
let t: TestApp;
let centre: AgentCentre;
const sink = new RecordingSink();
let port: number;
const tcp = new Set<NetSocket>();
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function runAgent(tokenFile: string, extra: string[] = []): Running {
  const args = [
    BIN,
    'agent',
    'run',
    '--server',
    `http://127.0.0.1:${port}`,
    '--token-file',
    tokenFile,
    '--outbox',
    join(dir, 'outbox'),
    '--engine',
    'fping',
    ...extra,
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The centre's listener goes away: no new connections, the open ones cut (the agent sees the link drop). */
async function stopListening(): Promise<void> {
  await new Promise<void>((resolve) => {
    t.app.http.close(() => resolve());
    for (const s of tcp) s.destroy();
  });
}
function listenAgain(): Promise<void> {
  return new Promise((resolve, reject) => {
    t.app.http.once('error', reject);
    t.app.http.listen(port, '127.0.0.1', () => resolve());
  });
}

/** Per target: probe times strictly increasing in arrival order, no step beyond one interval (+ slack). */
function checkSeries(times: number[], from: number, to: number): void {
  const inside = times.filter((x) => x >= from && x <= to);
  expect(inside.length).toBeGreaterThan(0);
  for (let i = 1; i < inside.length; i++) {
    expect(inside[i]!).toBeGreaterThan(inside[i - 1]!);
    expect(inside[i]! - inside[i - 1]!).toBeLessThan(1_600);
  }
  expect(inside[0]! - from).toBeLessThan(1_600);
  expect(to - inside.at(-1)!).toBeLessThan(1_600);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dc-agent-'));
  const { units, points } = tinyProvince(OCTET, 2);
  units.find((u) => u.id === 'D1')!.agent = 'tram-a';
  t = await startTestApp({ units, points, meetings: [meetingNow('M', 'live')], engine: 'ping', agentLink: false });
  port = Number(new URL(t.url).port);
  t.app.http.on('connection', (s: NetSocket) => {
    tcp.add(s);
    s.once('close', () => tcp.delete(s));
  });
  centre = attachAgentCentre(t.app.io, {
    auth: new MapAuth(),
    sink,
    inventory: t.app.inventory,
    logger: pino({ level: 'silent' }),
    instance: 'test',
  });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  centre?.close();
  if (!t.app.http.listening) await listenAgain().catch(() => undefined);
  await t?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('diemcau agent run', () => {
  it('refuses a token file that group or others can read, saying the chmod', async () => {
    const loose = join(dir, 'loose-token');
    writeFileSync(loose, `${TOKEN}\n`);
    chmodSync(loose, 0o644);
    const a = runAgent(loose);
    expect(await a.exited).toBe(1);
    expect(a.output()).toContain(`chmod 600 ${loose}`);
    expect(a.output()).toContain('--token-file');
    const chatty = runAgent(loose, ['--log-level', 'loud']);
    expect(await chatty.exited).toBe(1);
    expect(chatty.output()).toContain('--log-level');
  });

  it('probes on its schedule and, after the centre was away ~10 s, delivers what it probed meanwhile, in order', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    chmodSync(tokenFile, 0o600);
    const a = runAgent(tokenFile);
    await waitFor('results of every target', () => TARGETS.every((id) => sink.of(id).length >= 3), 20_000).catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\n${a.output()}`);
      },
    );
    expect(sink.results.every((r) => r.rtt !== null)).toBe(true);
    expect(sink.contacts[0]).toMatchObject({ connected: true });

    const cutAt = Date.now();
    await stopListening();
    await waitFor('the agent seen gone', () => centre.connected().length === 0, 5_000);
    await new Promise((r) => setTimeout(r, 10_000));
    const backAt = Date.now();
    await listenAgain();
    // Reconnection (backoff ≤ 10 s), then the outbox's backlog.
    await waitFor(
      'the results after the centre came back',
      () => TARGETS.every((id) => (sink.of(id).at(-1) ?? 0) > backAt + 2_000),
      30_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${a.output()}`);
    });
    const first = Math.min(...TARGETS.map((id) => sink.of(id)[0]!));
    for (const id of TARGETS) checkSeries(sink.of(id), first + 1_500, backAt + 2_000);
    // The cut is inside what was checked: results probed while nobody listened arrived.
    for (const id of TARGETS)
      expect(sink.of(id).filter((x) => x > cutAt + 1_000 && x < backAt).length).toBeGreaterThan(7);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.output()).toContain('diemcau agent:');
    expect(existsSync(join(dir, 'outbox.schedule.json'))).toBe(true);
  }, 120_000);

  it('restarted with the centre away, probes on the schedule it saved', async () => {
    await stopListening();
    const before = sink.results.length;
    const startedAt = Date.now();
    const a = runAgent(join(dir, 'token'));
    await new Promise((r) => setTimeout(r, 4_000));
    await listenAgain();
    const backAt = Date.now();
    // Probed by this run while the centre was away (what the run before left unsent comes first: its
    // outbox kept it).
    await waitFor(
      'results probed before the centre came back',
      () =>
        TARGETS.every((id) =>
          sink.results.slice(before).some((r) => r.target === id && r.t > startedAt && r.t < backAt - 1_000),
        ),
      30_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${a.output()}`);
    });
    for (const id of TARGETS) {
      const times = sink.results
        .slice(before)
        .filter((r) => r.target === id)
        .map((r) => r.t);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    }
    expect(a.output()).toContain('probing on the saved schedule');
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 60_000);

  it('sends again a batch the monitor failed to take, in order; a target moved away stops, the others lose nothing', async () => {
    const a = runAgent(join(dir, 'token'));
    const startedAt = Date.now();
    await waitFor('results of this run', () => TARGETS.every((id) => sink.of(id).some((x) => x > startedAt)), 20_000);
    sink.failNext = true;
    await waitFor('a failed batch', () => sink.failed === 1, 10_000);
    const failedAt = Date.now();
    // C2 goes to another agent: tram-a stops probing it and sends none of it (the centre would refuse the
    // whole batch); the other targets' results go on without a gap.
    await new Promise((r) => setTimeout(r, 2_000));
    const c2 = t.app.inventory.point('C2')!;
    await t.app.inventory.apply({ upsertPoints: [{ ...c2, agent: 'tram-b' }] });
    const movedAt = Date.now();
    await waitFor(
      'results well after the move',
      () => [TARGETS[0]!, TARGETS[1]!].every((id) => (sink.of(id).at(-1) ?? 0) > movedAt + 4_000),
      20_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${a.output()}`);
    });
    // From 3 s before the failure, but not before this run's first probe: batches close every 250 ms, so
    // the failure can come within 3 s of the start, and the gap between the previous test's agent and
    // this one is not this test's subject.
    for (const id of [TARGETS[0]!, TARGETS[1]!]) {
      const first = sink.of(id).find((x) => x > startedAt)!;
      checkSeries(sink.of(id), Math.max(failedAt - 3_000, first), movedAt + 4_000);
    }
    expect(sink.of(TARGETS[2]!).filter((x) => x > movedAt + 2_000)).toEqual([]);
    a.child.kill('SIGTERM');
    const code = await a.exited;
    if (code !== 0) throw new Error(`the agent exited ${code}:\n${a.output().slice(-3000)}`);
  }, 90_000);
});
