// The Cisco RoomOS adapter against the RoomOS simulator (tests/simulators/roomos-sim.ts): real HTTPS on
// loopback with a certificate made by openssl, the guide's rate limits, a manual clock for the back-off.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { codecRequest } from '../../../server/probe/codec/http';
import { createRoomOsAdapter } from '../../../server/probe/codec/roomos';
import type { CodecAdapter, CodecOutcome } from '../../../server/probe/codec/session';
import { resolveSecret } from '../../../server/probe/secrets';
import { RoomOsTarget } from '../../../shared/schemas';
import { RoomOsSimulator } from '../../simulators/roomos-sim';
import { captureLog, type CapturedLog } from './codec-helpers';

const PASS = 'Cisco:pa55-Đà-Nẵng';
const sim = new RoomOsSimulator({ user: 'monitor', password: PASS });
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

function adapter(over: Partial<{ verifyTls: boolean }> = {}): CodecAdapter {
  const target = RoomOsTarget.parse({
    kind: 'roomos',
    ...sim.address,
    user: 'monitor',
    password: { env: 'X' },
    ...over,
  });
  const a = createRoomOsAdapter(target, { clock, logger: log.logger });
  adapters.push(a);
  return a;
}
const pw = (p: string) => () => Promise.resolve(p);
const ok = (o: CodecOutcome) => {
  if (!o.ok) throw new Error(`expected an answer, got ${o.reason}: ${o.detail}`);
  return o;
};
const CHANNELS = [
  { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 7.5, jitterMs: 14 },
  { media: 'video', direction: 'rx', rateKbps: 1472, lossPct: 0, jitterMs: 6 },
  { media: 'audio', direction: 'tx', rateKbps: 64, lossPct: 0, jitterMs: 2 },
  { media: 'content', direction: 'rx', rateKbps: 512, lossPct: 1, jitterMs: 5 },
] as const;

describe('Cisco RoomOS adapter', () => {
  it('[CO3][CO7][CO12] opens one session and reads the status with its cookie, never Basic auth per request', async () => {
    const a = adapter();
    const basic = sim.basicAuthRequests;
    const logins = sim.logins;
    for (let i = 0; i < 4; i++) {
      const o = ok(await a.poll(pw(PASS), 4000));
      expect(o.call).toEqual({ inCall: false, farEnd: null, channels: [] });
      expect(o.rtt).toBeGreaterThan(0);
    }
    expect(sim.logins - logins).toBe(1);
    expect(sim.basicAuthRequests - basic).toBe(1);
    const reads = sim.http.requests.filter((r) => r.path === '/getxml').slice(-4);
    expect(
      reads.every((r) => r.cookies.SessionId && !r.headers.authorization && r.headers.connection === 'close'),
    ).toBe(true);
  });

  it('[CO8] in a call: far end and per-channel rate, loss and jitter from Netstat; loss above 5 % is visible', async () => {
    sim.inCall('sip:mcu-tinh@vtn.example.vn', [...CHANNELS]);
    const o = ok(await adapter().poll(pw(PASS), 4000));
    expect(o.call.inCall).toBe(true);
    expect(o.call.farEnd).toBe('mcu-tinh@vtn.example.vn');
    expect(
      o.call.channels.map(({ media, direction, rateKbps, jitterMs }) => ({ media, direction, rateKbps, jitterMs })),
    ).toEqual(CHANNELS.map(({ media, direction, rateKbps, jitterMs }) => ({ media, direction, rateKbps, jitterMs })));
    // LastIntervalLost / (Lost + Received), to 0.1 %.
    o.call.channels.forEach((c, i) => expect(c.lossPct).toBeCloseTo(CHANNELS[i]!.lossPct, 0));
    expect(o.call.channels[0]!.lossPct).toBeGreaterThan(5);
  });

  it('[CO7] a call still ringing is not "in the call"', async () => {
    sim.inCall('sip:mcu-tinh@vtn.example.vn', [...CHANNELS]);
    sim.callStatus = 'Ringing';
    expect(ok(await adapter().poll(pw(PASS), 4000)).call.inCall).toBe(false);
  });

  it('[CO4] an expired session costs one re-login and the poll still succeeds', async () => {
    const a = adapter();
    ok(await a.poll(pw(PASS), 4000));
    const before = sim.logins;
    sim.expireSessions();
    sim.inCall('sip:mcu@x', [...CHANNELS]);
    expect(ok(await a.poll(pw(PASS), 4000)).call.inCall).toBe(true);
    expect(sim.logins - before).toBe(1);
    ok(await a.poll(pw(PASS), 4000));
    expect(sim.logins - before).toBe(1);
  });

  it('[CO5][CO6] bad credentials: "auth", logged once, no login storm over many intervals', async () => {
    const a = adapter();
    const WRONG = 'Cisco:wrong';
    const before = sim.loginAttempts;
    const outcomes: CodecOutcome[] = [];
    for (let s = 0; s < 1800; s += 5) {
      outcomes.push(await a.poll(pw(WRONG), 4000));
      clock.advance(5000);
    }
    expect(outcomes.every((o) => !o.ok && o.reason === 'auth')).toBe(true);
    // Logins at 0, 60, 180, 420, 900 and 1500 s.
    expect(sim.loginAttempts - before).toBe(6);
    expect(log.withMsg(/refused its credentials/)).toHaveLength(1);
    const everything = JSON.stringify(outcomes) + log.lines.join('\n');
    for (const secret of [WRONG, PASS, Buffer.from(`monitor:${WRONG}`).toString('base64')])
      expect(everything).not.toContain(secret);
  }, 60_000);

  it('[CO2] a missing secrets file is "secret" and nothing is sent', async () => {
    const before = sim.http.requests.length;
    const o = await adapter().poll(
      () => resolveSecret({ file: '/nonexistent/diemcau/cisco.yaml', key: 'ht-01' }),
      4000,
    );
    expect(o).toMatchObject({ ok: false, reason: 'secret' });
    expect(sim.http.requests.length).toBe(before);
  });

  it('[CO9][CO10] hung → timeout, garbage → protocol, verification of a self-signed certificate → tls', async () => {
    const a = adapter();
    ok(await a.poll(pw(PASS), 4000));
    sim.http.stallMs = 3000;
    expect(await a.poll(pw(PASS), 400)).toMatchObject({ ok: false, reason: 'timeout' });
    sim.http.stallMs = 0;
    sim.http.garbage = true;
    expect(await a.poll(pw(PASS), 4000)).toMatchObject({ ok: false, reason: 'protocol' });
    sim.http.garbage = false;
    expect(await adapter({ verifyTls: true }).poll(pw(PASS), 4000)).toMatchObject({ ok: false, reason: 'tls' });
  });
});

describe('RoomOS simulator rate limits (what the session avoids)', () => {
  it('[CO12] Basic auth per request: 1 request/s, 30 waiting, then 503; a session cookie: 15/s', async () => {
    const own = new RoomOsSimulator({ user: 'monitor', password: PASS });
    await own.start();
    try {
      const to = { ...own.address, verifyTls: false };
      const basic = `Basic ${Buffer.from(`monitor:${PASS}`).toString('base64')}`;
      const started = Date.now();
      const answered: Array<{ status: number; at: number }> = [];
      const all = Array.from({ length: 33 }, () =>
        codecRequest(
          to,
          { method: 'GET', path: '/getxml?location=/Status/Call', headers: { authorization: basic } },
          AbortSignal.timeout(20_000),
        ).then(
          (r) => answered.push({ status: r.status, at: Date.now() - started }),
          () => undefined,
        ),
      );
      const deadline = Date.now() + 10_000;
      while (answered.filter((a) => a.status === 200).length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const served = answered.filter((a) => a.status === 200);
      // One served at once and 30 waiting: of 33 sent within the first second, 2 are turned away (1 or 3
      // when a loaded machine spreads the sends over more or less than a second).
      const refused = answered.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeLessThanOrEqual(3);
      expect(refused.every((a) => a.at < served[2]!.at)).toBe(true);
      expect(served.length).toBeGreaterThanOrEqual(3);
      expect(served[2]!.at).toBeGreaterThanOrEqual(1900);
      await own.stop();
      await Promise.all(all);
    } finally {
      await own.stop();
    }
    const fresh = new RoomOsSimulator({ user: 'monitor', password: PASS });
    await fresh.start();
    try {
      const basic = `Basic ${Buffer.from(`monitor:${PASS}`).toString('base64')}`;
      const cookieTo = { ...fresh.address, verifyTls: false };
      const begin = await codecRequest(
        cookieTo,
        { method: 'POST', path: '/xmlapi/session/begin', headers: { authorization: basic } },
        AbortSignal.timeout(5000),
      );
      const cookie = String(begin.headers['set-cookie']?.[0]).split(';')[0]!;
      const burst = await Promise.all(
        Array.from({ length: 16 }, () =>
          codecRequest(
            cookieTo,
            { method: 'GET', path: '/getxml?location=/Status/Call', headers: { cookie } },
            AbortSignal.timeout(5000),
          ),
        ),
      );
      expect(burst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(14);
      expect(burst.filter((r) => r.status === 503).length).toBeLessThanOrEqual(2);
    } finally {
      await fresh.stop();
    }
  });
});
