// Real fping processes against loopback addresses; packet loss from the test's own nftables table.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../server/clock';
import {
  DEFAULT_LOSS_GRACE_MS,
  FpingEngine,
  fpingTimeout,
  type FpingEngineOptions,
} from '../../../server/probe/fping-engine';
import type { ProbeResult } from '../../../server/probe/types';
import { fpingAvailable } from '../../../server/probe/index';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropOptions } from '../../helpers/nft';
import { alive, childrenNamed, Collector, Engines, longestLossRun, silent, sleep, waitFor } from './util';

const HOUR = 3_600_000;
// Results must carry the injected clock, not the wall clock: run it an hour behind.
const behind: Clock = { now: () => Date.now() - HOUR };
const engines = new Engines();
const noFping = !fpingAvailable();
const noNft = nftSkipReason();

function engine(c: Collector, extra: Partial<FpingEngineOptions> = {}): FpingEngine {
  return engines.track(
    new FpingEngine({ clock: behind, logger: silent, onResult: c.onResult, onGap: c.onGap, ...extra }),
  );
}

afterEach(async () => {
  await engines.closeAll();
  destroyAllNftTables(); // also when the test failed before its own destroy()
});
afterAll(() => destroyAllNftTables());

describe.skipIf(noFping)('fping engine (fping not on PATH: skipped)', () => {
  it('delivers replies from several loopback addresses with sane rtt and send instants', async () => {
    const c = new Collector();
    const hosts = ['127.0.0.1', '127.3.0.1', '127.3.0.2', '::1'];
    const start = behind.now();
    engine(c).setTargets(hosts.map((host) => ({ host, intervalMs: 200 })));
    await waitFor('4 results per host', () => hosts.every((h) => c.of(h).length >= 4));
    const end = behind.now();
    for (const h of hosts) {
      const rs = c.of(h);
      for (const r of rs) {
        expect(r.rtt).not.toBeNull();
        expect(r.rtt as number).toBeGreaterThanOrEqual(0);
        expect(r.rtt as number).toBeLessThan(50);
        expect(r.t).toBeGreaterThanOrEqual(start - 5);
        expect(r.t).toBeLessThanOrEqual(end);
      }
      // Cadence: the mean step is the interval; single steps may stretch when the CPU is busy.
      const steps = rs.slice(1).map((r, i) => r.t - (rs[i]?.t ?? 0));
      const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
      expect(mean).toBeGreaterThan(200 * 0.85);
      expect(mean).toBeLessThan(200 * 1.25);
      expect(Math.min(...steps)).toBeGreaterThan(200 * 0.5);
      expect(Math.max(...steps)).toBeLessThan(200 * 1.75);
    }
  });

  it('shards a group beyond its packets/s budget over several processes', async () => {
    const c = new Collector();
    const hosts = ['127.3.1.1', '127.3.1.2', '127.3.1.3', '127.3.1.4', '127.3.1.5'];
    const e = engine(c, { maxPacketsPerSecond: 10 }); // 200 ms → 2 hosts per process
    e.setTargets(hosts.map((host) => ({ host, intervalMs: 200 })));
    await waitFor('a reply from every host', () => hosts.every((h) => c.of(h).some((r) => r.rtt !== null)));
    const info = e.shardInfo();
    expect(info.map((s) => s.hosts.length).sort()).toEqual([1, 2, 2]);
    expect(new Set(info.map((s) => s.pid)).size).toBe(3);
    expect(childrenNamed('fping').sort()).toEqual(info.map((s) => s.pid).sort());
  });

  it('restarts only the shards whose hosts or interval changed', async () => {
    const c = new Collector();
    const e = engine(c);
    const a = [
      { host: '127.3.2.1', intervalMs: 200 },
      { host: '127.3.2.2', intervalMs: 200 },
    ];
    const b = [{ host: '127.3.3.1', intervalMs: 300 }];
    e.setTargets([...a, ...b]);
    await waitFor('first results', () => c.of('127.3.3.1').length > 0 && c.of('127.3.2.2').length > 0);
    const pidOf = (interval: number): number | undefined => e.shardInfo().find((s) => s.intervalMs === interval)?.pid;
    const pidA = pidOf(200);
    const pidB = pidOf(300);
    expect(pidA).toBeDefined();
    expect(pidB).toBeDefined();

    e.setTargets([...b, ...a].toReversed()); // same set, other order: nothing restarts
    expect([pidOf(200), pidOf(300)]).toEqual([pidA, pidB]);

    e.setTargets([...a, ...b, { host: '127.3.3.2', intervalMs: 300 }]);
    expect(pidOf(200)).toBe(pidA);
    await waitFor('new 300 ms shard running', () => pidOf(300) !== undefined);
    expect(pidOf(300)).not.toBe(pidB);
    await waitFor('results for the added host', () => c.of('127.3.3.2').length >= 2);

    // A new interval group starts a process of its own and restarts no other: the 300 ms shard
    // keeps the pid it was restarted with above.
    const pidB2 = pidOf(300);
    expect(pidB2).toBeDefined();
    e.setTargets([...a, ...b, { host: '127.3.3.2', intervalMs: 300 }, { host: '127.3.4.1', intervalMs: 500 }]);
    expect([pidOf(200), pidOf(300)]).toEqual([pidA, pidB2]);
    await waitFor('results at the new interval', () => c.of('127.3.4.1').length >= 1);
    expect([pidOf(200), pidOf(300)]).toEqual([pidA, pidB2]);
    expect(alive(pidB2 as number)).toBe(true);
    expect(alive(pidB as number)).toBe(false);
    expect(c.gaps).toEqual([]); // planned restarts are not gaps
  });

  it('reports a gap when fping is killed and has results again within ~2 s', async () => {
    const c = new Collector();
    const e = engine(c);
    e.setTargets([
      { host: '127.3.5.1', intervalMs: 200 },
      { host: '127.3.5.2', intervalMs: 200 },
      { host: '127.3.6.1', intervalMs: 300 },
    ]);
    await waitFor('first results', () => c.of('127.3.5.2').length > 0 && c.of('127.3.6.1').length > 0);
    const victim = e.shardInfo().find((s) => s.intervalMs === 200);
    const other = e.shardInfo().find((s) => s.intervalMs === 300);
    const before = c.of('127.3.5.1').length;
    const killedAt = Date.now();
    process.kill(victim?.pid as number, 'SIGKILL');
    await waitFor('onGap', () => c.gaps.length > 0, 1000);
    expect(c.gaps[0]?.hosts.sort()).toEqual(['127.3.5.1', '127.3.5.2']);
    expect((c.gaps[0]?.at ?? 0) - killedAt).toBeLessThan(500);
    await waitFor('results again', () => c.of('127.3.5.1').length > before + 1, 2500);
    const restarted = e.shardInfo().find((s) => s.intervalMs === 200);
    expect(restarted?.pid).toBeDefined();
    expect(restarted?.pid).not.toBe(victim?.pid);
    expect(e.shardInfo().find((s) => s.intervalMs === 300)?.pid).toBe(other?.pid);
    expect(c.since('127.3.5.1', before).every((r) => r.rtt !== null)).toBe(true);
  });

  it('backs off when the probe program keeps dying', async () => {
    const c = new Collector();
    // /bin/false exits at once whatever its arguments: a crash loop.
    const e = engine(c, { fpingPath: '/bin/false', restartBaseMs: 50, restartMaxMs: 400 });
    e.setTargets([{ host: '127.3.7.1', intervalMs: 200 }]);
    await sleep(1500);
    const gaps = c.gaps.map((g) => g.at);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps.length).toBeLessThanOrEqual(8); // unbounded restarts would be ~30 in 1.5 s
    const steps = gaps.slice(1).map((t, i) => t - (gaps[i] as number));
    expect(steps[2] as number).toBeGreaterThan((steps[0] as number) * 1.5);
    expect(Math.max(...steps)).toBeLessThan(400 + 300); // capped at restartMaxMs, plus busy-CPU slack
    expect(c.results).toEqual([]);
  });

  it('close() stops every fping and no result arrives afterwards', async () => {
    const c = new Collector();
    const e = engine(c, { maxPacketsPerSecond: 10 });
    e.setTargets(['127.3.8.1', '127.3.8.2', '127.3.8.3'].map((host) => ({ host, intervalMs: 200 })));
    await waitFor('results', () => c.results.length >= 3);
    const pids = e.shardInfo().map((s) => s.pid as number);
    expect(pids.every(alive)).toBe(true);
    await e.close();
    expect(pids.some(alive)).toBe(false);
    expect(childrenNamed('fping')).toEqual([]);
    const n = c.results.length;
    await sleep(400);
    expect(c.results.length).toBe(n);
    expect(c.gaps).toEqual([]);
  });

  it('probeOnce answers outside the schedule; refuses unsafe hosts; targets are re-checked', async () => {
    const c = new Collector();
    const e = engine(c);
    const before = behind.now();
    const r = await e.probeOnce('127.3.9.1', 500);
    expect(r.host).toBe('127.3.9.1');
    expect(r.rtt).not.toBeNull();
    expect(r.t).toBeGreaterThanOrEqual(before - 5);
    expect(r.t).toBeLessThanOrEqual(behind.now());
    await expect(e.probeOnce('-c 9')).rejects.toThrow(/refused/);
    e.setTargets([
      { host: '127.0.0.1\n-c', intervalMs: 200 },
      { host: '$(x)', intervalMs: 200 },
    ]);
    expect(e.shardInfo()).toEqual([]);
    expect(childrenNamed('fping')).toEqual([]);
    expect(c.results).toEqual([]);
  });
});

describe.skipIf(noFping || noNft !== null)(`fping engine with packet loss (${noNft ?? 'nft'})`, () => {
  const modes: [string, NftDropOptions][] = [
    ['dropped on the way out (sendto fails, fping stays silent)', { hook: 'output' }],
    ['dropped on arrival (fping reports timeouts)', { hook: 'input' }],
    ['rejected with ICMP host-unreachable', { hook: 'input', verdict: 'reject' }],
  ];
  it.each(modes)('a host %s is lost ≥3 times in a row, then replies again', async (_, mode) => {
    const c = new Collector();
    const e = engine(c, { timeoutMs: 200, lossGraceMs: 100 });
    const table = createDropTable(mode);
    const host = '127.3.10.1';
    e.setTargets([
      { host, intervalMs: 200 },
      { host: '127.0.0.1', intervalMs: 200 },
    ]);
    await waitFor('first reply', () => c.of(host).some((r) => r.rtt !== null));
    table.add(host);
    const mark = c.of(host).length;
    await waitFor('3 lost in a row', () => longestLossRun(c.since(host, mark)) >= 3, 4000);
    table.remove(host);
    const mark2 = c.of(host).length;
    await waitFor('a reply again', () => c.since(host, mark2).some((r) => r.rtt !== null), 3000);
    table.destroy();
    const rs = c.of(host);
    // One result per probe: never two for the same send (ICMP error + its timeout line).
    for (let i = 1; i < rs.length; i++) {
      expect((rs[i]?.t ?? 0) - (rs[i - 1]?.t ?? 0)).toBeGreaterThan(100);
    }
    expect(c.of('127.0.0.1').every((r) => r.rtt !== null)).toBe(true);
    expect(c.gaps).toEqual([]);
  });

  // fping is silent about an echo whose send failed (output hook) and prints "timed out" at -t for
  // one that vanished (input hook); with no grace the engine's own verdict races that line.
  const cuts: [string, NftDropOptions, number | undefined][] = [
    ['dropped on the way out: fping says nothing', { hook: 'output' }, undefined],
    ['dropped on arrival, no grace: the verdict races fping\'s "timed out"', { hook: 'input' }, 0],
  ];
  it.each(cuts)(
    '[H18.7][PR1][PR2][PR3] a lost probe is reported when its timeout expires, once, stamped at its send (%s)',
    async (_, mode, lossGraceMs) => {
      const interval = 1000;
      const timeout = fpingTimeout(interval); // 750
      const grace = lossGraceMs ?? DEFAULT_LOSS_GRACE_MS;
      const c = new Collector();
      const arrivals = new Map<ProbeResult, number>();
      const e = engines.track(
        new FpingEngine({
          clock: behind,
          logger: silent,
          lossGraceMs,
          onGap: c.onGap,
          onResult: (r) => {
            arrivals.set(r, behind.now());
            c.onResult(r);
          },
        }),
      );
      const hosts = ['127.3.12.1', '127.3.12.2', '127.3.12.3'];
      const table = createDropTable(mode);
      e.setTargets([...hosts, '127.0.0.1'].map((host) => ({ host, intervalMs: interval })));
      await waitFor('a reply from each', () => hosts.every((h) => c.of(h).some((r) => r.rtt !== null)), 5000);
      const marks = hosts.map((h) => c.of(h).length);
      hosts.forEach((h) => table.add(h));
      await waitFor(
        '4 lost in a row each',
        () => hosts.every((h, i) => longestLossRun(c.since(h, marks[i]!)) >= 4),
        10_000,
      );
      table.destroy();
      for (const [i, h] of hosts.entries()) {
        const rs = c.of(h);
        const lastReply = rs.slice(0, marks[i]!).findLast((r) => r.rtt !== null)!;
        const lost = c.since(h, marks[i]!).filter((r) => r.rtt === null);
        const first = rs.indexOf(lost[0]!);
        // One result per probe and none missing: successive results one interval apart.
        for (let k = Math.max(1, rs.indexOf(lastReply) + 1); k < rs.length; k++) {
          const step = rs[k]!.t - rs[k - 1]!.t;
          expect(step).toBeGreaterThan(interval / 2);
          expect(step).toBeLessThan(interval * 1.5);
        }
        expect(first).toBeGreaterThan(0);
        for (const r of lost) {
          // Stamped at its send: a whole number of intervals after the last reply's send...
          const n = (r.t - lastReply.t) / interval;
          expect(Math.abs(n - Math.round(n))).toBeLessThan(0.1);
          // ...and reported once its timeout had expired, not at the next send (+ one interval).
          const lag = arrivals.get(r)! - r.t;
          expect(lag).toBeGreaterThanOrEqual(timeout - 5);
          expect(lag).toBeLessThan(timeout + grace + 500);
        }
      }
      expect(c.of('127.0.0.1').every((r) => r.rtt !== null)).toBe(true);
      expect(c.gaps).toEqual([]);
    },
    30_000,
  );

  it('probeOnce of a dropped host resolves as lost', async () => {
    const e = engine(new Collector());
    const table = createDropTable({ hook: 'input' });
    table.add('127.3.11.1');
    const r = await e.probeOnce('127.3.11.1', 300);
    table.destroy();
    expect(r.rtt).toBeNull();
  });
});
