// The tcp engine against real listeners on loopback; silence and ICMP errors from the test's own
// nftables table (tcp-nft.ts). Rules: docs/probes/tcp-http.md.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../server/clock';
import type { ProbeJob, TargetResult } from '../../../server/probe/kinds';
import { TcpEngine } from '../../../server/probe/tcp';
import { nftSkipReason } from '../../helpers/nft';
import { createTcpBlock, destroyAllTcpBlocks } from './tcp-nft';
import { silent, sleep, waitFor } from './util';

const HOUR = 3_600_000;
// Results carry the injected clock, not the wall clock: run it an hour behind.
const behind: Clock = { now: () => Date.now() - HOUR };
const noNft = nftSkipReason();

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
  destroyAllTcpBlocks();
});
afterAll(() => destroyAllTcpBlocks());

interface Listener {
  port: number;
  accepted: number;
  bytes: number;
  live: Set<net.Socket>;
}

async function listen(host: string): Promise<Listener> {
  const l: Listener = { port: 0, accepted: 0, bytes: 0, live: new Set() };
  const server = net.createServer((s) => {
    l.accepted++;
    l.live.add(s);
    s.on('data', (b) => (l.bytes += b.length));
    s.on('error', () => {});
    s.on('close', () => l.live.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  l.port = (server.address() as net.AddressInfo).port;
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of l.live) s.destroy();
        server.close(() => resolve());
      }),
  });
  return l;
}

/** A port that was just bound and closed on `host`: nothing listens there. */
async function closedPort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function engine(results: TargetResult[], extra: { maxInFlight?: number } = {}): TcpEngine {
  const e = new TcpEngine({ clock: behind, logger: silent, onResult: (r) => results.push(r), ...extra });
  open.push(e);
  return e;
}

const job = (host: string, port: number, intervalMs = 1000, timeoutMs = 1000): ProbeJob => ({
  id: `tcp:${host}:${port}`,
  target: { kind: 'tcp', host, port, role: 'endpoint' },
  intervalMs,
  timeoutMs,
});

/** This process's sockets towards `addr` in a TCP state (ss, the kernel's own view). */
function socketsTo(addr: string, state: string): number {
  const out = execFileSync('ss', ['-Htnp', 'state', state, 'dst', addr], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`pid=${process.pid},`)).length;
}

describe('tcp engine', () => {
  it('[TCP1] a listener answers: rtt is the connect time, t the injected clock, no byte is sent', async () => {
    const l = await listen('127.41.0.1');
    const e = engine([]);
    const before = behind.now();
    const r = await e.probeOnce(job('127.41.0.1', l.port));
    expect(r.target).toBe(`tcp:127.41.0.1:${l.port}`);
    expect(r.reason).toBeUndefined();
    expect(r.rtt).not.toBeNull();
    expect(r.rtt!).toBeGreaterThanOrEqual(0);
    expect(r.rtt!).toBeLessThan(200);
    expect(r.t).toBeGreaterThanOrEqual(before);
    expect(r.t).toBeLessThan(before + 1000);
    await waitFor('the server to see the connection closed', () => l.accepted === 1 && l.live.size === 0);
    expect(l.bytes).toBe(0);
    // An IPv6 literal as the schema writes it (no brackets).
    const six = await listen('::1');
    expect(await e.probeOnce(job('::1', six.port))).toMatchObject({
      target: `tcp:::1:${six.port}`,
      rtt: expect.any(Number),
    });
  });

  it('[TCP2] nothing listens: refused, at once', async () => {
    const port = await closedPort('127.41.0.2');
    const e = engine([]);
    const t0 = Date.now();
    const r = await e.probeOnce(job('127.41.0.2', port, 1000, 2000));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r).toMatchObject({ rtt: null, reason: 'refused', detail: 'ECONNREFUSED' });
  });

  it.skipIf(noNft)('[TCP3] a host that never answers the handshake: timeout after timeoutMs', async () => {
    const l = await listen('127.41.0.3');
    createTcpBlock('drop').add('127.41.0.3');
    const e = engine([]);
    const t0 = Date.now();
    const r = await e.probeOnce(job('127.41.0.3', l.port, 1000, 400));
    const took = Date.now() - t0;
    expect(r).toMatchObject({ rtt: null, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(395);
    expect(took).toBeLessThan(1500);
    expect(l.accepted).toBe(0);
    await waitFor('the half-open socket to be gone', () => socketsTo('127.41.0.3', 'syn-sent') === 0);
  });

  it.skipIf(noNft)('[TCP4] an ICMP host-unreachable answer: unreachable', async () => {
    const l = await listen('127.41.0.4');
    createTcpBlock('reject').add('127.41.0.4');
    const e = engine([]);
    const r = await e.probeOnce(job('127.41.0.4', l.port, 1000, 3000));
    expect(r).toMatchObject({ rtt: null, reason: 'unreachable', detail: 'EHOSTUNREACH' });
  });

  it('[TCP5] bad jobs are results or log lines, never a throw', async () => {
    const results: TargetResult[] = [];
    const e = engine(results);
    const bad = job('127.41.0.5; rm -rf /', 1720);
    expect(await e.probeOnce(bad)).toMatchObject({ rtt: null, reason: 'error' });
    expect(await e.probeOnce(job('127.41.0.5', 0))).toMatchObject({ reason: 'error', detail: 'port is not 1–65535' });
    const sip = { ...job('127.41.0.5', 5060), target: { kind: 'sip', host: '127.41.0.5', transport: 'udp' } };
    expect(await e.probeOnce(sip as ProbeJob)).toMatchObject({ reason: 'error' });
    expect(await e.probeOnce(null as unknown as ProbeJob)).toMatchObject({ reason: 'error' });
    expect(() => e.setJobs([bad, job('127.41.0.5', 1720, 5), null as unknown as ProbeJob])).not.toThrow();
    // A bad host stays scheduled so its error reaches the board; a bad cadence cannot be scheduled.
    expect(e.stats().jobs).toBe(1);
    await waitFor("the bad job's result", () => results.length > 0, 3000);
    expect(results[0]).toMatchObject({ target: bad.id, rtt: null, reason: 'error' });
  });

  it('[TCP6] jobs are spread over the interval; setJobs keeps unchanged jobs on their phase', async () => {
    const l = await listen('127.41.0.6');
    const results: TargetResult[] = [];
    const e = engine(results);
    const ids = Array.from({ length: 24 }, (_, i) => ({ ...job('127.41.0.6', l.port, 400, 300), id: `tcp-${i}` }));
    e.setJobs(ids);
    await waitFor('3 results of every job', () =>
      ids.every((j) => results.filter((r) => r.target === j.id).length >= 3),
    );
    const of = (id: string): TargetResult[] => results.filter((r) => r.target === id);
    for (const j of ids) for (const r of of(j.id)) expect(r.rtt).not.toBeNull();
    // Spread: the jobs' send instants within the interval cover most of it, not one instant.
    const phases = ids.map((j) => of(j.id)[0]!.t % 400).sort((a, b) => a - b);
    expect(phases[phases.length - 1]! - phases[0]!).toBeGreaterThan(200);
    // Cadence: successive probes of one job are an interval apart.
    const a = ids[0]!;
    const ta = of(a.id).map((r) => r.t);
    const steps = ta.slice(1).map((t, i) => t - ta[i]!);
    for (const s of steps) expect(Math.abs(s - 400)).toBeLessThan(150);

    const phaseA = e.phase(a.id);
    const removed = ids[1]!;
    const retimed = { ...ids[2]!, intervalMs: 600 };
    const added = { ...job('127.41.0.6', l.port, 400, 300), id: 'fresh' };
    e.setJobs([a, retimed, added, ...ids.slice(3)]);
    expect(e.phase(a.id)).toBe(phaseA);
    expect(e.phase(removed.id)).toBeUndefined();
    expect(e.stats().jobs).toBe(ids.length);
    const n = results.length;
    await waitFor('2 results of the new job', () => of('fresh').length >= 2);
    const removedAfter = results.slice(n).filter((r) => r.target === removed.id);
    expect(removedAfter.length).toBeLessThanOrEqual(1); // at most one probe already under way
    // The kept job stays on its grid: its new probes sit where the old ones did within the interval.
    const drift = (t: number): number => Math.abs(((t - ta[0]! + 200) % 400) - 200);
    for (const r of results.slice(n).filter((x) => x.target === a.id)) expect(drift(r.t)).toBeLessThan(100);
    const retimedTs = results
      .slice(n)
      .filter((r) => r.target === retimed.id)
      .map((r) => r.t);
    await waitFor('the retimed job to probe twice', () => {
      retimedTs.splice(
        0,
        retimedTs.length,
        ...results
          .slice(n)
          .filter((r) => r.target === retimed.id)
          .map((r) => r.t),
      );
      return retimedTs.length >= 2;
    });
    expect(Math.abs(retimedTs[1]! - retimedTs[0]! - 600)).toBeLessThan(150);
  });

  it.skipIf(noNft)('[TCP7] no more than maxInFlight probes at once; due jobs wait, each once', async () => {
    const l = await listen('127.41.0.7');
    createTcpBlock('drop').add('127.41.0.7');
    const results: TargetResult[] = [];
    const e = engine(results, { maxInFlight: 3 });
    const jobs = Array.from({ length: 10 }, (_, i) => ({ ...job('127.41.0.7', l.port, 300, 250), id: `j${i}` }));
    e.setJobs(jobs);
    let maxSeen = 0;
    let maxQueued = 0;
    let maxSyn = 0;
    const end = Date.now() + 1500;
    while (Date.now() < end) {
      const s = e.stats();
      maxSeen = Math.max(maxSeen, s.inFlight);
      maxQueued = Math.max(maxQueued, s.queued);
      maxSyn = Math.max(maxSyn, socketsTo('127.41.0.7', 'syn-sent'));
      await sleep(25);
    }
    expect(maxSeen).toBe(3);
    expect(maxSyn).toBeLessThanOrEqual(3);
    expect(maxSyn).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(jobs.length);
    expect(maxQueued).toBeGreaterThan(0);
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.reason === 'timeout')).toBe(true);
  });

  it.skipIf(noNft)('[TCP8] close() ends timers and sockets at once and reports nothing after', async () => {
    const up = await listen('127.41.0.8');
    const dead = await listen('127.41.0.9');
    createTcpBlock('drop').add('127.41.0.9');
    const results: TargetResult[] = [];
    const e = new TcpEngine({ clock: behind, logger: silent, onResult: (r) => results.push(r) });
    e.setJobs([job('127.41.0.8', up.port, 100, 100), job('127.41.0.9', dead.port, 1000, 1000)]);
    const once = e.probeOnce(job('127.41.0.9', dead.port, 1000, 1000));
    await waitFor('probes under way', () => results.length >= 2 && socketsTo('127.41.0.9', 'syn-sent') >= 2);
    const t0 = Date.now();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expect(await once).toMatchObject({ rtt: null, reason: 'error', detail: 'engine closed' });
    expect(socketsTo('127.41.0.9', 'syn-sent')).toBe(0);
    const n = results.length;
    await sleep(400);
    expect(results.length).toBe(n);
    expect(e.stats()).toEqual({ jobs: 0, inFlight: 0, queued: 0 });
    await waitFor('the listener to see every connection closed', () => up.live.size === 0);
    e.setJobs([job('127.41.0.8', up.port, 100, 100)]); // after close: ignored
    await sleep(300);
    expect(results.length).toBe(n);
  });
});
