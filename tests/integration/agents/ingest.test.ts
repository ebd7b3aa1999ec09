// The monitor's side of remote probe agents (docs/AGENTS.md AG1, AG5, AG7, AG9): the real Monitor on a
// manual clock, a hand-driven ICMP engine for the centre's own points, and an agent's batches handed to
// ingestAgent as the centre's connection would. A scripted cut of 60 s with a 20 s outage inside,
// replayed from the agent's outbox afterwards: the points unknown (never down) during the cut, exactly
// one outage with its true start and end, the rollup minutes complete — on SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import { targetId } from '../../../shared/targets';
import { AGENT_SILENT_MS, type AgentContact } from '../../../server/agent/contract';
import { plainText, renderIncident } from '../../../server/alerts/render';
import { ManualClock } from '../../../server/clock';
import { Inventory } from '../../../server/inventory/inventory';
import { Monitor } from '../../../server/monitor';
import type { TargetResult } from '../../../server/probe/kinds';
import type { EngineOptions, ProbeEngine, ProbeResult, ProbeTarget } from '../../../server/probe/types';
import { openStore } from '../../../server/store/open';
import type { Store } from '../../../server/store/types';
import { TargetTracker } from '../../../server/status/tracker';
import type { Transition } from '../../../server/status/types';
import { STORE_BACKENDS, type TestStore } from '../../helpers/backends';
import { meetingNow, tinyProvince } from '../../helpers/app';

const T0 = Date.parse('2026-03-06T08:00:00+07:00');
const AGENT = 'tram-c';

/** The centre's ICMP engine: remembers every host it was ever given, answers nothing by itself. */
class HandEngine implements ProbeEngine {
  readonly name = 'fping' as const;
  readonly hosts = new Set<string>();
  constructor(readonly o: EngineOptions) {}
  setTargets(targets: readonly ProbeTarget[]): void {
    for (const t of targets) this.hosts.add(t.host);
  }
  probeOnce(host: string): Promise<ProbeResult> {
    return Promise.resolve({ host, t: this.o.clock.now(), rtt: 1 });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const contact = (connected = true): AgentContact => ({
  connected,
  instance: 'test',
  version: '0.0.0-test',
  outboxDepth: 0,
  clockOffsetMs: 0,
  clockFlagged: false,
});

/** C1 inherits the agent from its unit, C2 names it on the point; P, D1 are the centre's. */
function inventoryData(): { units: Unit[]; points: Point[] } {
  const { units, points } = tinyProvince(61, 2);
  return {
    units: units.map((u) => (u.id === 'C1' ? { ...u, agent: AGENT } : u)),
    points: points.map((p) => (p.code === 'C2' ? { ...p, agent: AGENT } : p)),
  };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).toReversed()) await s();
});

async function setup(db: TestStore, meetings: Meeting[] = [meetingNow('M', 'live', undefined, T0)]) {
  const dir = mkdtempSync(join(tmpdir(), 'dc-agents-'));
  const store: Store = await openStore(db.db ?? join(dir, 'diemcau.sqlite'));
  stops.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });
  const clock = new ManualClock(T0);
  const { units, points } = inventoryData();
  const inventory = await Inventory.open(store);
  await inventory.apply({
    upsertUnits: units,
    upsertPoints: points,
    upsertMeetings: meetings,
  });
  let engine: HandEngine | null = null;
  const monitor = new Monitor({
    inventory,
    store,
    clock,
    logger: pino({ level: 'silent' }),
    engine: (o) => (engine = new HandEngine(o)),
    oneOff: (o) => new HandEngine(o),
    rollupFlushMs: 3_600_000,
    blind: false,
  });
  await monitor.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await monitor.stop();
  };
  stops.push(stop);
  const ids = Object.fromEntries(points.map((p) => [p.code, targetId(p.targets[0]!)]));
  /** The monitor's second: its tick's work, on the manual clock, and the rollups' flush every 10 s. */
  const tick = async () => {
    // The store's writes of the second before land first, as a second of the real clock lets them.
    await monitor.recorder.settled();
    monitor.checkAgents();
    monitor.recorder.tick(clock.now());
    monitor.recorder.attachToOpenWindows(clock.now());
    monitor.incidents.tick(clock.now());
    if (clock.now() % 10_000 === 0) await monitor.rollups.flush(clock.now());
  };
  return { store, clock, monitor, engine: () => engine!, ids, tick, stop };
}

/** What the agent saw of C1 and C2 at `t`: C1 lost in [lostFrom, lostTo), replies otherwise. */
function probe(ids: Record<string, string>, t: number, lostFrom: number, lostTo: number): TargetResult[] {
  const lost = t >= lostFrom && t < lostTo;
  return [
    { target: ids.C1!, t, rtt: lost ? null : 5, ...(lost ? { reason: 'timeout' as const } : {}) },
    { target: ids.C2!, t, rtt: 6 },
  ];
}

describe.each(STORE_BACKENDS)('agent results at the monitor, %s', (_name, openBackend) => {
  it('[AG1][AG7][AG9] a 60 s cut with a 20 s outage inside, replayed: unknown meanwhile, one true outage, rollups complete', async () => {
    const { store, clock, monitor, engine, ids, tick, stop } = await setup(await openBackend());

    // [AG1] The centre's engine never gets the agent's targets; its own points it does.
    expect(engine().hosts).toEqual(new Set(['127.61.0.1', '127.61.0.2']));
    expect(monitor.agents()).toMatchObject([{ name: AGENT, targets: 2, lastContactAt: null }]);

    const start = clock.now();
    // 30 s of live results, one batch a second.
    for (let i = 0; i < 30; i++) {
      monitor.ingestAgent({ agent: AGENT, contact: contact(), results: probe(ids, clock.now(), Infinity, Infinity) });
      clock.advance(1_000);
      await tick();
    }
    expect(monitor.board.status('C1')?.state).toBe('up');
    expect(monitor.agents()[0]).toMatchObject({ connected: true, silentSince: null, lagMs: 1_000 });

    // The cut: the agent probes on, into its outbox; C1's line is lost from +20 s to +40 s of it.
    const cut = clock.now();
    const lostFrom = cut + 20_000;
    const lostTo = cut + 40_000;
    const outbox: TargetResult[] = [];
    const lastHeard = cut - 1_000;
    const states: string[] = [];
    const truth: string[] = [];
    for (let i = 0; i < 60; i++) {
      outbox.push(...probe(ids, clock.now(), lostFrom, lostTo));
      clock.advance(1_000);
      await tick();
      states.push(monitor.board.status('C1')!.state);
      // [AG7] Unknown from AGENT_SILENT_MS after the last batch, never down.
      truth.push(clock.now() - lastHeard >= AGENT_SILENT_MS ? 'unknown' : 'up');
    }
    expect(states).toEqual(truth);
    // Silent exactly AGENT_SILENT_MS after the last batch (cut − 1 s).
    expect(truth.indexOf('unknown')).toBe(3);
    expect(monitor.board.status('C2')!.state).toBe('unknown');
    expect(monitor.board.targetRows('C1')[0]).toMatchObject({ state: 'unknown', reason: 'no-contact' });
    expect(monitor.agents()[0]).toMatchObject({ connected: false, silentSince: lastHeard });
    expect(await store.listOutages({ point: 'C1' })).toEqual([]);

    // The link is back: the outbox replayed in batches of 25 results, then live again.
    const reconnect = clock.now();
    monitor.agentContact(AGENT, contact());
    // Heard again: still unknown until its results come, but no longer for want of contact.
    expect(monitor.board.targetRows('C1')[0]).toMatchObject({ state: 'unknown', reason: null });
    for (let i = 0; i < outbox.length; i += 25) {
      monitor.ingestAgent({ agent: AGENT, contact: contact(), results: outbox.slice(i, i + 25) });
    }
    // [AG5] A batch seen twice (its acknowledgement lost) is applied once.
    const before = monitor.desk.dropped.stale;
    monitor.ingestAgent({ agent: AGENT, contact: contact(), results: outbox.slice(50, 75) });
    expect(monitor.desk.dropped.stale - before).toBe(25);
    // A result for a target not assigned to the agent is dropped, counted.
    monitor.ingestAgent({ agent: AGENT, contact: contact(), results: [{ target: ids.P!, t: clock.now(), rtt: 1 }] });
    expect(monitor.desk.dropped.foreign).toBe(1);
    for (let i = 0; i < 20; i++) {
      monitor.ingestAgent({ agent: AGENT, contact: contact(), results: probe(ids, clock.now(), Infinity, Infinity) });
      clock.advance(1_000);
      await tick();
    }
    expect(monitor.board.status('C1')?.state).toBe('up');
    expect(monitor.agents()[0]).toMatchObject({ connected: true, silentSince: null });
    const end = clock.now();
    await stop();

    // Exactly one outage, of meeting M, with its true start (first lost probe) and end (first reply).
    const outages = await store.listOutages({ point: 'C1' });
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ meeting: 'M', type: 'down', phase: 'live' });
    expect(Math.abs(outages[0]!.startedAt - lostFrom)).toBeLessThanOrEqual(1_000);
    expect(Math.abs(outages[0]!.endedAt! - lostTo)).toBeLessThanOrEqual(1_000);
    expect(await store.listOutages({ point: 'C2' })).toEqual([]);

    // [AG10] The agent lost inside the meeting's window: one incident naming its points, resolved
    // when it was heard again; its points' unknown states raised nothing of their own.
    await monitor.incidents.flush();
    const incidents = await store.alerts.unroutedIncidents(100);
    const ofAgent = incidents.filter((i) => i.group?.kind === 'agent');
    expect(ofAgent.map((i) => [i.id, i.kind, i.start, i.end])).toEqual([
      [`agent-${AGENT}-${lastHeard}-open`, 'open', lastHeard, null],
      [`agent-${AGENT}-${lastHeard}-recovered`, 'recovered', lastHeard, reconnect],
    ]);
    expect(ofAgent[0]!.points.map((p) => p.code)).toEqual(['C1', 'C2']);
    expect(ofAgent[0]).toMatchObject({ type: 'agent', severity: 'critical', meeting: { id: 'M' }, phase: 'live' });
    expect(ofAgent[0]!.at).toBe(lastHeard + AGENT_SILENT_MS);
    const vi = plainText(renderIncident(ofAgent[0]!, 'vi', undefined, 'ops'));
    expect(vi.split('\n')[0]).toBe(`[diemcau] KHÔNG LIÊN LẠC ĐƯỢC TRẠM ĐO: Trạm đo ${AGENT} (2 điểm cầu)`);
    expect(vi).toContain('chưa rõ trạng thái (không phải mất kết nối)');
    expect(plainText(renderIncident(ofAgent[1]!, 'en', undefined, 'ops')).split('\n')[0]).toBe(
      `[diemcau] RECOVERED: Probe agent ${AGENT} (2 points)`,
    );
    // The one outage of the replay has its own incident; C2 (never down) none.
    const others = incidents.filter((i) => i.group?.kind !== 'agent');
    expect(others.flatMap((i) => i.points.map((p) => p.code))).not.toContain('C2');
    expect(others.filter((i) => i.kind === 'open').map((i) => i.outages)).toEqual([[outages[0]!.id]]);

    // The rollups of the cut's minutes filled in: every 10 s bucket from the start holds its 10 probes
    // once (the duplicate batch not counted twice), none received while C1 was lost.
    const rows = (await store.listRollups('C1', start, end)).filter((r) => r.target === ids.C1);
    const buckets = rows.map((r) => r.t);
    const expected: number[] = [];
    for (let t = start; t < end; t += 10_000) expected.push(t);
    expect(buckets).toEqual(expected);
    for (const r of rows) {
      expect(r.sent).toBe(10);
      const inCut = r.t >= lostFrom && r.t < lostTo;
      expect(r.received).toBe(inCut ? 0 : 10);
    }
  });
});

const sqlite = STORE_BACKENDS.find(([name]) => name === 'SQLite')![1];

describe('agent replays judged on their own times', () => {
  it('[AG7][OU3] a severe period replayed is one outage where the state machine puts it; a short one none, however slow the replay', async () => {
    const { store, clock, monitor, ids, tick, stop } = await setup(await sqlite());
    const c2: TargetResult[] = [];
    const send = (results: TargetResult[]) => monitor.ingestAgent({ agent: AGENT, contact: contact(), results });
    const live = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const r = probe(ids, clock.now(), Infinity, Infinity);
        c2.push(r[1]!);
        send(r);
        clock.advance(1_000);
        await tick();
      }
    };
    await live(30);
    // The cut: C2's RTT is 400 ms for 15 s inside it, and again for 6 s later on.
    const cut = clock.now();
    const outbox: TargetResult[] = [];
    for (let i = 0; i < 60; i++) {
      const slow = (i >= 10 && i < 25) || (i >= 40 && i < 46);
      const r = probe(ids, clock.now(), Infinity, Infinity);
      r[1] = { ...r[1]!, rtt: slow ? 400 : 6 };
      outbox.push(...r);
      c2.push(r[1]);
      clock.advance(1_000);
      await tick();
    }
    expect(monitor.board.status('C2')!.state).toBe('unknown');
    // A slow replay: one second of probes a batch, the monitor's second ticking between them (its clock
    // a minute past the probes): a severe period pending meanwhile lasts what its probes say.
    monitor.agentContact(AGENT, contact());
    for (let i = 0; i < outbox.length; i += 2) {
      send(outbox.slice(i, i + 2));
      await tick();
    }
    await live(30);
    await stop();

    // The oracle: the state machine itself over the same probes, in order; a severe period of
    // severeMinMs (10 s) or more is an outage (OU3).
    const oracle = new TargetTracker(ids.C2!);
    const trs = c2.map((r) => oracle.observe(r.t, r.rtt)).filter((t): t is Transition => t !== null);
    const periods = trs.flatMap((t, i) => (t.to === 'severe' ? [[t.at, trs[i + 1]?.at ?? Infinity] as const] : []));
    expect(periods.length).toBeGreaterThanOrEqual(2);
    const expected = periods.filter(([a, b]) => b - a >= 10_000).map(([a, b]) => ['severe', 'M', a, b]);
    expect(expected).toHaveLength(1);
    expect(expected[0]![2]).toBeGreaterThan(cut);
    const outages = await store.listOutages({ point: 'C2' });
    expect(outages.map((o) => [o.type, o.meeting, o.startedAt, o.endedAt])).toEqual(expected);
  });

  it('[AG7][OU9] an outage replayed across the opening of a meeting window belongs to that meeting too', async () => {
    // The live window (an hour before the session) opens 45 s into the cut.
    const cut = T0 + 30_000;
    const opens = cut + 45_000;
    const meeting = meetingNow('W', 'live', undefined, opens + 65 * 60_000);
    const { store, clock, monitor, ids, tick, stop } = await setup(await sqlite(), [meeting]);
    const send = (results: TargetResult[]) => monitor.ingestAgent({ agent: AGENT, contact: contact(), results });
    for (let i = 0; i < 30; i++) {
      send(probe(ids, clock.now(), Infinity, Infinity));
      clock.advance(1_000);
      await tick();
    }
    expect(clock.now()).toBe(cut);
    const lostFrom = cut + 20_000;
    const lostTo = cut + 50_000;
    const outbox: TargetResult[] = [];
    for (let i = 0; i < 60; i++) {
      outbox.push(...probe(ids, clock.now(), lostFrom, lostTo));
      clock.advance(1_000);
      await tick();
    }
    // No window when the agent fell silent; the window opened on it meanwhile: one incident from then.
    const reconnect = clock.now();
    monitor.agentContact(AGENT, contact());
    send(outbox);
    for (let i = 0; i < 5; i++) {
      send(probe(ids, clock.now(), Infinity, Infinity));
      clock.advance(1_000);
      await tick();
    }
    await stop();
    const outages = await store.listOutages({ point: 'C1' });
    expect(outages.map((o) => [o.meeting, o.startedAt, o.endedAt]).sort()).toEqual([
      [null, lostFrom, lostTo],
      ['W', lostFrom, lostTo],
    ]);
    await monitor.incidents.flush();
    const ofAgent = (await store.alerts.unroutedIncidents(100)).filter((i) => i.group?.kind === 'agent');
    expect(ofAgent.map((i) => [i.kind, i.at, i.meeting?.id])).toEqual([
      ['open', opens, 'W'],
      ['recovered', reconnect, 'W'],
    ]);
  });
});
