// Agents' results through `serve`'s monitor process (server/pipeline/): the RemoteMonitor in the server
// posts ingest and contact over IPC, the monitor process judges them and sends the agents' states back,
// so agents() and the statuses answer in the server process (docs/AGENTS.md AG7, AG9, AG10). Real time:
// the agent's silence is AGENT_SILENT_MS (5 s) of the real clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetId } from '../../../shared/targets';
import type { AgentContact } from '../../../server/agent/contract';
import type { RemoteMonitor } from '../../../server/pipeline/remote';
import type { TargetResult } from '../../../server/probe/kinds';
import { meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { outagesOf, rowOf, statusRow } from '../targets/pipeline';

const AGENT = 'tram-ipc';
let t: TestApp;
let C1 = '';
let C2 = '';

beforeAll(async () => {
  const { units, points } = tinyProvince(62, 2);
  C1 = targetId(points.find((p) => p.code === 'C1')!.targets[0]!);
  C2 = targetId(points.find((p) => p.code === 'C2')!.targets[0]!);
  t = await startTestApp({
    units: units.map((u) => (u.id === 'C1' || u.id === 'C2' ? { ...u, agent: AGENT } : u)),
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
    monitorProcess: true,
  });
}, 60_000);

afterAll(async () => {
  await t?.dispose();
});

const contact = (connected = true): AgentContact => ({
  connected,
  instance: 'test',
  version: '0.0.0-test',
  outboxDepth: 3,
  clockOffsetMs: 12,
  clockFlagged: false,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('agents through the monitor process', () => {
  it('[AG7][AG9][AG10] ingest and contact cross to the monitor process; states, silence and the replayed outage come back', async () => {
    const monitor = t.app.monitor;
    const batch = (results: TargetResult[]) => monitor.ingestAgent({ agent: AGENT, contact: contact(), results });
    const probe = (at: number, lost = false): TargetResult[] => [
      { target: C1, t: at, rtt: lost ? null : 2, ...(lost ? { reason: 'timeout' as const } : {}) },
      { target: C2, t: at, rtt: 3 },
    ];
    // The inventory names the agent: its state is known before it is ever heard.
    const first = await waitFor('the agent listed', () => monitor.agents().find((a) => a.name === AGENT));
    expect(first).toMatchObject({ targets: 2, lastContactAt: null });

    for (let i = 0; i < 3; i++) {
      batch(probe(Date.now()));
      await sleep(1_000);
    }
    await waitFor('C1 up over IPC', async () => (await statusRow(t, 'LIVE', 'C1'))?.state === 'up');
    const heard = await waitFor('the agent heard', () =>
      monitor.agents().find((a) => a.name === AGENT && a.lastContactAt !== null && a.connected),
    );
    expect(heard).toMatchObject({ outboxDepth: 3, clockOffsetMs: 12, instance: 'test', version: '0.0.0-test' });

    // The cut: the agent probes on into its outbox (C1 lost for three probes), the centre hears nothing.
    const outbox: TargetResult[] = [];
    const cutAt = Date.now();
    for (let i = 0; i < 8; i++) {
      outbox.push(...probe(Date.now(), i >= 2 && i < 5));
      await sleep(1_000);
    }
    const during = await statusRow(t, 'LIVE', 'C1');
    expect(during?.state).toBe('unknown');
    expect(rowOf(during, C1)).toMatchObject({ state: 'unknown', reason: 'no-contact' });
    const silent = monitor.agents().find((a) => a.name === AGENT)!;
    expect(silent.connected).toBe(false);
    expect(silent.silentSince).not.toBeNull();
    expect(silent.silentSince!).toBeLessThan(cutAt);

    // Back: the replay, then live results.
    monitor.agentContact(AGENT, contact());
    batch(outbox);
    for (let i = 0; i < 3; i++) {
      batch(probe(Date.now()));
      await sleep(1_000);
    }
    const [outage] = await waitFor('the replayed outage, closed', async () => {
      const o = await outagesOf(t, 'LIVE', 'C1');
      return o.length === 1 && o[0]!.endedAt !== null ? o : undefined;
    });
    expect(Date.parse(outage!.startedAt)).toBe(outbox[4]!.t);
    expect(Date.parse(outage!.endedAt!)).toBe(outbox[10]!.t);
    expect(await outagesOf(t, 'LIVE', 'C2')).toEqual([]);
    expect((await statusRow(t, 'LIVE', 'C1'))?.state).toBe('up');

    // The connection closes: silent at once.
    monitor.agentContact(AGENT, contact(false));
    await waitFor('the agent not connected', () =>
      monitor.agents().some((a) => a.name === AGENT && !a.connected && a.silentSince !== null),
    );
  }, 60_000);
});

describe('agents while the monitor process restarts', () => {
  it('[AG9] batches handed over while no monitor process listens are held and reach the next one', async () => {
    const remote = t.app.monitor as RemoteMonitor;
    const pid = remote.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the monitor process gone', () => remote.pid === null);
    const during = Date.now();
    // Nobody listens: held (the restart waits 1 s at least).
    remote.ingestAgent({ agent: AGENT, contact: contact(), results: [{ target: C1, t: during, rtt: 2 }] });
    remote.ingestAgent({ agent: AGENT, contact: contact(), results: [{ target: C1, t: during + 1, rtt: 2 }] });
    await waitFor('held', () => remote.heldAgentResults.held === 2);
    await waitFor('a new monitor process', () => remote.pid !== null && remote.pid !== pid, 30_000);
    const heard = await waitFor(
      'the held batches reach it',
      () => remote.agents().find((a) => a.name === AGENT && (a.lastContactAt ?? 0) >= during),
      30_000,
    );
    expect(heard.connected).toBe(true);
    expect(remote.heldAgentResults).toEqual({ held: 0, dropped: 0 });
    await waitFor('C1 up from the held results', async () => (await statusRow(t, 'LIVE', 'C1'))?.state === 'up');
  }, 60_000);
});
