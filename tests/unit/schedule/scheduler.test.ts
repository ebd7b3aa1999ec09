import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../../server/clock';
import {
  DEFAULT_CADENCE,
  Scheduler,
  planProbes,
  type Inventory,
  type PlannedTarget,
} from '../../../server/schedule/scheduler';
import { Meeting, Point, Unit, type Level } from '../../../shared/schemas';

const logger = pino({ level: 'silent' });
const at = (iso: string): number => Date.parse(iso);

const units = [
  Unit.parse({ id: 'QT', name: 'Tỉnh Quảng Trị', level: 'province', parent: null }),
  Unit.parse({ id: 'X1', name: 'Xã Gio Mỹ', level: 'commune', parent: 'QT' }),
];

const pt = (code: string, level: Level, hosts: [string, string?]): Point =>
  Point.parse({
    code,
    name: `Điểm cầu ${code}`,
    level,
    unit: level === 'province' ? 'QT' : 'X1',
    targets: [
      { kind: 'icmp', host: hosts[0] },
      ...(hosts[1] ? [{ kind: 'icmp', host: hosts[1], role: 'backup' }] : []),
    ],
  });

const mtg = (id: string, lineTest: string, durationMin: number, start: string, end: string, points: string[]) =>
  Meeting.parse({
    id,
    title: `Hội nghị ${id}`,
    lineTest: { start: lineTest, durationMin },
    session: { start, plannedEnd: end },
    participants: { points },
  });

// A: line test 05/3 15:00–16:00 (window 14:45–16:15), session 06/3 08:00–11:00 (window 07:00–11:15).
const A = mtg('A', '2026-03-05T15:00:00+07:00', 60, '2026-03-06T08:00:00+07:00', '2026-03-06T11:00:00+07:00', ['P1']);
const P1 = pt('P1', 'commune', ['127.0.0.1', '127.0.0.11']);
const P2 = pt('P2', 'commune', ['127.0.0.2']);

/** Host → interval of the ICMP targets (the inventories here have only those). */
const intervals = (targets: readonly PlannedTarget[]): Record<string, number> =>
  Object.fromEntries(targets.map((t) => [t.id.replace(/^icmp:/, ''), t.intervalMs]));

describe('planProbes', () => {
  const inv = { points: [P1, P2], units, meetings: [A] };
  const cases: [string, number, number | null][] = [
    // [instant, P1's interval, next boundary]
    ['2026-03-05T14:44:59.999+07:00', 60_000, at('2026-03-05T14:45:00+07:00')],
    ['2026-03-05T14:45:00+07:00', 2_000, at('2026-03-05T15:00:00+07:00')],
    ['2026-03-05T15:00:00+07:00', 2_000, at('2026-03-05T16:00:00+07:00')],
    ['2026-03-05T16:00:00+07:00', 2_000, at('2026-03-05T16:15:00+07:00')],
    ['2026-03-05T16:14:59.999+07:00', 2_000, at('2026-03-05T16:15:00+07:00')],
    ['2026-03-05T16:15:00+07:00', 60_000, at('2026-03-06T07:00:00+07:00')],
    ['2026-03-06T06:59:59.999+07:00', 60_000, at('2026-03-06T07:00:00+07:00')],
    ['2026-03-06T07:00:00+07:00', 1_000, at('2026-03-06T08:00:00+07:00')],
    ['2026-03-06T08:00:00+07:00', 1_000, at('2026-03-06T11:00:00+07:00')],
    ['2026-03-06T11:00:00+07:00', 1_000, at('2026-03-06T11:15:00+07:00')],
    ['2026-03-06T11:14:59.999+07:00', 1_000, at('2026-03-06T11:15:00+07:00')],
    ['2026-03-06T11:15:00+07:00', 60_000, null],
  ];
  it.each(cases)('[SC1][SC2] at %s the participant is probed every %i ms', (iso, interval, next) => {
    const plan = planProbes({ ...inv, now: at(iso) });
    // [SC4] the backup line at the primary's cadence; a non-participant stays idle.
    expect(intervals(plan.targets)).toEqual({ '127.0.0.1': interval, '127.0.0.11': interval, '127.0.0.2': 60_000 });
    expect(plan.nextBoundary).toBe(next);
    expect(Object.fromEntries(plan.openMeetings)).toEqual(interval === 60_000 ? {} : { P1: ['A'] });
  });

  it('[SC3] a point in overlapping meetings gets the fastest cadence', () => {
    // B's line test (window 08:15–09:15) overlaps A's live window; C's is alone in the afternoon.
    const B = mtg('B', '2026-03-06T08:30:00+07:00', 30, '2026-03-07T08:00:00+07:00', '2026-03-07T10:00:00+07:00', [
      'P1',
      'P2',
    ]);
    const inv3 = { points: [P1, P2], units, meetings: [A, B] };
    const plan = planProbes({ ...inv3, now: at('2026-03-06T08:20:00+07:00') });
    expect(intervals(plan.targets)).toEqual({ '127.0.0.1': 1_000, '127.0.0.11': 1_000, '127.0.0.2': 2_000 });
    expect(Object.fromEntries(plan.openMeetings)).toEqual({ P1: ['A', 'B'], P2: ['B'] });
    // The next boundary is the earliest of both meetings': B's window closing at 09:15.
    const later = planProbes({ ...inv3, now: at('2026-03-06T09:00:00+07:00') });
    expect(later.nextBoundary).toBe(at('2026-03-06T09:15:00+07:00'));
    // After it, P2 (only in B) is idle again while P1 stays at A's live cadence.
    const afterB = planProbes({ ...inv3, now: at('2026-03-06T09:15:00+07:00') });
    expect(intervals(afterB.targets)).toEqual({ '127.0.0.1': 1_000, '127.0.0.11': 1_000, '127.0.0.2': 60_000 });
  });

  it('[SC1] a line test just before the session: the live window wins where both are open', () => {
    const D = mtg('D', '2026-03-06T07:00:00+07:00', 30, '2026-03-06T08:00:00+07:00', '2026-03-06T09:00:00+07:00', [
      'P2',
    ]);
    const plan = planProbes({ points: [P2], units, meetings: [D], now: at('2026-03-06T07:10:00+07:00') });
    expect(intervals(plan.targets)).toEqual({ '127.0.0.2': 1_000 });
  });

  it('[SC4] a host shared by two points is probed once, at the faster cadence', () => {
    const P3 = pt('P3', 'commune', ['127.0.0.1']);
    const plan = planProbes({ points: [P2, P3, P1], units, meetings: [A], now: at('2026-03-05T15:00:00+07:00') });
    expect(plan.targets.map(({ id, intervalMs }) => ({ id, intervalMs }))).toEqual([
      { id: 'icmp:127.0.0.1', intervalMs: 2_000 },
      { id: 'icmp:127.0.0.11', intervalMs: 2_000 },
      { id: 'icmp:127.0.0.2', intervalMs: 60_000 },
    ]);
  });

  it('[SC6] participants by level and unit; the cadence is configurable', () => {
    const E = Meeting.parse({
      ...A,
      id: 'E',
      participants: { levels: ['province'], units: [], points: [] },
    });
    const QT = pt('QT', 'province', ['127.0.0.5']);
    const plan = planProbes({
      points: [QT, P2],
      units,
      meetings: [E],
      now: at('2026-03-06T09:00:00+07:00'),
      cadence: { ...DEFAULT_CADENCE, liveMs: 500, idleMs: 30_000 },
    });
    expect(intervals(plan.targets)).toEqual({ '127.0.0.5': 500, '127.0.0.2': 30_000 });
  });
});

describe('Scheduler', () => {
  const running: Scheduler[] = [];
  afterEach(() => {
    for (const s of running.splice(0)) s.stop();
  });
  const make = (clock: Clock, over: Partial<ConstructorParameters<typeof Scheduler>[0]> = {}) => {
    const plans: PlannedTarget[][] = [];
    const s = new Scheduler({ clock, logger, onPlan: (t) => plans.push(t), ...over });
    running.push(s);
    return { s, plans };
  };
  const inv: Inventory = { points: [P1, P2], units, meetings: [A] };

  it('[SC5] re-plans at each boundary with a ManualClock; delivers only changes', () => {
    const clock = new ManualClock(at('2026-03-05T14:00:00+07:00'));
    const { s, plans } = make(clock);
    expect(s.replan()).toBeNull(); // nothing to plan before the first inventory
    s.update(inv);
    expect(plans.map(intervals)).toEqual([{ '127.0.0.1': 60_000, '127.0.0.11': 60_000, '127.0.0.2': 60_000 }]);
    s.replan();
    expect(plans).toHaveLength(1);
    const steps: [number, number][] = [];
    // Walk boundary to boundary the way the timer would.
    for (let next = s.plan()!.nextBoundary; next !== null; next = s.plan()!.nextBoundary) {
      clock.set(next);
      s.replan();
      steps.push([next, intervals(plans.at(-1)!)['127.0.0.1']!]);
    }
    expect(steps).toEqual([
      [at('2026-03-05T14:45:00+07:00'), 2_000],
      [at('2026-03-05T15:00:00+07:00'), 2_000],
      [at('2026-03-05T16:00:00+07:00'), 2_000],
      [at('2026-03-05T16:15:00+07:00'), 60_000],
      [at('2026-03-06T07:00:00+07:00'), 1_000],
      [at('2026-03-06T08:00:00+07:00'), 1_000],
      [at('2026-03-06T11:00:00+07:00'), 1_000],
      [at('2026-03-06T11:15:00+07:00'), 60_000],
    ]);
    // Four real changes after the first plan: 60 s → 2 s → 60 s → 1 s → 60 s.
    expect(plans).toHaveLength(5);
  });

  it('[SC5] an inventory update re-plans at once', () => {
    const clock = new ManualClock(at('2026-03-06T07:30:00+07:00'));
    const { s, plans } = make(clock);
    s.update(inv);
    s.update({ ...inv, points: [P1, P2, pt('P9', 'commune', ['127.0.0.9'])] });
    expect(plans).toHaveLength(2);
    expect(intervals(plans[1]!)['127.0.0.9']).toBe(60_000);
    s.update({ ...inv, meetings: [] });
    expect(intervals(plans[2]!)['127.0.0.1']).toBe(60_000);
  });

  it('[SC5] the real timer fires at the next boundary', async () => {
    // A clock 80 ms before the line-test window opens, running in real time.
    const offset = at('2026-03-05T14:45:00+07:00') - 80 - Date.now();
    const clock: Clock = { now: () => Date.now() + offset };
    const { s, plans } = make(clock);
    s.update(inv);
    expect(intervals(plans[0]!)['127.0.0.1']).toBe(60_000);
    await waitFor(() => plans.length >= 2, 3_000);
    expect(intervals(plans[1]!)['127.0.0.1']).toBe(2_000);
  });

  it('[SC5] the timer sleeps at most maxSleepMs, so a clock jump is caught', async () => {
    const clock = new ManualClock(at('2026-03-05T10:00:00+07:00'));
    const { s, plans } = make(clock, { maxSleepMs: 30 });
    s.update(inv);
    // The next boundary is hours away; the clock jumps into the live window.
    clock.set(at('2026-03-06T07:30:00+07:00'));
    await waitFor(() => plans.length >= 2, 3_000);
    expect(intervals(plans[1]!)['127.0.0.1']).toBe(1_000);
  });

  it('[SC5] a failing onPlan is logged and retried at the next re-plan; stop() ends re-planning', () => {
    const clock = new ManualClock(at('2026-03-06T07:30:00+07:00'));
    let fail = true;
    const delivered: PlannedTarget[][] = [];
    const { s } = make(clock, {
      onPlan: (t) => {
        if (fail) throw new Error('engine busy');
        delivered.push(t);
      },
    });
    s.update(inv);
    expect(delivered).toEqual([]);
    fail = false;
    s.replan();
    expect(delivered).toHaveLength(1);
    s.stop();
    clock.set(at('2026-03-06T11:30:00+07:00'));
    expect(s.replan()).toBeNull();
    expect(delivered).toHaveLength(1);
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
