// Seeded random loss patterns, clock jumps and gaps: the tracker must match a naive reference model
// (plain arrays, everything recomputed from scratch) and keep its invariants at every step.
import { isDeepStrictEqual } from 'node:util';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PointState } from '../../../shared/schemas';
import { TargetTracker } from '../../../server/status/tracker';
import { DEFAULT_STATUS, type Band, type StatusConfig, type Transition } from '../../../server/status/types';

type Event = { kind: 'probe'; dt: number; rtt: number | null } | { kind: 'gap'; dt: number };

interface Sample {
  t: number;
  rtt: number | null;
}

/** The rules of docs/SPEC.md ST1–ST12, written the slow and obvious way. */
class Model {
  state: PointState = 'unknown';
  since: number | null = null;
  lastT: number | null = null;
  lastRtt: number | null = null;
  lostRun = 0;
  lostStart = 0;
  replyRun = 0;
  replyStart = 0;
  win: Sample[] = [];

  constructor(private readonly c: StatusConfig) {}

  observe(t: number, rtt: number | null): Transition | null {
    if (this.lastT !== null && (t < this.lastT || t - this.lastT > (this.c.jumpMs ?? 300_000))) {
      this.win = [];
      this.lostRun = 0;
      this.replyRun = 0;
      if (this.since !== null && this.since > t) this.since = t;
    }
    this.lastT = t;
    this.lastRtt = rtt;
    if (rtt === null) {
      this.replyRun = 0;
      if (this.lostRun++ === 0) this.lostStart = t;
      if (this.state === 'down') {
        this.win = [];
        return null;
      }
      if (this.lostRun >= this.c.downAfter) {
        this.win = [];
        return this.set('down', this.lostStart, t);
      }
      if (this.state === 'unknown') return null;
      this.win.push({ t, rtt });
      return this.set(this.quality(), t, t);
    }
    this.lostRun = 0;
    if (this.replyRun++ === 0) this.replyStart = t;
    this.win.push({ t, rtt });
    if (this.state === 'down') {
      return this.replyRun < this.c.upAfter ? null : this.set(this.quality(), this.replyStart, t);
    }
    return this.set(this.quality(), t, t);
  }

  gap(t: number): Transition | null {
    this.win = [];
    this.lostRun = 0;
    this.replyRun = 0;
    this.lastRtt = null;
    if (this.lastT === null || t > this.lastT) this.lastT = t;
    return this.set('unknown', t, t);
  }

  loss(): number | null {
    const w = windowOf(this.win, this.c.loss, this.win.at(-1)?.t ?? 0);
    if (w.length === 0) return null;
    return (w.filter((s) => s.rtt === null).length * 100) / Math.max(w.length, this.c.loss.minSamples ?? 1);
  }

  median(): number | null {
    const replies = this.win.filter((s) => s.rtt !== null);
    const w = windowOf(replies, this.c.rtt, replies.at(-1)?.t ?? 0)
      .map((s) => s.rtt!)
      .sort((a, b) => a - b);
    if (w.length === 0) return null;
    const m = w.length >> 1;
    return w.length % 2 ? w[m]! : (w[m - 1]! + w[m]!) / 2;
  }

  jitter(): number | null {
    const replies = this.win.filter((s) => s.rtt !== null);
    const diffs: Sample[] = [];
    for (let i = 1; i < replies.length; i++) {
      diffs.push({ t: replies[i]!.t, rtt: Math.abs(replies[i]!.rtt! - replies[i - 1]!.rtt!) });
    }
    const w = windowOf(diffs, this.c.jitter, diffs.at(-1)?.t ?? 0);
    return w.length === 0 ? null : w.reduce((s, d) => s + d.rtt!, 0) / w.length;
  }

  private quality(): PointState {
    const g = Math.max(
      grade(this.loss(), this.c.loss),
      grade(this.median(), this.c.rtt),
      grade(this.jitter(), this.c.jitter),
    );
    return (['up', 'degraded', 'severe'] as const)[g]!;
  }

  private set(to: PointState, at: number, detectedAt: number): Transition | null {
    if (to === this.state) return null;
    const from = this.state;
    this.state = to;
    this.since = at;
    return { target: 'h', from, to, at, detectedAt };
  }
}

function grade(x: number | null, b: Band): number {
  return x === null ? 0 : x > b.severe ? 2 : x >= b.degraded ? 1 : 0;
}

/** Samples newer than `now - windowMs`, or among the latest `minSamples` (t is non-decreasing). */
function windowOf(s: readonly Sample[], b: Band, now: number): Sample[] {
  const min = b.minSamples ?? 1; // every config here sets it
  return s.filter((x, i) => x.t > now - b.windowMs || i >= s.length - min);
}

const dt = fc.oneof(
  { weight: 40, arbitrary: fc.constant(1000) },
  { weight: 10, arbitrary: fc.constantFrom(0, 2000, 60_000) },
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 120_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -4_000_000, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 300_001, max: 90_000_000 }) },
);

/** Bursty loss: each run picks a loss rate and an RTT level, so all bands and runs get exercised. */
const events = fc
  .record({ lossPct: fc.integer({ min: 0, max: 70 }), base: fc.integer({ min: 1, max: 300 }) })
  .chain(({ lossPct, base }) =>
    fc.array(
      fc.oneof(
        {
          weight: 30,
          arbitrary: fc.record({
            kind: fc.constant('probe' as const),
            dt,
            rtt: fc.oneof(
              { weight: lossPct, arbitrary: fc.constant(null) },
              { weight: 100 - lossPct, arbitrary: fc.integer({ min: 1, max: base }) },
            ),
          }),
        },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('gap' as const), dt }) },
      ),
      { minLength: 1, maxLength: 300 },
    ),
  );

const T0 = Date.parse('2026-03-06T07:00:00+07:00');

/** Replays the events into the tracker and the model; returns the first discrepancy, or null. */
function replay(cfg: StatusConfig, evs: readonly Event[]): string | null {
  const tr = new TargetTracker('h', cfg);
  const model = new Model(cfg);
  let t = T0;
  // Results since the last reset (gap or clock jump), for invariants independent of the model.
  let run: boolean[] = [];
  let runTimes: number[] = [];
  let lastT: number | null = null;
  for (const [i, e] of evs.entries()) {
    t += e.dt;
    const where = `event ${i} (t=${t - T0})`;
    let got: Transition | null;
    let want: Transition | null;
    if (e.kind === 'gap') {
      got = tr.gap(t);
      want = model.gap(t);
      run = [];
      runTimes = [];
      if (lastT === null || t > lastT) lastT = t;
    } else {
      if (lastT !== null && (t < lastT || t - lastT > (cfg.jumpMs ?? 300_000))) {
        run = [];
        runTimes = [];
      }
      lastT = t;
      got = tr.observe(t, e.rtt);
      want = model.observe(t, e.rtt);
      run.push(e.rtt === null);
      runTimes.push(t);
    }
    const s = tr.status();
    const reachable = s.state !== 'down' && s.state !== 'unknown';
    // Loss and jitter are the windows' only while reachable (ST12).
    const actual = { transition: got, ...s, loss: reachable ? s.loss : null, jitter: reachable ? s.jitter : null };
    const expected = {
      transition: want,
      state: model.state,
      rtt: reachable ? model.lastRtt : null,
      loss: reachable ? model.loss() : null,
      jitter: reachable ? model.jitter() : null,
      since: model.since,
    };
    if (!isDeepStrictEqual(actual, expected)) {
      return `${where}: tracker ${JSON.stringify(actual)} != model ${JSON.stringify(expected)}`;
    }

    // Invariants, independent of the model.
    let trailingLost = 0;
    while (trailingLost < run.length && run[run.length - 1 - trailingLost]) trailingLost++;
    let trailingReplies = 0;
    while (trailingReplies < run.length && !run[run.length - 1 - trailingReplies]) trailingReplies++;
    const broken = [
      s.since !== null && s.since > t && 'since is in the future',
      got && got.at > got.detectedAt && 'transition at after detectedAt',
      got && got.to !== s.state && 'transition to is not the state',
      trailingLost >= cfg.downAfter && s.state !== 'down' && `${trailingLost} lost in a row but ${s.state}`,
      s.state === 'down' && trailingReplies >= cfg.upAfter && `${trailingReplies} replies in a row but down`,
      s.state !== 'down' && trailingLost >= cfg.downAfter && 'not down after a full lost run',
      // ST2: a down state begins at the first lost probe of the run.
      got?.to === 'down' && got.at !== runTimes[runTimes.length - trailingLost] && 'down not at the first loss',
    ].filter((x) => typeof x === 'string');
    if (broken.length > 0) return `${where}: ${broken.join('; ')}`;
  }
  return null;
}

/** A property that fails with the first discrepancy as its message. */
const agrees = (cfg: StatusConfig, evs: readonly Event[]): void => {
  const problem = replay(cfg, evs);
  if (problem !== null) throw new Error(problem);
};

describe('tracker against a reference model', () => {
  it('[ST1][ST2][ST3][ST4] random loss patterns: down iff the last run of losses reached downAfter, since never ahead', () => {
    const run = fc.check(
      fc.property(events, (evs) => agrees(DEFAULT_STATUS, evs)),
      { seed: 20260306, numRuns: 400 },
    );
    expect(fc.defaultReportMessage(run)).toBeUndefined();
  });

  it('[ST5]–[ST11] random patterns with other thresholds, minimums and run lengths', () => {
    const config = fc.record({
      downAfter: fc.integer({ min: 1, max: 5 }),
      upAfter: fc.integer({ min: 1, max: 5 }),
      lossMin: fc.integer({ min: 1, max: 30 }),
      rttMin: fc.integer({ min: 1, max: 6 }),
      jitMin: fc.integer({ min: 1, max: 8 }),
    });
    const run = fc.check(
      fc.property(config, events, (c, evs) => {
        const cfg: StatusConfig = {
          ...DEFAULT_STATUS,
          downAfter: c.downAfter,
          upAfter: c.upAfter,
          loss: { ...DEFAULT_STATUS.loss, minSamples: c.lossMin },
          rtt: { ...DEFAULT_STATUS.rtt, minSamples: c.rttMin },
          jitter: { ...DEFAULT_STATUS.jitter, minSamples: c.jitMin },
        };
        agrees(cfg, evs);
      }),
      { seed: 7, numRuns: 300 },
    );
    expect(fc.defaultReportMessage(run)).toBeUndefined();
  });

  it('[ST1] pinned patterns: loss bursts around jumps and gaps', () => {
    const pinned: Event[][] = [
      // two losses, a gap, two losses: not down; one more: down from the first after the gap
      [
        { kind: 'probe', dt: 0, rtt: 5 },
        { kind: 'probe', dt: 1000, rtt: null },
        { kind: 'probe', dt: 1000, rtt: null },
        { kind: 'gap', dt: 500 },
        { kind: 'probe', dt: 500, rtt: null },
        { kind: 'probe', dt: 1000, rtt: null },
        { kind: 'probe', dt: 1000, rtt: null },
      ],
      // down, clock back, replies
      [
        { kind: 'probe', dt: 0, rtt: null },
        { kind: 'probe', dt: 1000, rtt: null },
        { kind: 'probe', dt: 1000, rtt: null },
        { kind: 'probe', dt: -50_000, rtt: 10 },
        { kind: 'probe', dt: 1000, rtt: 10 },
        { kind: 'probe', dt: 1000, rtt: 10 },
      ],
    ];
    expect(pinned.map((evs) => replay(DEFAULT_STATUS, evs))).toEqual([null, null]);
  });
});
