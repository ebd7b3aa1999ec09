// Real `ping` processes (via the ping package) against loopback addresses.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../server/clock';
import { PingEngine, type PingEngineOptions } from '../../../server/probe/ping-engine';
import type { ProbeResult } from '../../../server/probe/types';
import { createDropTable, destroyAllNftTables, nftSkipReason } from '../../helpers/nft';
import { childrenNamed, Collector, Engines, longestLossRun, silent, sleep, waitFor } from './util';

const HOUR = 3_600_000;
const ahead: Clock = { now: () => Date.now() + HOUR };
const engines = new Engines();
const noNft = nftSkipReason();

function engine(c: Collector, extra: Partial<PingEngineOptions> = {}): PingEngine {
  return engines.track(
    new PingEngine({ clock: ahead, logger: silent, onResult: c.onResult, onGap: c.onGap, ...extra }),
  );
}

afterEach(async () => {
  await engines.closeAll();
  destroyAllNftTables();
});
afterAll(() => destroyAllNftTables());

describe('ping engine', () => {
  it('delivers replies from several loopback addresses with sane rtt and send instants', async () => {
    const c = new Collector();
    const hosts = ['127.0.0.1', '127.4.0.1', '127.4.0.2', '::1'];
    const start = ahead.now();
    engine(c).setTargets(hosts.map((host) => ({ host, intervalMs: 250 })));
    await waitFor('3 results per host', () => hosts.every((h) => c.of(h).length >= 3));
    const end = ahead.now();
    for (const h of hosts) {
      const rs = c.of(h);
      for (const r of rs) {
        expect(r.rtt).not.toBeNull();
        expect(r.rtt as number).toBeGreaterThanOrEqual(0);
        expect(r.rtt as number).toBeLessThan(50);
        expect(r.t).toBeGreaterThanOrEqual(start);
        expect(r.t).toBeLessThanOrEqual(end);
      }
      // Cadence: the mean step is the interval; single steps may stretch when the CPU is busy.
      const steps = rs.slice(1).map((r, i) => r.t - (rs[i]?.t ?? 0));
      const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
      expect(mean).toBeGreaterThan(250 * 0.85);
      expect(mean).toBeLessThan(250 * 1.25);
      expect(Math.min(...steps)).toBeGreaterThan(250 * 0.5);
      expect(Math.max(...steps)).toBeLessThan(250 * 1.75);
    }
  });

  it('keeps at most maxConcurrent pings running and still serves every host', async () => {
    const c = new Collector();
    const hosts = Array.from({ length: 8 }, (_, i) => `127.4.1.${i + 1}`);
    const e = engine(c, { maxConcurrent: 2 });
    e.setTargets(hosts.map((host) => ({ host, intervalMs: 100 })));
    await waitFor('2 results per host', () => hosts.every((h) => c.of(h).length >= 2));
    expect(e.stats().peakInFlight).toBeLessThanOrEqual(2);
    expect(e.stats().peakInFlight).toBeGreaterThanOrEqual(1);
    expect(childrenNamed('ping').length).toBeLessThanOrEqual(2);
  });

  it('applies target changes: new interval, removed hosts stop', async () => {
    const c = new Collector();
    const e = engine(c);
    e.setTargets([
      { host: '127.4.2.1', intervalMs: 1000 },
      { host: '127.4.2.2', intervalMs: 150 },
    ]);
    await waitFor('first results', () => c.of('127.4.2.1').length >= 1 && c.of('127.4.2.2').length >= 2);
    e.setTargets([{ host: '127.4.2.1', intervalMs: 150 }]);
    const mark = c.of('127.4.2.1').length;
    await waitFor('faster cadence', () => c.of('127.4.2.1').length >= mark + 4, 1500);
    const rs = c.since('127.4.2.1', mark);
    for (let i = 1; i < rs.length; i++) {
      expect((rs[i]?.t ?? 0) - (rs[i - 1]?.t ?? 0)).toBeLessThan(220);
    }
    const removed = c.of('127.4.2.2').length;
    await sleep(400);
    expect(c.of('127.4.2.2').length).toBeLessThanOrEqual(removed + 1); // at most the one in flight
    expect(e.stats().targets).toBe(1);
  });

  it('probeOnce answers at once; refuses unsafe hosts and targets', async () => {
    const c = new Collector();
    const e = engine(c);
    const before = ahead.now();
    const r = await e.probeOnce('127.4.3.1', 1000);
    expect(r).toMatchObject({ host: '127.4.3.1' });
    expect(r.rtt).not.toBeNull();
    expect(r.t).toBeGreaterThanOrEqual(before);
    expect(r.t).toBeLessThanOrEqual(ahead.now());
    await expect(e.probeOnce('-c9')).rejects.toThrow(/refused/);
    await expect(e.probeOnce('127.0.0.1 -c 9')).rejects.toThrow(/refused/);
    e.setTargets([
      { host: '$(reboot)', intervalMs: 100 },
      { host: ';rm', intervalMs: 100 },
    ]);
    expect(e.stats().targets).toBe(0);
    await sleep(200);
    expect(childrenNamed('ping')).toEqual([]);
    expect(c.results).toEqual([]);
  });

  it('close() waits for running pings and stops the schedule', async () => {
    const c = new Collector();
    const e = engine(c);
    e.setTargets(['127.4.4.1', '127.4.4.2', '127.4.4.3'].map((host) => ({ host, intervalMs: 100 })));
    await waitFor('results', () => c.results.length >= 3);
    await e.close();
    expect(childrenNamed('ping')).toEqual([]);
    expect(e.stats().inFlight).toBe(0);
    const n = c.results.length;
    await sleep(300);
    expect(c.results.length).toBe(n);
    await expect(e.probeOnce('127.0.0.1')).rejects.toThrow(/closed/);
  });
});

describe.skipIf(noNft !== null)(`ping engine with packet loss (${noNft ?? 'nft'})`, () => {
  it('a dropped host is lost ≥3 times in a row, then replies again', async () => {
    const c = new Collector();
    const e = engine(c, { timeoutMs: 200 });
    const table = createDropTable();
    const host = '127.4.5.1';
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
    const rs = c.of(host);
    for (let i = 1; i < rs.length; i++) expect(rs[i]?.t).toBeGreaterThan(rs[i - 1]?.t ?? 0);
    expect(c.of('127.0.0.1').every((r) => r.rtt !== null)).toBe(true);
  });

  it('[H18.7][PR1] a lost probe is reported when its timeout expires, not when ping gives up', async () => {
    // Dropped on arrival: the OS ping waits its whole-second -W; the engine keeps the exact timeout.
    const c = new Collector();
    const known = new Map<ProbeResult, number>();
    const e = engine(c, {
      timeoutMs: 300,
      onResult: (r) => {
        known.set(r, ahead.now());
        c.onResult(r);
      },
    });
    const table = createDropTable({ hook: 'input' });
    const host = '127.4.7.1';
    table.add(host);
    e.setTargets([{ host, intervalMs: 1000 }]);
    await waitFor('3 lost', () => c.of(host).filter((r) => r.rtt === null).length >= 3, 6000);
    const lost = c.of(host).filter((r) => r.rtt === null);
    expect(lost.map((r) => known.get(r)! - r.t >= 300)).toEqual(lost.map(() => true));
    // Timeout + the 250 ms spawn allowance, + 0.5 s for a busy machine: well before ping's 1 s.
    expect(lost.map((r) => known.get(r)! - r.t < 300 + 250 + 500)).toEqual(lost.map(() => true));
  });

  it('probeOnce of a dropped host resolves as lost', async () => {
    const e = engine(new Collector());
    const table = createDropTable({ hook: 'input' });
    table.add('127.4.6.1');
    const r = await e.probeOnce('127.4.6.1', 300);
    expect(r.rtt).toBeNull();
  });
});
