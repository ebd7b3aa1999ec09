// The SIP OPTIONS engine against real peers on loopback: kamailio (UDP, TCP), SIPp UAS scenarios and,
// for TLS only, the node TLS SIP listener of tests/helpers/sip-peers.ts. Rules: docs/probes/sip.md.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ProbeJob, TargetResult } from '../../../server/probe/kinds';
import { buildOptions } from '../../../server/probe/sip/message';
import { SipEngine, type SipTuning } from '../../../server/probe/sip';
import { targetId } from '../../../shared/targets';
import type { Target } from '../../../shared/schemas';
import { nftSkipReason } from '../../helpers/nft';
import {
  dropFirstDatagram,
  startKamailio,
  startSipp,
  startTlsListener,
  stopAllSipPeers,
  uniqueLoopback,
} from '../../helpers/sip-peers';
import { silent, waitFor } from './util';

const HOUR = 3_600_000;
const clock = { now: () => Date.now() - HOUR };
const engines: SipEngine[] = [];

function engine(results: TargetResult[], tuning?: SipTuning): SipEngine {
  const e = new SipEngine({ clock, logger: silent, onResult: (r) => results.push(r), tuning });
  engines.push(e);
  return e;
}

function job(
  host: string,
  port: number,
  transport: 'udp' | 'tcp' | 'tls',
  intervalMs = 1000,
  timeoutMs = 1000,
): ProbeJob {
  const target: Target = { kind: 'sip', host, port, transport, role: 'endpoint' };
  return { id: targetId(target), target, intervalMs, timeoutMs };
}

afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  await stopAllSipPeers();
});
afterAll(() => stopAllSipPeers());

describe('SIP OPTIONS engine', () => {
  it('[SIP1][SIP2] kamailio over UDP answers every scheduled probe: up with code 200 and a sane rtt', async () => {
    const k = await startKamailio();
    const results: TargetResult[] = [];
    const j = job(k.address, k.port, 'udp', 300, 300);
    const before = clock.now();
    engine(results).setJobs([j]);
    await waitFor('4 results', () => results.length >= 4);
    for (const r of results) {
      expect(r.target).toBe(j.id);
      expect(r.code).toBe(200);
      expect(r.rtt).not.toBeNull();
      expect(r.rtt!).toBeLessThan(100);
      expect(r.t).toBeGreaterThanOrEqual(before - 5);
      expect(r.t).toBeLessThan(Date.now() - HOUR + 5); // the injected clock, not the wall clock
    }
  });

  it('[SIP1][SIP8] kamailio over TCP: up, and one connection carries every probe', async () => {
    const k = await startKamailio();
    const results: TargetResult[] = [];
    const e = engine(results);
    e.setJobs([job(k.address, k.port, 'tcp', 200, 200)]);
    await waitFor('5 results', () => results.length >= 5);
    expect(results.every((r) => r.code === 200 && r.rtt !== null)).toBe(true);
    expect(e.stats().connections).toBe(1);
  });

  it('[SIP7] TLS (node TLS SIP listener, self-signed): up without verifying the chain; refused when asked to verify', async () => {
    const l = await startTlsListener();
    const results: TargetResult[] = [];
    const e = engine(results);
    const r = await e.probeOnce(job(l.address, l.port, 'tls'));
    expect(r.rtt).not.toBeNull();
    expect(r.code).toBe(200);
    // The request went over the encrypted channel with a TLS Via, after the handshake.
    expect(l.requests[0]).toMatch(/^OPTIONS sip:127\.[\d.]+:\d+ SIP\/2\.0/);
    expect(l.requests[0]).toMatch(/\r\nVia: SIP\/2\.0\/TLS 127\.[\d.]+:\d+;branch=z9hG4bK/);
    const strict = engine([], { verifyTls: true });
    const bad = await strict.probeOnce(job(l.address, l.port, 'tls'));
    expect(bad.rtt).toBeNull();
    expect(bad.reason).toBe('tls');
    expect(l.requests).toHaveLength(1); // nothing was sent over the refused handshake
  });

  it('[SIP4] a stopped kamailio: every UDP probe times out, three in a row and more', async () => {
    const k = await startKamailio();
    const results: TargetResult[] = [];
    engine(results).setJobs([job(k.address, k.port, 'udp', 300, 300)]);
    await waitFor('an answer', () => results.some((r) => r.code === 200));
    await k.stop();
    const from = results.length;
    await waitFor('4 results after the stop', () => results.length >= from + 4);
    const after = results.slice(from + 1); // the one in flight at the kill may still have been answered
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const r of after) {
      expect(r.rtt).toBeNull();
      expect(r.reason).toBe('timeout');
    }
    // One verdict per interval, in send order: the timeout ends before the next send, none is skipped.
    for (let i = 1; i < after.length; i++) {
      expect(after[i]!.t - after[i - 1]!.t).toBeGreaterThan(200);
      expect(after[i]!.t - after[i - 1]!.t).toBeLessThan(450);
    }
  });

  it('[SIP4] a TCP target with nothing listening is refused; a stopped kamailio over TCP is down', async () => {
    const e = engine([]);
    const r = await e.probeOnce(job(uniqueLoopback(), 5060, 'tcp'));
    expect(r.reason).toBe('refused');
    const k = await startKamailio();
    const j = job(k.address, k.port, 'tcp');
    expect((await e.probeOnce(j)).code).toBe(200);
    await k.stop();
    const gone = await e.probeOnce(j);
    expect(gone.rtt).toBeNull();
    expect(['refused', 'reset']).toContain(gone.reason);
  });

  it('[SIP8] a TCP connection cut by a restart of the stack is reopened by the next probe', async () => {
    const k = await startKamailio();
    const results: TargetResult[] = [];
    const e = engine(results);
    e.setJobs([job(k.address, k.port, 'tcp', 300, 300)]);
    await waitFor('an answer', () => results.some((r) => r.code === 200));
    await k.stop();
    await waitFor('a failure', () => results.some((r) => r.rtt === null));
    expect(e.stats().connections).toBe(0);
    const again = await startKamailio({ address: k.address });
    const from = results.length;
    await waitFor('answers after the restart', () => results.slice(from).filter((r) => r.code === 200).length >= 2);
    expect(e.stats().connections).toBe(1);
    await again.stop();
  });

  it('[SIP9] beyond maxOutstanding a scheduled probe is skipped and reported as a gap, not a loss', async () => {
    const results: TargetResult[] = [];
    const gaps: string[][] = [];
    const e = new SipEngine({
      clock,
      logger: silent,
      onResult: (r) => results.push(r),
      onGap: (ids) => gaps.push(ids),
      tuning: { maxOutstanding: 1 },
    });
    engines.push(e);
    const dead = uniqueLoopback();
    e.setJobs([
      { ...job(dead, 5060, 'udp', 300, 300), id: 'sip:a' },
      { ...job(dead, 5061, 'udp', 300, 300), id: 'sip:b' },
    ]);
    await waitFor('a gap and 3 results', () => gaps.length > 0 && results.length >= 3);
    expect(e.stats().skipped).toBe(gaps.length);
    expect(e.stats().outstanding).toBeLessThanOrEqual(1);
    expect(results.every((r) => r.reason === 'timeout')).toBe(true);
  });

  it('[SIP3] 503 from SIPp counts as unavailable with its code', async () => {
    const s = await startSipp('answer', { code: 503, phrase: 'Service Unavailable' });
    const r = await engine([]).probeOnce(job(s.address, s.port, 'udp'));
    expect(r).toMatchObject({ rtt: null, reason: 'unavailable', code: 503, detail: '503 Service Unavailable' });
  });

  it.each([
    [403, 'Forbidden'],
    [404, 'Not Found'],
    [486, 'Busy Here'],
  ])('[SIP2] %i from SIPp proves a live stack: up with the code kept', async (code, phrase) => {
    const s = await startSipp('answer', { code, phrase });
    const r = await engine([]).probeOnce(job(s.address, s.port, 'udp'));
    expect(r.rtt).not.toBeNull();
    expect(r.code).toBe(code);
    expect(r.detail).toBe(`${code} ${phrase}`);
  });

  it('[SIP2] SIPp over TCP answering 404: up with code 404', async () => {
    const s = await startSipp('answer', { code: 404, phrase: 'Not Found', transport: 'tcp' });
    const r = await engine([]).probeOnce(job(s.address, s.port, 'tcp'));
    expect(r.code).toBe(404);
    expect(r.rtt).not.toBeNull();
  });

  it('[SIP2] a provisional 100 Trying ends nothing: the 200 that follows 300 ms later does', async () => {
    const s = await startSipp('trying');
    const e = engine([]);
    const r = await e.probeOnce(job(s.address, s.port, 'udp'));
    expect(r.code).toBe(200);
    expect(r.rtt!).toBeGreaterThanOrEqual(280);
    expect(e.stats().retransmitted).toBe(0); // after a provisional, timer E waits T2
  });

  it('[SIP6] garbage, a foreign Call-ID, a foreign branch and another method are ignored; the right 486 counts', async () => {
    const s = await startSipp('noise');
    const e = engine([]);
    const r = await e.probeOnce(job(s.address, s.port, 'udp'));
    expect(r.code).toBe(486);
    expect(r.rtt).not.toBeNull();
    await waitFor('4 ignored', () => e.stats().ignored >= 4, 2000);
    expect(e.stats().outstanding).toBe(0);
  });

  it.skipIf(nftSkipReason())(
    '[SIP5] a lost UDP request is retransmitted after T1 (500 ms) and the probe succeeds',
    async () => {
      const s = await startSipp('answer');
      // The quota lets through nothing but the first OPTIONS's worth of bytes (IP + UDP headers + SIP).
      const sample = buildOptions({
        transport: 'udp',
        host: s.address,
        port: s.port,
        localAddress: '127.0.0.1',
        localPort: 40000,
        branch: 'z9hG4bK' + 'x'.repeat(20),
        callId: 'x'.repeat(34) + '@diemcau',
        fromTag: 'x'.repeat(10),
        cseq: 1,
      });
      const drop = dropFirstDatagram(s.address, s.port, Math.round((sample.length + 28) * 1.5));
      try {
        const e = engine([]);
        const r = await e.probeOnce(job(s.address, s.port, 'udp', 2000, 2000));
        expect(r.code).toBe(200);
        expect(r.rtt!).toBeGreaterThanOrEqual(480);
        expect(r.rtt!).toBeLessThan(900);
        expect(e.stats().retransmitted).toBe(1);
        // SIPp saw only the retransmission.
        expect(s.messages().match(/UDP message received/g)).toHaveLength(1);
      } finally {
        drop.destroy();
      }
    },
  );

  it('[SIP5] a dead UDP stack: retransmissions at 500 ms, 1.5 s, 3.5 s within a 4 s timeout, none after it', async () => {
    const results: TargetResult[] = [];
    const e = engine(results);
    const started = Date.now();
    const r = await e.probeOnce(job(uniqueLoopback(), 5060, 'udp', 5000, 4000));
    expect(r.reason).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(3990);
    expect(e.stats()).toMatchObject({ sent: 1, retransmitted: 3, outstanding: 0 });
  });

  it('[SIP9] spreads targets over the interval, keeps unchanged jobs on setJobs and releases everything on close', async () => {
    const k = await startKamailio();
    const results: TargetResult[] = [];
    const e = engine(results);
    const jobs = Array.from({ length: 20 }, (_, i) => ({
      ...job(k.address, k.port, 'udp', 1000, 1000),
      id: `sip:t${i}`,
    }));
    e.setJobs(jobs);
    await waitFor('20 results', () => results.length >= 20, 3000);
    const firstTimes = jobs.map((j) => results.find((r) => r.target === j.id)!.t);
    const spread = Math.max(...firstTimes) - Math.min(...firstTimes);
    expect(spread).toBeGreaterThan(300); // not all at one instant
    // Re-setting the same jobs every 100 ms keeps their phase: had each call restarted the timers,
    // the targets whose phase is over 100 ms would never be probed again.
    const from = results.length;
    const resets = setInterval(() => e.setJobs(jobs.map((j) => ({ ...j }))), 100);
    try {
      await waitFor('two more results of every target', () =>
        jobs.every((j) => results.slice(from).filter((r) => r.target === j.id).length >= 2),
      );
    } finally {
      clearInterval(resets);
    }
    await e.close();
    const n = results.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(results.length).toBe(n);
    expect(e.stats().outstanding).toBe(0);
  });

  it('[SIP10] bad jobs are refused without a throw; probeOnce of a bad job is an error result', async () => {
    const results: TargetResult[] = [];
    const e = engine(results);
    const bad = {
      id: 'x',
      target: { kind: 'sip', host: 'a b', transport: 'udp', role: 'endpoint' },
      intervalMs: 1000,
      timeoutMs: 1000,
    } as unknown as ProbeJob;
    expect(() => e.setJobs([bad])).not.toThrow();
    await expect(e.probeOnce(bad)).resolves.toMatchObject({ rtt: null, reason: 'error' });
    await expect(e.probeOnce(job('no-such-name.invalid', 5060, 'udp'))).resolves.toMatchObject({
      rtt: null,
      reason: 'dns',
    });
  });
});
