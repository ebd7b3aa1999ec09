// The codec engine behind the probe router, against the VideoOS and RoomOS simulators over real HTTPS.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock';
import { CodecEngine } from '../../../server/probe/codec/engine';
import type { ProbeJob, TargetResult } from '../../../server/probe/kinds';
import { Target } from '../../../shared/schemas';
import { targetId } from '../../../shared/targets';
import { RoomOsSimulator } from '../../simulators/roomos-sim';
import { VideoOsSimulator } from '../../simulators/videoos-sim';
import { captureLog } from './codec-helpers';
import { waitFor } from './util';

const PASS = 'engine-Pa55';
const poly = new VideoOsSimulator({ user: 'admin', password: PASS });
const cisco = new RoomOsSimulator({ user: 'admin', password: PASS });
const engines: CodecEngine[] = [];
beforeAll(async () => {
  await Promise.all([poly.start(), cisco.start()]);
});
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()));
  poly.http.stallMs = 0;
});
afterAll(async () => {
  await Promise.all([poly.stop(), cisco.stop()]);
});

function job(
  sim: { address: { host: string; port: number } },
  kind: 'videoos' | 'roomos',
  intervalMs = 1000,
): ProbeJob {
  const target = Target.parse({ kind, ...sim.address, user: 'admin', password: { env: 'DIEMCAU_TEST_CODEC_PASS' } });
  return { id: targetId(target), target, intervalMs, timeoutMs: 1000 };
}

function engine(tuning: ConstructorParameters<typeof CodecEngine>[0]['tuning'], secret?: () => Promise<string>) {
  const results: TargetResult[] = [];
  const log = captureLog();
  const e = new CodecEngine({
    clock: systemClock,
    logger: log.logger,
    onResult: (r) => results.push(r),
    ...(secret ? { secret } : {}),
    tuning,
  });
  engines.push(e);
  return { e, results, log };
}

const statusReads = () => poly.http.requests.filter((r) => r.path === '/rest/system/status').length;

describe('CodecEngine', () => {
  it('[CO11] asks a codec at most every minIntervalMs whatever the cadence; a codec not in a call is up', async () => {
    const { e, results } = engine({ minIntervalMs: 600 }, () => Promise.resolve(PASS));
    const before = statusReads();
    const started = Date.now();
    e.setJobs([job(poly, 'videoos', 100)]);
    await waitFor('4 results', () => results.length >= 4, 10_000);
    const elapsed = Date.now() - started;
    // At most one poll per 600 ms (the first within the first 600 ms): never the cadence's 100 ms.
    expect(statusReads() - before).toBeLessThanOrEqual(Math.floor(elapsed / 600) + 2);
    const ts = results.map((r) => r.t);
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(590);
    expect(results[0]).toMatchObject({ target: job(poly, 'videoos').id, call: { inCall: false, farEnd: null } });
    expect(results.every((r) => typeof r.rtt === 'number' && r.rtt > 0 && r.reason === undefined)).toBe(true);
  });

  it('[CO2] without an injected resolver the password comes from the reference; a missing one is "secret"', async () => {
    delete process.env.DIEMCAU_TEST_CODEC_PASS;
    const { e, log } = engine({ minIntervalMs: 200 });
    const j = job(poly, 'videoos');
    const missing = await e.probeOnce(j);
    expect(missing).toMatchObject({ target: j.id, rtt: null, reason: 'secret' });
    expect(missing.detail).toContain('DIEMCAU_TEST_CODEC_PASS');
    process.env.DIEMCAU_TEST_CODEC_PASS = PASS;
    try {
      const r = await e.probeOnce(j);
      expect(r.rtt).not.toBeNull();
      expect(r.call?.inCall).toBe(false);
    } finally {
      delete process.env.DIEMCAU_TEST_CODEC_PASS;
    }
    expect(log.lines.join('\n')).not.toContain(PASS);
  });

  it('[CO11] one request chain at a time: a "test now" during a poll joins it', async () => {
    const { e } = engine({ minIntervalMs: 200 }, () => Promise.resolve(PASS));
    const j = job(poly, 'videoos', 60_000);
    e.setJobs([j]);
    await e.probeOnce(j);
    poly.http.stallMs = 300;
    const before = statusReads();
    const [a, b] = await Promise.all([e.probeOnce(j), e.probeOnce(j)]);
    expect(a).toBe(b);
    expect(statusReads() - before).toBe(1);
  });

  it('[CO11] a hung codec is a timeout within the poll timeout; both vendors run side by side', async () => {
    const { e, results } = engine({ minIntervalMs: 400, pollTimeoutMs: 500 }, () => Promise.resolve(PASS));
    poly.http.stallMs = 2000;
    const p = job(poly, 'videoos');
    const c = job(cisco, 'roomos');
    e.setJobs([p, c]);
    await waitFor(
      'a timeout and a RoomOS answer',
      () =>
        results.some((r) => r.target === p.id && r.reason === 'timeout') &&
        results.some((r) => r.target === c.id && r.rtt !== null),
      10_000,
    );
    expect(results.find((r) => r.target === c.id && r.rtt !== null)?.call?.inCall).toBe(false);
  });

  it('[CO3] close stops polling and ends the sessions; nothing is reported afterwards', async () => {
    const { e, results } = engine({ minIntervalMs: 200 }, () => Promise.resolve(PASS));
    const logouts = poly.logouts;
    e.setJobs([job(poly, 'videoos', 200)]);
    await waitFor('a result', () => results.length >= 1, 5000);
    await e.close();
    const n = results.length;
    expect(poly.logouts - logouts).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(results.length).toBe(n);
  });

  it('[CO11] a target removed from the jobs is logged out and no longer polled', async () => {
    const { e, results } = engine({ minIntervalMs: 200 }, () => Promise.resolve(PASS));
    const j = job(poly, 'videoos', 200);
    e.setJobs([j]);
    await waitFor('a result', () => results.length >= 1, 5000);
    const logouts = poly.logouts;
    e.setJobs([]);
    await waitFor('logout', () => poly.logouts - logouts === 1, 5000);
    const n = results.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(results.length).toBe(n);
  });
});
