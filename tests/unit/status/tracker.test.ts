import { describe, expect, it } from 'vitest';
import { TargetTracker } from '../../../server/status/tracker';
import {
  DEFAULT_STATUS,
  LOSS_KNOWN_MS,
  type Band,
  type StatusConfig,
  type Transition,
} from '../../../server/status/types';
import { DEFAULT_LOSS_GRACE_MS, fpingTimeout } from '../../../server/probe/fping-engine';

const HOST = '127.0.0.1';
const T0 = Date.parse('2026-03-06T07:00:00+07:00');
const OFF: Band = { windowMs: 30_000, degraded: 1e9, severe: 1e9 };

function config(over: Partial<StatusConfig> = {}): StatusConfig {
  return { ...DEFAULT_STATUS, ...over };
}

/** Feeds results at a fixed step from `start`; `null` = lost. Returns transitions and the next t. */
function feed(tr: TargetTracker, start: number, step: number, rtts: readonly (number | null)[]) {
  const out: Transition[] = [];
  let t = start;
  for (const rtt of rtts) {
    const x = tr.observe(t, rtt);
    if (x) out.push(x);
    t += step;
  }
  return { transitions: out, next: t };
}

const replies = (n: number, rtt = 10): number[] => Array<number>(n).fill(rtt);
const losses = (n: number): null[] => Array<null>(n).fill(null);

describe('down and up runs', () => {
  it('[ST1] two lost then a reply stays up', () => {
    const tr = new TargetTracker(HOST);
    const { next } = feed(tr, T0, 1000, replies(30));
    const { transitions } = feed(tr, next, 1000, [null, null, 10]);
    expect(tr.state).not.toBe('down');
    expect(transitions.map((x) => x.to)).not.toContain('down');
  });

  it('[ST1][ST2] exactly three lost make it down, starting at the first of them', () => {
    const tr = new TargetTracker(HOST);
    const { next } = feed(tr, T0, 1000, replies(30));
    const { transitions } = feed(tr, next, 1000, losses(3));
    const down = transitions.at(-1)!;
    expect(down).toMatchObject({ target: HOST, to: 'down', at: next, detectedAt: next + 2000 });
    expect(tr.status()).toMatchObject({ state: 'down', since: next, rtt: null, loss: 100, jitter: null });
    // More losses change nothing.
    expect(feed(tr, next + 3000, 1000, losses(10)).transitions).toEqual([]);
    expect(tr.status().since).toBe(next);
  });

  it('[ST3] three replies after down bring it up, starting at the first of them', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(10), ...losses(5)]);
    const b = feed(tr, a.next, 1000, replies(2));
    expect(b.transitions).toEqual([]);
    expect(tr.state).toBe('down');
    const c = feed(tr, b.next, 1000, replies(1));
    expect(c.transitions).toEqual([{ target: HOST, from: 'down', to: 'up', at: a.next, detectedAt: b.next }]);
    expect(tr.status().since).toBe(a.next);
  });

  it('[ST3] two replies then a loss keep it down and restart the count', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(10), ...losses(3)]);
    const downSince = tr.status().since;
    const b = feed(tr, a.next, 1000, [10, 10, null, 10, 10]);
    expect(b.transitions).toEqual([]);
    expect(tr.status()).toMatchObject({ state: 'down', since: downSince });
    const c = feed(tr, b.next, 1000, [10]);
    // The up run began at the reply after the loss.
    expect(c.transitions[0]).toMatchObject({ from: 'down', to: 'up', at: a.next + 3000, detectedAt: b.next });
  });

  it('[ST3] upAfter and downAfter are configurable', () => {
    const tr = new TargetTracker(HOST, config({ downAfter: 5, upAfter: 1 }));
    const a = feed(tr, T0, 1000, [10, ...losses(4)]);
    expect(tr.state).not.toBe('down');
    feed(tr, a.next, 1000, [null]);
    expect(tr.state).toBe('down');
    expect(feed(tr, a.next + 1000, 1000, [10]).transitions[0]).toMatchObject({ to: 'up' });
  });
});

describe('new targets', () => {
  it('[ST4] a new target is unknown until its first reply', () => {
    const tr = new TargetTracker(HOST);
    expect(tr.status()).toEqual({ state: 'unknown', rtt: null, loss: null, jitter: null, since: null });
    const { transitions } = feed(tr, T0, 1000, [null, null, 12]);
    expect(transitions).toEqual([{ target: HOST, from: 'unknown', to: 'up', at: T0 + 2000, detectedAt: T0 + 2000 }]);
    // [ST9] the losses before the first reply are not loss in the window.
    expect(tr.status()).toMatchObject({ state: 'up', rtt: 12, loss: 0, since: T0 + 2000 });
  });

  it('[ST4] a new target that never answers goes down at its first lost probe', () => {
    const tr = new TargetTracker(HOST);
    const { transitions } = feed(tr, T0, 1000, losses(3));
    expect(transitions).toEqual([{ target: HOST, from: 'unknown', to: 'down', at: T0, detectedAt: T0 + 2000 }]);
  });
});

const lossOnly = (loss: Band): StatusConfig => config({ loss, rtt: OFF, jitter: OFF });
const alternate = (n: number, a: number, b: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 ? b : a));

describe('loss band', () => {
  it('[ST5] loss at the degraded edge: 1 % is degraded, just under is up', () => {
    // 1 Hz, a 100 s window holds 100 probes: one loss is exactly 1 %.
    const at100 = new TargetTracker(HOST, lossOnly({ windowMs: 100_000, degraded: 1, severe: 5, minSamples: 20 }));
    feed(at100, T0, 1000, [...replies(60), null, ...replies(39)]);
    expect(at100.status().loss).toBe(1);
    expect(at100.state).toBe('degraded');
    // 101 probes: 0.99 %.
    const at101 = new TargetTracker(HOST, lossOnly({ windowMs: 101_000, degraded: 1, severe: 5, minSamples: 20 }));
    feed(at101, T0, 1000, [...replies(60), null, ...replies(40)]);
    expect(at101.status().loss).toBeCloseTo(100 / 101, 9);
    expect(at101.state).toBe('up');
  });

  it('[ST5] loss at the severe edge: 5 % is degraded, above is severe', () => {
    const tr = new TargetTracker(HOST, lossOnly({ windowMs: 20_000, degraded: 1, severe: 5, minSamples: 20 }));
    const a = feed(tr, T0, 1000, [...replies(30), null, ...replies(18)]);
    expect(tr.status().loss).toBe(5);
    expect(tr.state).toBe('degraded');
    feed(tr, a.next, 1000, [null]);
    expect(tr.status().loss).toBe(10);
    expect(tr.state).toBe('severe');
  });

  it('[ST6] at 2 s cadence one loss over the 20-probe minimum is amber, not red', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 2000, replies(40));
    feed(tr, a.next, 2000, [null, ...replies(3)]);
    // 30 s holds 15 probes, the window keeps the latest 20: 1/20.
    expect(tr.status().loss).toBe(5);
    expect(tr.state).toBe('degraded');
    // Without the minimum, the same line turns red: 1/15 = 6.7 %.
    const bare = new TargetTracker(HOST, config({ loss: { ...DEFAULT_STATUS.loss, minSamples: 1 } }));
    const b = feed(bare, T0, 2000, replies(40));
    feed(bare, b.next, 2000, [null, ...replies(3)]);
    expect(bare.status().loss).toBeCloseTo(100 / 15, 9);
    expect(bare.state).toBe('severe');
  });

  it('[ST6] a config that overrides the loss band without minSamples keeps the default minimum of 20', () => {
    const tr = new TargetTracker(HOST, config({ loss: { windowMs: 30_000, degraded: 1, severe: 5 } }));
    const a = feed(tr, T0, 2000, replies(40));
    feed(tr, a.next, 2000, [null]);
    expect(tr.status().loss).toBe(5);
  });

  it('[ST6] the window is 30 s when that holds more than the minimum, and forgets older losses', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(40), null]);
    expect(tr.status().loss).toBeCloseTo(100 / 30, 9);
    // The loss is 29 s old: still in.
    const b = feed(tr, a.next, 1000, replies(29));
    expect(tr.state).toBe('degraded');
    // 30 s old: out.
    feed(tr, b.next, 1000, replies(1));
    expect(tr.status().loss).toBe(0);
    expect(tr.state).toBe('up');
  });

  it('[ST6] after a restart of the windows, missing probes count as received', () => {
    const tr = new TargetTracker(HOST);
    feed(tr, T0, 1000, [10, 10, 10, null]);
    expect(tr.status().loss).toBe(5); // 1 of 4 known, over 20
    expect(tr.state).toBe('degraded');
  });
});

describe('RTT band', () => {
  const rttOnly = config({ loss: OFF, jitter: OFF });

  it('[ST5][ST7] median RTT at the edges: 100 degraded, 250 degraded, above 250 severe', () => {
    const cases: [number, string][] = [
      [99.999, 'up'],
      [100, 'degraded'],
      [250, 'degraded'],
      [250.001, 'severe'],
    ];
    for (const [rtt, state] of cases) {
      const tr = new TargetTracker(HOST, rttOnly);
      feed(tr, T0, 1000, replies(12, rtt));
      expect(tr.state, `rtt ${rtt}`).toBe(state);
    }
  });

  it('[ST7] the median ignores a lone spike and follows the last 10 s', () => {
    const tr = new TargetTracker(HOST, rttOnly);
    feed(tr, T0, 1000, [...replies(10), 400, ...replies(5)]);
    expect(tr.state).toBe('up');
    const slow = new TargetTracker(HOST, rttOnly);
    const a = feed(slow, T0, 1000, replies(10, 300));
    expect(slow.state).toBe('severe');
    // At t+4 s the window (t-6 s, t+4 s] holds 5 slow and 5 fast: median 155.
    const b = feed(slow, a.next, 1000, replies(5, 10));
    expect(slow.state).toBe('degraded');
    feed(slow, b.next, 1000, replies(1, 10));
    expect(slow.state).toBe('up');
  });

  it('[ST7] at the idle cadence one slow reply among three is not severe', () => {
    const tr = new TargetTracker(HOST, rttOnly);
    feed(tr, T0, 60_000, [10, 10, 400]);
    expect(tr.state).toBe('up');
    feed(tr, T0 + 180_000, 60_000, [400]);
    expect(tr.state).toBe('severe');
  });
});

describe('jitter band', () => {
  const jitterOnly = config({ loss: OFF, rtt: OFF });

  it('[ST5][ST8] jitter at the edges: 20 degraded, 50 degraded, above 50 severe', () => {
    const cases: [number, string][] = [
      [19.5, 'up'],
      [20, 'degraded'],
      [50, 'degraded'],
      [51, 'severe'],
    ];
    for (const [d, state] of cases) {
      const tr = new TargetTracker(HOST, jitterOnly);
      feed(tr, T0, 1000, alternate(40, 10, 10 + d));
      expect(tr.status().jitter, `d ${d}`).toBeCloseTo(d, 9);
      expect(tr.state, `d ${d}`).toBe(state);
    }
  });

  it('[ST8] successive replies are paired across a loss; the window is 30 s', () => {
    const tr = new TargetTracker(HOST, jitterOnly);
    feed(tr, T0, 1000, [10, null, 40]);
    expect(tr.status().jitter).toBe(30);
    const steady = new TargetTracker(HOST, jitterOnly);
    const a = feed(steady, T0, 1000, [...replies(30), 100, 10]);
    // Two differences of 90 among 30 (window 30 s): 6 ms.
    expect(steady.status().jitter).toBeCloseTo(180 / 30, 9);
    feed(steady, a.next, 1000, replies(29));
    expect(steady.status().jitter).toBeCloseTo(90 / 30, 9);
    feed(steady, a.next + 29_000, 1000, replies(1));
    expect(steady.status().jitter).toBe(0);
  });
});

describe('windows across down, gaps and clock jumps', () => {
  it('[ST9] after recovery the down run does not count as loss', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(30), ...losses(10)]);
    const b = feed(tr, a.next, 1000, replies(3));
    expect(b.transitions[0]).toMatchObject({ from: 'down', to: 'up' });
    expect(tr.status()).toMatchObject({ state: 'up', loss: 0, jitter: 0 });
  });

  it('[ST9] recovery with slow replies comes back severe, still from the first reply', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(10), ...losses(3)]);
    const b = feed(tr, a.next, 1000, replies(3, 300));
    expect(b.transitions).toEqual([
      { target: HOST, from: 'down', to: 'severe', at: a.next, detectedAt: a.next + 2000 },
    ]);
  });

  it('[ST10] a gap makes it unknown with windows cleared; then three losses make it down', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(20), null]);
    expect(tr.state).toBe('degraded');
    const g = tr.gap(a.next);
    expect(g).toEqual({ target: HOST, from: 'degraded', to: 'unknown', at: a.next, detectedAt: a.next });
    expect(tr.status()).toEqual({ state: 'unknown', rtt: null, loss: null, jitter: null, since: a.next });
    expect(tr.gap(a.next + 10)).toBeNull();
    // Two losses before the gap and one after do not make a run of three.
    const tr2 = new TargetTracker(HOST);
    const c = feed(tr2, T0, 1000, [...replies(5), null, null]);
    tr2.gap(c.next);
    const d = feed(tr2, c.next + 1000, 1000, losses(2));
    expect(d.transitions).toEqual([]);
    const e = feed(tr2, d.next, 1000, losses(1));
    expect(e.transitions).toEqual([
      { target: HOST, from: 'unknown', to: 'down', at: c.next + 1000, detectedAt: d.next },
    ]);
  });

  it('[ST10] unknown after a gap, then a reply: reachable with a fresh window', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(20), null, 10, null]);
    expect(tr.state).toBe('severe');
    tr.gap(a.next);
    const b = feed(tr, a.next + 500, 1000, [10]);
    expect(b.transitions[0]).toMatchObject({ from: 'unknown', to: 'up', at: a.next + 500 });
    expect(tr.status().loss).toBe(0);
  });

  it('[ST11] a clock going backwards restarts the windows and keeps since in the past', () => {
    const tr = new TargetTracker(HOST);
    feed(tr, T0, 1000, [...replies(20), null, 10]);
    expect(tr.state).toBe('degraded');
    const since = tr.status().since!;
    // The clock steps back one hour.
    const back = T0 - 3_600_000;
    const b = feed(tr, back, 1000, [10]);
    expect(b.transitions[0]).toMatchObject({ from: 'degraded', to: 'up', at: back });
    expect(tr.status()).toMatchObject({ loss: 0, since: back });
    expect(since).toBeGreaterThan(back);
  });

  it('[ST11] a clock going backwards while down: since moves back, the outage is not shortened into negatives', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(5), ...losses(3)]);
    expect(tr.status().since).toBe(a.next - 3000);
    const back = T0 - 60_000;
    feed(tr, back, 1000, [null]);
    expect(tr.status()).toMatchObject({ state: 'down', since: back });
    const b = feed(tr, back + 1000, 1000, replies(3));
    expect(b.transitions[0]).toMatchObject({ from: 'down', to: 'up', at: back + 1000 });
    expect(b.transitions[0]!.at).toBeGreaterThanOrEqual(back);
  });

  it('[ST11] a far jump forward restarts windows and runs', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(20), null, null]);
    expect(tr.state).toBe('severe');
    const later = a.next + 10 * 60_000;
    // A third loss 10 min later is not the third of a run; it is judged over a fresh window (1 of 20).
    const b = feed(tr, later, 1000, [null]);
    expect(b.transitions.map((x) => x.to)).toEqual(['degraded']);
    feed(tr, later + 1000, 1000, [10]);
    // Fresh window: the old losses are gone, one loss over 2 known (of 20).
    expect(tr.status().loss).toBe(5);
    // A jump shorter than jumpMs is not one: the idle cadence keeps its history.
    const idle = new TargetTracker(HOST);
    feed(idle, T0, 60_000, [10, null, 10, 10]);
    expect(idle.status().loss).toBe(5);
  });

  it('[ST12] status: rtt is the last probe, null when lost', () => {
    const tr = new TargetTracker(HOST);
    feed(tr, T0, 1000, [10, 20, 30]);
    expect(tr.status()).toMatchObject({ state: 'up', rtt: 30, loss: 0, jitter: 10, since: T0 });
    feed(tr, T0 + 3000, 1000, [null]);
    expect(tr.status().rtt).toBeNull();
    // Down, then one reply of a recovery run (three are needed): still down, and no RTT shown.
    feed(tr, T0 + 4000, 1000, [null, null, 25]);
    expect(tr.status()).toMatchObject({ state: 'down', rtt: null, loss: 100, jitter: null });
    feed(tr, T0 + 7000, 1000, [26, 27]);
    expect(tr.status()).toMatchObject({ state: 'up', rtt: 27 });
  });

  it('[ST13] losses that turn it amber before down: down still starts at the first loss', () => {
    const tr = new TargetTracker(HOST);
    const a = feed(tr, T0, 1000, [...replies(30), ...losses(3)]);
    const tos = a.transitions.map((x) => x.to);
    expect(tos).toEqual(['up', 'degraded', 'severe', 'down']);
    expect(a.transitions[3]!.at).toBe(T0 + 30_000);
  });
});

describe('when the newest outcome was known (the dashboards’ latency is measured from it)', () => {
  it('a reply at its send + RTT, a loss at its send + LOSS_KNOWN_MS, a gap at its own time', () => {
    const tr = new TargetTracker(HOST, config());
    expect(tr.lastKnownAt).toBeNull();
    tr.observe(T0, 12.5);
    expect([tr.lastProbeAt, tr.lastKnownAt]).toEqual([T0, T0 + 12.5]);
    tr.observe(T0 + 1_000, null);
    expect([tr.lastProbeAt, tr.lastKnownAt]).toEqual([T0 + 1_000, T0 + 1_000 + LOSS_KNOWN_MS]);
    tr.gap(T0 + 5_000);
    expect(tr.lastKnownAt).toBe(T0 + 5_000);
    // A gap dated before what is known already does not move it back.
    tr.observe(T0 + 6_000, null);
    tr.gap(T0 + 6_100);
    expect(tr.lastKnownAt).toBe(T0 + 6_000 + LOSS_KNOWN_MS);
  });

  it('LOSS_KNOWN_MS is when fping at 1 Hz says a probe is lost: its timeout and its grace', () => {
    expect(LOSS_KNOWN_MS).toBe(fpingTimeout(1_000) + DEFAULT_LOSS_GRACE_MS);
  });
});
