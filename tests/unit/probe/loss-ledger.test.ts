// The fping engine's per-probe deadlines (docs/SPEC.md PR1–PR3), on an injected wall clock: the
// ledger is fed what fping would print, when the process would read it, and swept as the process
// sweeps (every 20 ms here, after the reads of that instant).
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CATCH_UP, ProbeLedger, type LedgerTiming } from '../../../server/probe/loss-ledger';

interface Emitted {
  host: string;
  send: number;
  rtt: number | null;
  /** The injected clock when the ledger emitted it. */
  at: number;
}

const LINE_TEST: LedgerTiming = { intervalMs: 2000, timeoutMs: 1000, graceMs: 100 };
const TICK = 20;

/** A ledger on a hand-moved clock; `until` sweeps every TICK up to an instant. */
function harness(timing: LedgerTiming = LINE_TEST) {
  const out: Emitted[] = [];
  let now = 0;
  const ledger = new ProbeLedger(timing, (host, send, rtt) => out.push({ host, send, rtt, at: now }));
  return {
    ledger,
    out,
    /** fping's line about a probe, read at `at`. */
    heard(at: number, host: string, send: number, rtt: number | null): void {
      now = at;
      ledger.heard(host, send, rtt);
    },
    until(end: number): void {
      for (let t = Math.floor(now / TICK) * TICK + TICK; t <= end; t += TICK) {
        now = t;
        ledger.sweep(t);
      }
      now = end;
    },
  };
}

describe('[H18.7] loss ledger (fping engine deadlines)', () => {
  it('[H18.7][PR1] a probe fping says nothing about is lost when its timeout expires, stamped at its send', () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5); // a reply to the probe sent at 10
    h.until(3110); // the next probe (2010) is not yet timeout + grace old
    expect(h.out.map((e) => e.rtt)).toEqual([0.5]);
    h.until(8000);
    // Probes at 2010, 4010, 6010 vanish (sendto failed): each is reported on the first sweep after
    // send + 1000 + 100, with its own send instant — not one interval later.
    expect(h.out.slice(1)).toEqual([
      { host: 'a', send: 2010, rtt: null, at: 3120 },
      { host: 'a', send: 4010, rtt: null, at: 5120 },
      { host: 'a', send: 6010, rtt: null, at: 7120 },
    ]);
    for (const e of h.out.slice(1)) {
      expect(e.at - e.send).toBeGreaterThan(LINE_TEST.timeoutMs + LINE_TEST.graceMs);
      expect(e.at - e.send).toBeLessThanOrEqual(LINE_TEST.timeoutMs + LINE_TEST.graceMs + TICK);
    }
  });

  it('[H18.7][PR1] three silent probes at the line-test cadence are known 2 intervals + timeout + grace after the first', () => {
    const h = harness();
    h.ledger.reset(['a', 'b'], 0, 1, 2000);
    h.heard(0.2, 'a', 0, 0.2);
    h.heard(1.2, 'b', 1, 0.2);
    h.until(20_000);
    for (const host of ['a', 'b']) {
      const lost = h.out.filter((e) => e.host === host && e.rtt === null).slice(0, 3);
      expect(lost).toHaveLength(3);
      const delay = lost[2]!.at - lost[0]!.send;
      expect(delay).toBeLessThanOrEqual(2 * 2000 + 1000 + 100 + TICK);
    }
  });

  it('[H18.7][PR1] nothing counts lost before the start-up grace; then each probe at its own send', () => {
    const h = harness({ intervalMs: 1000, timeoutMs: 750, graceMs: 100 });
    h.ledger.reset(['a', 'b'], 0, 0.5, 2000);
    expect(h.ledger.dueAt).toBe(2850);
    h.until(2840);
    expect(h.out).toEqual([]);
    h.until(2860);
    expect(h.out.map((e) => [e.host, e.send])).toEqual([
      ['a', 0],
      ['a', 1000],
      ['a', 2000],
      ['b', 0.5],
      ['b', 1000.5],
      ['b', 2000.5],
    ]);
    expect(h.out.every((e) => e.rtt === null && e.at === 2860)).toBe(true);
  });

  it('[H18.7][PR1] a host fping has answered for is judged on its own deadlines during the start-up grace', () => {
    const h = harness({ intervalMs: 1000, timeoutMs: 750, graceMs: 100 });
    h.ledger.reset(['a', 'b'], 0, 0.5, 2000);
    h.heard(3, 'a', 2.9, 0.1); // a answered its first probe; b is still silent (resolving?)
    expect(h.ledger.dueAt).toBe(1000 + 2.9 + 850);
    h.until(2000);
    expect(h.out.map((e) => [e.host, e.send, e.rtt, e.at])).toEqual([
      ['a', 2.9, 0.1, 3],
      ['a', 1002.9, null, 1860],
    ]);
    h.until(2860);
    expect(h.out.filter((e) => e.host === 'b').map((e) => e.send)).toEqual([0.5, 1000.5, 2000.5]);
  });

  it('[H18.7][PR2] fping\'s own "timed out" before the deadline counts once; the sweep does not count it again', () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5);
    h.heard(3012, 'a', 3012 - 1000, null); // [1] timed out, stamped at 3012
    h.until(4000);
    expect(h.out.map((e) => [e.send, e.rtt])).toEqual([
      [10, 0.5],
      [2012, null],
    ]);
    h.until(5200); // the next deadline comes from that probe: 2012 + 2000 + 1100
    expect(h.out).toHaveLength(3);
    expect(h.out[2]).toEqual({ host: 'a', send: 4012, rtt: null, at: 5120 });
  });

  it('[H18.7][PR2] fping\'s late "timed out" for a probe already reported lost is ignored (no double count)', () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5);
    h.until(3200); // the sweep reported 2010 at 3120
    h.heard(3290, 'a', 3290 - 1000, null); // fping was slow: its line comes after our verdict
    expect(h.out.map((e) => [e.send, e.rtt])).toEqual([
      [10, 0.5],
      [2010, null],
    ]);
  });

  it('[H18.7][PR2] a reply read after the deadline is dropped: the probe stays lost, the next reply counts', () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5);
    h.until(3200);
    h.heard(3300, 'a', 2011, 990); // printed late (fping starved): past our deadline
    h.heard(4010.4, 'a', 4010, 0.4);
    expect(h.out.map((e) => [e.send, e.rtt])).toEqual([
      [10, 0.5],
      [2010, null],
      [4010, 0.4],
    ]);
  });

  it("[H18.7][PR2] an ICMP error and fping's timeout line for the same echo are one lost probe", () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5);
    h.heard(2013, 'a', 2013, null); // ICMP host unreachable, taken as sent when it arrived
    h.heard(3011, 'a', 2011, null); // then fping's own timeout of that echo
    h.until(4000);
    expect(h.out.map((e) => [e.send, e.rtt])).toEqual([
      [10, 0.5],
      [2013, null],
    ]);
  });

  it("[H18.7][PR3] a probe never reported before its successor's result is lost first, in send order", () => {
    // A short interval where timeout + grace outlasts it: the next reply comes before the verdict.
    const h = harness({ intervalMs: 200, timeoutMs: 150, graceMs: 100 });
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(2000.3, 'a', 2000, 0.3);
    h.heard(2400.3, 'a', 2400, 0.3); // the probe of 2200 vanished; its deadline (2450) is still ahead
    h.until(2460);
    expect(h.out.map((e) => [e.send, e.rtt])).toEqual([
      [2000, 0.3],
      [2200, null],
      [2400, 0.3],
    ]);
  });

  it('[H18.7][PR1][PR3] after a stall one loss is counted, not one per missed interval', () => {
    const h = harness();
    h.ledger.reset(['a', 'b'], 0, 1, 2000);
    h.heard(10.5, 'a', 10, 0.5);
    h.heard(11.5, 'b', 11, 0.5);
    // The event loop froze for a minute with fping silent: a's next sweep comes at 60 s.
    h.ledger.sweep(60_000);
    const a = h.out.filter((e) => e.host === 'a' && e.rtt === null);
    expect(a.map((e) => e.send)).toEqual([58_010]);
    // b's next word is a reply a minute later: one loss before it, not 29.
    h.heard(60_011.5, 'b', 60_011, 0.5);
    expect(h.out.filter((e) => e.host === 'b').map((e) => [e.send, e.rtt])).toEqual([
      [11, 0.5],
      [58_011, null],
      [60_011, 0.5],
    ]);
    // A shorter silence is caught up probe by probe.
    h.heard(60_011.5 + 3 * 2000, 'b', 60_011 + 3 * 2000, 0.5);
    expect(
      h.out
        .filter((e) => e.host === 'b')
        .map((e) => e.send)
        .slice(3),
    ).toEqual([62_011, 64_011, 66_011]);
    expect(MAX_CATCH_UP).toBe(3);
  });

  it('[H18.7] ignores hosts it was not given; reset starts afresh', () => {
    const h = harness();
    h.ledger.reset(['a'], 0, 1, 2000);
    h.heard(5, 'zz', 4, 1);
    expect(h.out).toEqual([]);
    h.heard(10.5, 'a', 10, 0.5);
    h.ledger.reset(['a'], 5000, 1, 2000);
    h.heard(5010.5, 'a', 5010, 0.5); // within half an interval of nothing: counted
    expect(h.out.map((e) => e.send)).toEqual([10, 5010]);
    h.ledger.reset([], 9000, 1, 2000);
    expect(h.ledger.dueAt).toBe(Number.POSITIVE_INFINITY);
  });

  // Whatever fping does with each probe, and however late within a read batch its lines are read:
  // exactly one result per probe, in send order, a reply never called lost, a loss known by
  // send + timeout + grace (+ the sweep tick and fping's own lag), stamped at its send instant.
  it('[H18.7][PR1][PR2][PR3] one result per probe, on time, at its send instant (fuzz)', () => {
    const T = LINE_TEST;
    const behaviour = fc.record({
      kind: fc.constantFrom('reply', 'timeout', 'silent', 'icmp', 'starved'),
      jitter: fc.integer({ min: 0, max: 5 }),
      rtt: fc.double({ min: 0.01, max: T.timeoutMs, noNaN: true }),
      fpingLag: fc.integer({ min: 0, max: 50 }),
      readDelay: fc.integer({ min: 0, max: TICK }),
    });
    fc.assert(
      fc.property(fc.array(behaviour, { minLength: 1, maxLength: 30 }), (probes) => {
        const h = harness();
        const start = 1000;
        h.ledger.reset(['a'], start, 1, 0);
        // What fping prints, as [read at, send instant it implies, rtt].
        const lines: [number, number, number | null][] = [];
        const sends = probes.map((p, k) => start + k * T.intervalMs + p.jitter);
        probes.forEach((p, k) => {
          const s = sends[k]!;
          const timedOut = s + T.timeoutMs + p.fpingLag;
          if (p.kind === 'reply') lines.push([s + p.rtt + p.readDelay, s, p.rtt]);
          if (p.kind === 'timeout') lines.push([timedOut + p.readDelay, timedOut - T.timeoutMs, null]);
          if (p.kind === 'icmp') {
            const arrived = s + Math.min(p.rtt, 20) + p.readDelay;
            lines.push([arrived, arrived, null], [timedOut + p.readDelay, timedOut - T.timeoutMs, null]);
          }
          if (p.kind === 'starved') {
            // fping woke late: its timeout first, then the reply that had arrived in time.
            const woke = timedOut + 200;
            lines.push([woke, woke - T.timeoutMs, null], [woke + 0.01, s, p.rtt]);
          }
        });
        lines.sort((x, y) => x[0] - y[0]);
        for (const [at, send, rtt] of lines) {
          h.until(at - 0.001); // sweeps strictly before the read; the read, then that instant's sweep
          h.heard(at, 'a', send, rtt);
        }
        // Stop before the deadline of a probe after the last one.
        h.until(sends.at(-1)! + T.timeoutMs + T.graceMs + 500);

        expect(h.out).toHaveLength(probes.length);
        expect(h.out.map((e) => e.rtt)).toEqual(probes.map((p) => (p.kind === 'reply' ? p.rtt : null)));
        const offSend = h.out.filter((e, k) => Math.abs(e.send - sends[k]!) > 60);
        expect(offSend).toEqual([]);
        const late = h.out.filter(
          (e, k) =>
            e.rtt === null && probes[k]!.kind !== 'starved' && e.at - sends[k]! > T.timeoutMs + T.graceMs + TICK + 60,
        );
        expect(late).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
