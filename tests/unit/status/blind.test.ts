// The monitor's own blind spans (docs/SPEC.md MG1–MG3), driven by a manual clock and a hand-moved
// monotonic clock: a stall or a clock step is a gap, never an outage or a degraded state.
import pino from 'pino';
import { asyncStore } from '../../../server/store/async';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { Inventory } from '../../../server/inventory/inventory';
import { Monitor } from '../../../server/monitor';
import type { EngineOptions, ProbeEngine, ProbeResult } from '../../../server/probe/types';
import { BlindWatch, type BlindSpan } from '../../../server/status/blind';
import type { Store } from '../../../server/store/types';
import { MemoryStore } from '../../helpers/memory-store';
import { meetingNow, tinyProvince } from '../../helpers/app';
import { targetHost } from '../../../shared/targets';

const T0 = Date.parse('2026-03-06T08:00:00+07:00');

function watch(clockJumps = false) {
  const clock = new ManualClock(T0);
  let mono = 1_000;
  const spans: BlindSpan[] = [];
  const w = new BlindWatch({ clock, mono: () => mono, stallMs: 1_000, clockJumps, onSpan: (s) => spans.push(s) });
  const pass = (ms: number, wallMs = ms) => {
    mono += ms;
    clock.advance(wallMs);
  };
  return { w, clock, pass, spans };
}

describe('BlindWatch', () => {
  it('[MG1] a stand-still longer than stallMs is a span from the last look to now; shorter ones are not', () => {
    const { w, pass, spans } = watch();
    pass(900);
    expect(w.check()).toBeNull();
    pass(10_000);
    expect(w.check()).toEqual({ from: T0 + 900, to: T0 + 10_900, reason: 'stall' });
    expect(spans).toHaveLength(1);
    pass(100);
    expect(w.check()).toBeNull();
    expect(w.blindUntil).toBe(T0 + 10_900);
  });

  it('[MG1] a step of the wall clock against the monotonic one is a span only when asked to watch for it', () => {
    const off = watch(false);
    off.pass(100, 3_600_000);
    expect(off.w.check()).toBeNull();
    const on = watch(true);
    on.pass(100, 3_600_000);
    expect(on.w.check()).toEqual({ from: T0, to: T0 + 3_600_000, reason: 'clock' });
    // A step back: the span covers the instants lived twice, trust resumes at the new now.
    on.pass(100, -7_200_000);
    expect(on.w.check()).toEqual({ from: T0 - 3_600_000, to: T0 + 3_600_000, reason: 'clock' });
    expect(on.w.blindUntil).toBe(T0 - 3_600_000);
    expect(on.w.trusts(T0 - 3_600_000)).toBe(true);
  });

  it('[MG2] a result sent before the end of a span is not trusted, one sent after is', () => {
    const { w, pass } = watch();
    pass(500);
    expect(w.trusts(T0 + 400)).toBe(true);
    pass(5_000);
    // The stall is noticed by the very call that asks: nothing queued behind it is believed.
    expect(w.trusts(T0 + 1_000)).toBe(false);
    expect(w.trusts(T0 + 5_499)).toBe(false);
    expect(w.trusts(T0 + 5_500)).toBe(true);
  });
});

/** An engine the test drives: results are delivered when the test says. */
class HandEngine implements ProbeEngine {
  readonly name = 'fping' as const;
  constructor(readonly o: EngineOptions) {}
  setTargets(): void {}
  probeOnce(host: string): Promise<ProbeResult> {
    return Promise.resolve({ host, t: this.o.clock.now(), rtt: 1 });
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('the monitor over a blind span', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  async function setup() {
    const clock = new ManualClock(T0);
    let mono = 0;
    const store: Store = asyncStore(new MemoryStore());
    const { units, points } = tinyProvince(31, 2); // P, D1, C1, C2
    const inventory = await Inventory.open(store);
    await inventory.apply({
      upsertUnits: units,
      upsertPoints: points,
      upsertMeetings: [meetingNow('M', 'live', undefined, T0)],
    });
    let engine!: HandEngine;
    const monitor = new Monitor({
      inventory,
      store,
      clock,
      logger: pino({ level: 'silent' }),
      engine: (o) => (engine = new HandEngine(o)),
      oneOff: (o) => new HandEngine(o),
      // The tick never fires by itself: every look is the one a result or the test triggers.
      blind: { mono: () => mono, tickMs: 3_600_000, stallMs: 1_000 },
    });
    await monitor.start();
    stops.push(() => monitor.stop());
    const hosts = Object.fromEntries(points.map((p) => [p.code, p.targets.map(targetHost)[0]!]));
    /** One probe round at the live cadence: every point replies in 5 ms but those listed as lost. */
    const round = (lost: string[] = [], rtt = 5) => {
      for (const [code, host] of Object.entries(hosts)) {
        engine.o.onResult({ host, t: clock.now(), rtt: lost.includes(code) ? null : rtt });
      }
      clock.advance(1_000);
      mono += 1_000;
    };
    /** The monitor's process stands still for `ms` (SIGSTOP, a blocked loop). */
    const freeze = (ms: number) => {
      clock.advance(ms);
      mono += ms;
    };
    return { clock, store, monitor, engine: () => engine, hosts, round, freeze };
  }

  it('[MG1][MG2] after a stall the watchdog losses and delayed replies are dropped: no degraded, no outage', async () => {
    const { monitor, engine, hosts, round, freeze, store, clock } = await setup();
    for (let i = 0; i < 40; i++) round();
    expect(monitor.board.status('C1')?.state).toBe('up');
    const before = clock.now();
    freeze(10_000);
    // What arrives first on resume: the watchdog's "nothing heard" for every host, then replies that
    // waited in the pipe with RTTs swollen by the stall — all for probes sent during the stall.
    for (const host of Object.values(hosts)) engine().o.onResult({ host, t: before + 2_000, rtt: null });
    for (const host of Object.values(hosts)) engine().o.onResult({ host, t: before + 3_000, rtt: 900 });
    expect(monitor.board.status('C1')?.state).toBe('unknown');
    // Fresh probes: the states are what they say.
    round();
    for (const code of Object.keys(hosts)) expect(monitor.board.status(code)?.state).toBe('up');
    for (let i = 0; i < 35; i++) round();
    for (const code of Object.keys(hosts)) expect(monitor.board.status(code)?.state).toBe('up');
    await monitor.recorder.settled();
    expect(await store.listOutages({ limit: 100 })).toEqual([]);
    expect(await store.listGaps(0, Number.MAX_SAFE_INTEGER)).toEqual([
      // From the monitor's last look (the last round's results), to the look that noticed.
      { from: before - 1_000, to: before + 10_000, reason: 'stall' },
    ]);
  });

  it('[MG2] a stall under 3 s keeps the states, drops its results and is still a gap', async () => {
    const { monitor, engine, hosts, round, freeze, store, clock } = await setup();
    for (let i = 0; i < 40; i++) round();
    const before = clock.now();
    freeze(1_500); // 2.5 s since the monitor's last look (the last round's results)
    for (const host of Object.values(hosts)) engine().o.onResult({ host, t: before + 500, rtt: null });
    expect(monitor.board.status('C1')?.state).toBe('up');
    for (let i = 0; i < 35; i++) round();
    for (const code of Object.keys(hosts)) expect(monitor.board.status(code)?.state).toBe('up');
    await monitor.recorder.settled();
    expect(await store.listOutages({ limit: 100 })).toEqual([]);
    expect(await store.listGaps(0, Number.MAX_SAFE_INTEGER)).toEqual([
      { from: before - 1_000, to: before + 1_500, reason: 'stall' },
    ]);
  });

  it('[MG3] a real outage that spans a stall stays one outage with its true start', async () => {
    const { monitor, round, freeze, store, clock } = await setup();
    for (let i = 0; i < 5; i++) round();
    const cutAt = clock.now();
    for (let i = 0; i < 4; i++) round(['C2']);
    expect(monitor.board.status('C2')?.state).toBe('down');
    freeze(60_000);
    round(['C2']); // noticed here: everything unknown
    expect(monitor.board.status('C2')?.state).toBe('unknown');
    for (let i = 0; i < 3; i++) round(['C2']);
    expect(monitor.board.status('C2')?.state).toBe('down');
    for (let i = 0; i < 3; i++) round();
    expect(monitor.board.status('C2')?.state).toBe('up');
    await monitor.recorder.settled();
    const rows = await store.listOutages({ limit: 100 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ point: 'C2', type: 'down', startedAt: cutAt });
    expect(rows[0]!.endedAt).not.toBeNull();
  });
});
