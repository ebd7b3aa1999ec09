// Remote probe agents against the lab (issue 16, docs/AGENTS.md AG5–AG7, docs/LAB.md "Agents"): three
// provinces, each a hub namespace whose communes answer only inside it, each with `diemcau agent run`
// (real fping) running in that namespace; the centre is the real app in the root namespace, listening on
// the root side of one uplink, which every province reaches over its own veth. The units' `agent:`
// gives each province's points to its agent. Then:
// - province A's uplink is cut for 60 s while one of its communes has a 20 s power cut: during the cut
//   its points are unknown without contact, never down; after it, the replayed outage has the truth's
//   start and end (one interval + 0.5 s) and the rollups of the cut are complete;
// - province B's agent is SIGKILLed: unknown within 10 s, no outage; restarted on the same outbox it
//   carries on; cut, SIGKILLed during the cut and restarted after it, what it probed but never sent
//   arrives: no hole in its rollups.
import { type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../../shared/agent-view';
import { toWireInstant } from '../../../shared/time';
import { labDown } from '../../../server/lab/cleanup';
import { districtUnitId, labMeetingId } from '../../../server/lab/inventory';
import { Lab } from '../../../server/lab/lab';
import type { HubPlan } from '../../../server/lab/plan';
import { isolateHubs, spawnInHub } from '../../../server/lab/provinces';
import { parseScenario } from '../../../server/lab/scenario';
import { expectedFromTruth, readTruth, type TruthLine } from '../../../server/lab/truth';
import { compareOutages, type DetectedOutage } from '../../../server/lab/verify';
import { api, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { expectNoLabObjects, isRoot, pingOnce, tempDir } from './helpers';

const NAME = 'tag';
const BASE = 195;
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const BUCKET_MS = 10_000;
const INTERVAL_MS = 1_000;

const scenario = parseScenario({
  name: 'agents',
  durationS: 900,
  hubs: ['pa', 'pb', 'pc'].map((id) => ({
    id,
    hosts: [1, 2, 3].map((n) => ({ id: `${id}-0${n}` })),
  })),
});
/** Province (hub) → its agent. */
const AGENTS: Record<string, string> = { pa: 'tram-a', pb: 'tram-b', pc: 'tram-c' };
const pointsOf = (hub: string): string[] => [1, 2, 3].map((n) => `${hub}-0${n}`);
const ALL_POINTS = Object.keys(AGENTS).flatMap(pointsOf);

interface StatusRow {
  code: string;
  state: string;
  targets: { reason: string | null }[];
}
interface Seen {
  t: number;
  rows: StatusRow[];
}
interface SampleRow {
  t: string;
  sent: number;
  received: number;
}
interface OutageRow {
  point: string;
  type: 'down' | 'severe';
  startedAt: string;
  endedAt: string | null;
}

const rowsOf = (rows: StatusRow[], hubId: string): StatusRow[] => rows.filter((r) => pointsOf(hubId).includes(r.code));
const noContact = (r: StatusRow): boolean => r.state === 'unknown' && r.targets[0]?.reason === 'no-contact';
/** The bucket lies within [from, to]. */
const inside = (r: SampleRow, from: number, to: number): boolean =>
  Date.parse(r.t) >= from && Date.parse(r.t) + BUCKET_MS <= to;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!isRoot)('probe agents in the lab (root)', () => {
  const tmp = tempDir();
  const truthFile = tmp.file('truth.jsonl');
  let lab: Lab | undefined;
  let t: TestApp | undefined;
  const running = new Map<string, { child: ChildProcess; output: () => string }>();
  const all: ChildProcess[] = [];
  /** Every status read of the agents' points, every ~0.5 s from the first agent's start. */
  const seen: Seen[] = [];
  const poll = { on: false };
  let poller: Promise<void> = Promise.resolve();
  /** What this run measured, written to test-artifacts/lab-agents.txt (not judged beyond the bounds). */
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    await labDown(NAME); // what a crashed earlier run may have left
  });
  afterAll(async () => {
    poll.on = false;
    await poller;
    for (const c of all) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.dispose();
    // Also ends any process still in the lab's namespaces (an agent whose kill was lost).
    await labDown(NAME);
    tmp.remove();
  });

  const hub = (id: string): HubPlan => lab!.plan.hubs.find((h) => h.id === id)!;
  const meeting = labMeetingId(NAME);

  async function statuses(): Promise<StatusRow[]> {
    const rows = (await api(t!, 'GET', `/api/meetings/${meeting}/status`)).json as StatusRow[];
    return rows.filter((r) => ALL_POINTS.includes(r.code));
  }

  async function view(agent: string): Promise<AgentView | undefined> {
    return ((await api(t!, 'GET', '/api/agents')).json as AgentView[]).find((a) => a.name === agent);
  }

  async function outagesOf(hubId: string): Promise<OutageRow[]> {
    const rows = (await api(t!, 'GET', '/api/outages')).json as OutageRow[];
    return rows.filter((o) => pointsOf(hubId).includes(o.point));
  }

  async function samples(point: string, from: number, to: number): Promise<SampleRow[]> {
    const q = `from=${encodeURIComponent(toWireInstant(from))}&to=${encodeURIComponent(toWireInstant(to))}`;
    return (await api(t!, 'GET', `/api/points/${point}/samples?${q}`)).json as SampleRow[];
  }

  /** `diemcau agent run` inside the province's namespace, on its own outbox (kept across restarts). */
  function startAgent(hubId: string): void {
    const agent = AGENTS[hubId]!;
    // prettier-ignore
    const child = spawnInHub(hub(hubId), process.execPath, [
      BIN, 'agent', 'run', '--server', t!.url, '--token-file', tmp.file(`${agent}.token`),
      '--outbox', tmp.file(`${agent}.outbox`), '--engine', 'fping',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    running.set(hubId, { child, output: () => out });
    all.push(child);
  }

  function killAgent(hubId: string): void {
    running.get(hubId)!.child.kill('SIGKILL');
  }

  async function waitUp(hubs: string[], what: string): Promise<void> {
    await waitFor(
      what,
      async () => {
        const rows = await statuses();
        for (const h of hubs) {
          if ((await view(AGENTS[h]!))?.link?.connected !== true) return false;
          const mine = rowsOf(rows, h);
          if (mine.length !== 3 || !mine.every((r) => r.state === 'up')) return false;
        }
        return true;
      },
      60_000,
    ).catch((err: unknown) => {
      const outputs = hubs.map((h) => `${AGENTS[h]}:\n${running.get(h)?.output().slice(-2000) ?? ''}`);
      throw new Error(`${(err as Error).message}\n${outputs.join('\n')}`);
    });
  }

  /** What the polls saw of a province's points between two instants. */
  const seenOf = (hubId: string, from: number, to: number): Seen[] =>
    seen.filter((s) => s.t >= from && s.t <= to).map((s) => ({ t: s.t, rows: rowsOf(s.rows, hubId) }));

  /**
   * Every 10 s bucket from the one after `from` to the one before `to` is there, with the probes of a
   * 1 Hz cadence: 10 sent (9–11: fping's sends drift against the bucket edges), adding up to 10 a bucket.
   */
  async function completeRollups(point: string, from: number, to: number): Promise<SampleRow[]> {
    const first = Math.floor(from / BUCKET_MS) * BUCKET_MS + BUCKET_MS;
    const last = Math.floor(to / BUCKET_MS) * BUCKET_MS - BUCKET_MS;
    const want: number[] = [];
    for (let b = first; b <= last; b += BUCKET_MS) want.push(b);
    let rows: SampleRow[] = [];
    await waitFor(
      `the rollups of ${point} from ${toWireInstant(first)} to ${toWireInstant(last)}`,
      async () => {
        rows = (await samples(point, first, last + BUCKET_MS)).filter((r) => want.includes(Date.parse(r.t)));
        return rows.length === want.length;
      },
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}: have ${JSON.stringify(rows.map((r) => [r.t, r.sent]))}`);
    });
    rows.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
    expect(rows.map((r) => Date.parse(r.t))).toEqual(want);
    expect(rows.filter((r) => r.sent < 9 || r.sent > 11).map((r) => `${point} ${r.t}: ${r.sent} sent`)).toEqual([]);
    const sent = rows.reduce((s, r) => s + r.sent, 0);
    expect(Math.abs(sent - 10 * want.length)).toBeLessThanOrEqual(2);
    return rows;
  }

  it(
    '[AG7] an agent cut off keeps probing: unknown without contact, never down; the replay rebuilds the outage and the rollups; killed and restarted, nothing is lost',
    { timeout: 480_000 },
    async () => {
      lab = await Lab.up(scenario, { name: NAME, base: BASE, seed: 1, truthFile });
      await isolateHubs(lab.plan);
      // The topology: the communes do not answer the centre's namespace, only their province's.
      const fromCentre = await Promise.all(lab.plan.hosts.map(async (h) => [h.address, await pingOnce(h.address)]));
      expect(fromCentre.filter(([, answered]) => answered)).toEqual([]);
      // The centre listens on the root side of province C's uplink; every province reaches it over its own.
      const centre = hub('pc').rootAddress;
      const inv = lab.inventory();
      const units = inv.units.map((u) => {
        const h = Object.keys(AGENTS).find((id) => districtUnitId(id) === u.id);
        return h ? { ...u, agent: AGENTS[h]! } : u;
      });
      t = await startTestApp({ units, points: inv.points, meetings: inv.meetings, engine: 'fping', host: centre });
      for (const [, agent] of Object.entries(AGENTS)) {
        const { token } = await t.app.agents.add(agent, 'test');
        writeFileSync(tmp.file(`${agent}.token`), `${token}\n`, { mode: 0o600 });
      }

      poll.on = true;
      poller = (async () => {
        while (poll.on) {
          const at = Date.now();
          try {
            seen.push({ t: at, rows: await statuses() });
          } catch {
            // The app is going away at the end: the polls before are what counts.
          }
          await sleep(Math.max(0, 500 - (Date.now() - at)));
        }
      })();

      for (const h of Object.keys(AGENTS)) startAgent(h);
      await waitUp(Object.keys(AGENTS), 'every agent connected and all its points up');
      for (const [h, agent] of Object.entries(AGENTS)) {
        expect(await view(agent)).toMatchObject({
          registered: true,
          points: 3,
          units: expect.arrayContaining([districtUnitId(h)]),
        });
      }
      // Some seconds of ordinary probing before the cut, so the rollups have buckets before it.
      await sleep(12_000);

      // --- Province A: its uplink cut for 60 s, a commune's 20 s power cut inside it.
      const cut = await lab.apply({ action: 'link-down', hub: 'pa' });
      await sleep(15_000);
      const down = await lab.apply({ action: 'host-down', host: 'pa-02' });
      await sleep(20_000);
      const upAgain = await lab.apply({ action: 'host-up', host: 'pa-02' });
      await sleep(Math.max(0, cut.t + 60_000 - Date.now()));
      const restored = await lab.apply({ action: 'link-up', hub: 'pa' });
      expect(restored.t - cut.t).toBeGreaterThanOrEqual(60_000);

      // During the cut: never down; unknown without contact once the centre had heard nothing for its
      // AGENT_SILENT_MS (5 s; 10 s allowed here for a busy machine), to the end of the cut.
      const during = seenOf('pa', cut.t, restored.t);
      expect(during.length).toBeGreaterThan(60); // ~120 polls in 60 s
      expect(during.flatMap((s) => s.rows.filter((r) => r.state === 'down'))).toEqual([]);
      const settled = during.filter((s) => s.t >= cut.t + 10_000);
      const notUnknown = settled.flatMap((s) => s.rows.filter((r) => !noContact(r)).map((r) => ({ t: s.t, ...r })));
      expect(notUnknown).toEqual([]);
      expect(settled.every((s) => s.rows.length === 3)).toBe(true);
      const firstSilent = during.find((s) => s.rows.length === 3 && s.rows.every(noContact));
      measured['A: cut → its points unknown (no-contact), ms'] = firstSilent!.t - cut.t;
      // The other provinces went on: probed and answering throughout (a probe lost to a stall of this busy
      // machine may make one amber for 30 s: ST5, not the agents' business).
      const answering = new Set(['up', 'degraded', 'severe']);
      for (const h of ['pb', 'pc']) {
        const seenThere = seenOf(h, cut.t, restored.t);
        expect(seenThere.flatMap((s) => s.rows.filter((r) => !answering.has(r.state)))).toEqual([]);
        expect(seenThere.every((s) => s.rows.length === 3)).toBe(true);
      }

      // After it: the agent reconnects and replays; the power cut is an outage with the truth's times.
      await waitUp(['pa'], 'province A back, its points up');
      measured['A: link up → connected again and its points up, ms'] = Date.now() - restored.t;
      await waitFor(
        'the replayed outage of pa-02, closed',
        async () => (await outagesOf('pa')).some((o) => o.point === 'pa-02' && o.endedAt !== null),
        60_000,
      );
      // The truth's link actions are the agent's uplink here, not the communes' lines: without them the
      // truth has what the communes did (their power cuts).
      const lines = readTruth(truthFile).filter((l: TruthLine) => !(l.type === 'action' && l.hub === 'pa'));
      const expected = expectedFromTruth(lines).outages.filter((o) => pointsOf('pa').includes(o.point));
      expect(expected).toEqual([expect.objectContaining({ point: 'pa-02', start: down.t, end: upAgain.t })]);
      const detected: DetectedOutage[] = (await outagesOf('pa')).map((o) => ({
        point: o.point,
        start: Date.parse(o.startedAt),
        end: o.endedAt === null ? null : Date.parse(o.endedAt),
        type: o.type,
      }));
      const report = compareOutages(expected, detected, { probeIntervalMs: INTERVAL_MS });
      expect(report.criteria.filter((c) => !c.ok).map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
      expect(report.falseOutages).toEqual([]);
      expect(report.matches).toHaveLength(1);
      const [m] = report.matches;
      expect(Math.abs(m!.startErrorMs)).toBeLessThanOrEqual(INTERVAL_MS + 500);
      expect(Math.abs(m!.endErrorMs!)).toBeLessThanOrEqual(INTERVAL_MS + 500);
      measured['A: pa-02 outage start − truth, ms'] = m!.startErrorMs;
      measured['A: pa-02 outage end − truth, ms'] = m!.endErrorMs!;

      // The rollups of the cut: every bucket, every probe; the powered-off commune lost what it should.
      const rollups = new Map<string, SampleRow[]>();
      for (const p of pointsOf('pa'))
        rollups.set(p, await completeRollups(p, cut.t - BUCKET_MS, restored.t + BUCKET_MS));
      for (const p of ['pa-01', 'pa-03']) {
        expect(rollups.get(p)!.map((r) => r.received)).toEqual(rollups.get(p)!.map((r) => r.sent));
      }
      // A 20 s power cut holds one whole 10 s bucket or none, as the buckets' edges fall: the buckets
      // wholly inside it received nothing, and every bucket it overlaps lost some.
      const dark = rollups.get('pa-02')!.filter((r) => inside(r, down.t + INTERVAL_MS, upAgain.t - INTERVAL_MS));
      expect(dark.map((r) => r.received)).toEqual(dark.map(() => 0));
      const touched = rollups
        .get('pa-02')!
        .filter((r) => Date.parse(r.t) + BUCKET_MS > down.t + INTERVAL_MS && Date.parse(r.t) < upAgain.t - INTERVAL_MS);
      expect(touched.length).toBeGreaterThanOrEqual(2);
      expect(touched.filter((r) => r.received >= r.sent).map((r) => r.t)).toEqual([]);
      const lit = rollups.get('pa-02')!.filter((r) => !inside(r, down.t - BUCKET_MS, upAgain.t + BUCKET_MS));
      expect(lit.length).toBeGreaterThanOrEqual(3);
      expect(lit.map((r) => r.received)).toEqual(lit.map((r) => r.sent));

      // --- Province B: SIGKILLed while connected.
      await sleep(5_000);
      killAgent('pb');
      const killedAt = Date.now();
      await waitFor(
        "province B's points unknown without contact",
        async () => {
          const mine = rowsOf(await statuses(), 'pb');
          return mine.length === 3 && mine.every(noContact);
        },
        10_000,
      );
      expect(Date.now() - killedAt).toBeLessThan(10_000);
      measured['B: SIGKILL → its points unknown (no-contact), ms'] = Date.now() - killedAt;
      expect((await view('tram-b'))?.link?.connected).toBe(false);
      startAgent('pb');
      await waitUp(['pb'], 'province B back after the kill, its points up');
      const backAt = Date.now();
      // Up to the kill, nothing missing (the batch forming at the kill, ≤ 1 s, is in the kill's bucket).
      for (const p of pointsOf('pb')) await completeRollups(p, killedAt - 40_000, killedAt);

      // --- Province B again: cut, SIGKILLed during the cut, restarted after it on the same outbox: what
      // it probed during the cut and never sent arrives.
      await sleep(12_000);
      const cutB = await lab.apply({ action: 'link-down', hub: 'pb' });
      await sleep(30_000);
      killAgent('pb');
      const killedB = Date.now();
      await sleep(2_000);
      await lab.apply({ action: 'link-up', hub: 'pb' });
      startAgent('pb');
      const restartB = Date.now();
      await waitUp(['pb'], 'province B back after the cut and the kill, its points up');
      measured['B: restart after cut + kill → its points up, ms'] = Date.now() - restartB;
      for (const p of pointsOf('pb')) {
        const rows = await completeRollups(p, Math.max(cutB.t - BUCKET_MS, backAt), killedB);
        expect(rows.map((r) => r.received)).toEqual(rows.map((r) => r.sent));
        // At least two whole buckets were probed while the link was cut: they came from the outbox.
        expect(rows.filter((r) => inside(r, cutB.t, killedB)).length).toBeGreaterThanOrEqual(2);
      }
      // B never went down: killed or cut, unknown only; and no outage anywhere but pa-02's.
      expect(seenOf('pb', killedAt, Date.now()).flatMap((s) => s.rows.filter((r) => r.state === 'down'))).toEqual([]);
      expect(await outagesOf('pb')).toEqual([]);
      expect(await outagesOf('pc')).toEqual([]);
      expect((await outagesOf('pa')).map((o) => o.point)).toEqual(['pa-02']);

      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(
        join(ARTIFACTS, 'lab-agents.txt'),
        Object.entries(measured)
          .map(([k, v]) => `${k}: ${v}\n`)
          .join(''),
      );

      // Everything down: agents first, then the centre, then the lab, and nothing of it left.
      poll.on = false;
      await poller;
      for (const h of Object.keys(AGENTS)) killAgent(h);
      await t.stop();
      await lab.down();
      await expectNoLabObjects(NAME);
    },
  );
});
