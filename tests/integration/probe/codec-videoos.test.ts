// The Poly VideoOS adapter against the VideoOS simulator (tests/simulators/videoos-sim.ts): real HTTPS on
// loopback with a certificate made by openssl, a manual clock for the back-off.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { createVideoOsAdapter } from '../../../server/probe/codec/videoos';
import type { CodecAdapter, CodecOutcome } from '../../../server/probe/codec/session';
import { resolveSecret } from '../../../server/probe/secrets';
import { VideoOsTarget } from '../../../shared/schemas';
import { VideoOsSimulator } from '../../simulators/videoos-sim';
import { captureLog, type CapturedLog } from './codec-helpers';

const PASS = 'Poly-pa55-Kh0ng-L0';
const sim = new VideoOsSimulator({ user: 'admin', password: PASS });
const adapters: CodecAdapter[] = [];
let clock: ManualClock;
let log: CapturedLog;

beforeAll(() => sim.start());
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  await sim.stop();
});
beforeEach(() => {
  clock = new ManualClock(Date.UTC(2026, 2, 6, 1, 0, 0));
  log = captureLog();
  sim.hangUp();
  sim.expireSessions();
  sim.password = PASS;
  sim.http.stallMs = 0;
  sim.http.garbage = false;
});

function adapter(over: Partial<{ port: number; verifyTls: boolean }> = {}): CodecAdapter {
  const target = VideoOsTarget.parse({
    kind: 'videoos',
    ...sim.address,
    user: 'admin',
    password: { env: 'X' },
    ...over,
  });
  const a = createVideoOsAdapter(target, { clock, logger: log.logger });
  adapters.push(a);
  return a;
}
const pw = (p: string) => () => Promise.resolve(p);
const ok = (o: CodecOutcome) => {
  if (!o.ok) throw new Error(`expected an answer, got ${o.reason}: ${o.detail}`);
  return o;
};

describe('Poly VideoOS adapter', () => {
  it('[CO3][CO7] logs in once, keeps the session between polls; not in a call is an answer, not a failure', async () => {
    const a = adapter();
    const before = sim.logins;
    for (let i = 0; i < 3; i++) {
      const o = ok(await a.poll(pw(PASS), 4000));
      expect(o.call).toEqual({ inCall: false, farEnd: null, channels: [] });
      expect(o.rtt).toBeGreaterThan(0);
      expect(o.rtt).toBeLessThan(4000);
    }
    expect(sim.logins - before).toBe(1);
    // [CO10] a fresh connection per request, never held open between polls.
    expect(sim.http.requests.slice(-6).every((r) => r.headers.connection === 'close')).toBe(true);
  });

  it('[CO8] in a call: far end and per-channel rate, loss and jitter; loss above 5 % is visible', async () => {
    sim.inCall('sip:hnttt-tinh@mcu.example.vn', [
      { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 7.5, jitterMs: 12 },
      { media: 'video', direction: 'rx', rateKbps: 1536, lossPct: 0.2, jitterMs: 8 },
      { media: 'video', direction: 'tx', rateKbps: 1472, lossPct: 0, jitterMs: 3 },
      { media: 'content', direction: 'rx', rateKbps: 384, lossPct: 0, jitterMs: 4 },
    ]);
    const o = ok(await adapter().poll(pw(PASS), 4000));
    expect(o.call.inCall).toBe(true);
    expect(o.call.farEnd).toBe('sip:hnttt-tinh@mcu.example.vn');
    expect(o.call.channels).toEqual([
      { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 7.5, jitterMs: 12 },
      { media: 'video', direction: 'rx', rateKbps: 1536, lossPct: 0.2, jitterMs: 8 },
      { media: 'video', direction: 'tx', rateKbps: 1472, lossPct: 0, jitterMs: 3 },
      { media: 'content', direction: 'rx', rateKbps: 384, lossPct: 0, jitterMs: 4 },
    ]);
    const audioRx = o.call.channels.find((c) => c.media === 'audio' && c.direction === 'rx');
    expect(audioRx?.lossPct).toBeGreaterThan(5);
  });

  it('[CO4] an expired session costs one re-login and the poll still succeeds', async () => {
    const a = adapter();
    ok(await a.poll(pw(PASS), 4000));
    const before = sim.logins;
    sim.expireSessions();
    const o = ok(await a.poll(pw(PASS), 4000));
    expect(o.call.inCall).toBe(false);
    expect(sim.logins - before).toBe(1);
    ok(await a.poll(pw(PASS), 4000));
    expect(sim.logins - before).toBe(1);
  });

  it('[CO5][CO6] bad credentials: "auth", logged once, no login storm over many intervals; a new password is tried at once', async () => {
    const a = adapter();
    const WRONG = 'wrong-Pa55word';
    const before = sim.loginAttempts;
    const outcomes: CodecOutcome[] = [];
    // 30 minutes of polls every 5 s: logins at 0, 60 s, 180 s, 420 s, 900 s, 1500 s (back-off doubling).
    for (let s = 0; s < 1800; s += 5) {
      outcomes.push(await a.poll(pw(WRONG), 4000));
      clock.advance(5000);
    }
    expect(outcomes.every((o) => !o.ok && o.reason === 'auth')).toBe(true);
    expect(sim.loginAttempts - before).toBe(6);
    expect(log.withMsg(/refused its credentials/)).toHaveLength(1);
    // The back-off never exceeds 10 min: two more attempts within the next 20 minutes.
    for (let s = 0; s < 1200; s += 5) {
      await a.poll(pw(WRONG), 4000);
      clock.advance(5000);
    }
    expect(sim.loginAttempts - before).toBe(8);
    // The operator fixes the password: no waiting for the back-off.
    const fixed = ok(await a.poll(pw(PASS), 4000));
    expect(fixed.call.inCall).toBe(false);
    expect(log.withMsg(/accepts its credentials again/)).toHaveLength(1);
    const everything = JSON.stringify(outcomes) + log.lines.join('\n');
    expect(everything).not.toContain(WRONG);
    expect(everything).not.toContain(PASS);
  });

  it('[CO6] the password appears in no log line and no outcome, whatever happens', async () => {
    const a = adapter();
    const seen: CodecOutcome[] = [];
    seen.push(await a.poll(pw(PASS), 4000));
    sim.expireSessions();
    seen.push(await a.poll(pw(PASS), 4000));
    sim.http.garbage = true;
    seen.push(await a.poll(pw(PASS), 4000));
    sim.http.garbage = false;
    sim.expireSessions();
    sim.password = 'rotated-on-the-codec';
    seen.push(await a.poll(pw(PASS), 4000));
    await a.close();
    expect(seen.map((o) => (o.ok ? 'ok' : o.reason))).toEqual(['ok', 'ok', 'protocol', 'auth']);
    expect(log.withMsg(/refused its credentials/)).toHaveLength(1);
    const text = JSON.stringify(seen) + log.lines.join('\n');
    expect(text).not.toContain(PASS);
    expect(text).not.toContain(Buffer.from(PASS).toString('base64'));
  });

  it('[CO2] a reference that does not resolve is "secret" and nothing is sent to the codec', async () => {
    const a = adapter();
    const before = sim.http.requests.length;
    const o = await a.poll(() => resolveSecret({ env: 'DIEMCAU_TEST_UNSET_POLY' }, { env: {} }), 4000);
    expect(o).toMatchObject({ ok: false, reason: 'secret' });
    expect(!o.ok && o.detail).toContain('DIEMCAU_TEST_UNSET_POLY');
    const f = await a.poll(() => resolveSecret({ file: '/nonexistent/diemcau/codecs.yaml', key: 'ht' }), 4000);
    expect(f).toMatchObject({ ok: false, reason: 'secret' });
    expect(sim.http.requests.length).toBe(before);
    expect(log.withMsg(/reference does not resolve/)).toHaveLength(2);
  });

  it('[CO9] a hung codec is a timeout; a garbage answer is "protocol"; a closed port is "refused"', async () => {
    const a = adapter();
    ok(await a.poll(pw(PASS), 4000));
    sim.http.stallMs = 3000;
    const started = Date.now();
    expect(await a.poll(pw(PASS), 500)).toMatchObject({ ok: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2500);
    sim.http.stallMs = 0;
    sim.http.garbage = true;
    expect(await a.poll(pw(PASS), 4000)).toMatchObject({ ok: false, reason: 'protocol' });
    const free = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    expect(await adapter({ port: free }).poll(pw(PASS), 4000)).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('[CO10] the self-signed certificate is refused when the target asks for verification', async () => {
    const o = await adapter({ verifyTls: true }).poll(pw(PASS), 4000);
    expect(o).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('[CO3] close ends the session on the codec', async () => {
    const a = adapter();
    ok(await a.poll(pw(PASS), 4000));
    const before = sim.logouts;
    await a.close();
    expect(sim.logouts - before).toBe(1);
  });
});
