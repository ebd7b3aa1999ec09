// The http engine against real http and https listeners on loopback, with certificates made at test
// time by openssl (http-certs.ts). Rules: docs/probes/tcp-http.md.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../server/clock';
import { HttpEngine, MAX_BODY_BYTES } from '../../../server/probe/http';
import type { ProbeJob, TargetResult } from '../../../server/probe/kinds';
import { currentCert, datedCert, type CertPair } from './http-certs';
import { silent, sleep, waitFor } from './util';

const HOUR = 3_600_000;
const behind: Clock = { now: () => Date.now() - HOUR };

let dir = '';
let current: CertPair;
let expired: CertPair;
let future: CertPair;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'diemcau-http-'));
  current = currentCert(dir);
  expired = datedCert(dir, 'expired', '20200101000000Z', '20210102030405Z');
  future = datedCert(dir, 'future', '20990101000000Z', '21000101000000Z');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close()));
});

interface Served {
  port: number;
  requests: http.IncomingMessage[];
  connections: number;
  live: Set<net.Socket>;
}

/** Starts `server` on host:0, tracks its connections and closes it (and them) after the test. */
async function serve(server: net.Server, host: string): Promise<Served> {
  const s: Served = { port: 0, requests: [], connections: 0, live: new Set() };
  const event = server instanceof https.Server ? 'secureConnection' : 'connection';
  server.on(event, (sock: net.Socket) => {
    s.connections++;
    s.live.add(sock);
    sock.on('error', () => {});
    sock.on('close', () => s.live.delete(sock));
  });
  server.on('request', (req: http.IncomingMessage) => s.requests.push(req));
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  s.port = (server.address() as net.AddressInfo).port;
  open.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of s.live) c.destroy();
        server.close(() => resolve());
      }),
  });
  return s;
}

const respond = (status: number, headers: http.OutgoingHttpHeaders = {}) =>
  http.createServer((_req, res) => res.writeHead(status, headers).end('ok'));

function engine(results: TargetResult[] = [], clock: Clock = behind): HttpEngine {
  const e = new HttpEngine({ clock, logger: silent, onResult: (r) => results.push(r) });
  open.push(e);
  return e;
}

const job = (url: string, extra: { expect?: number; intervalMs?: number; timeoutMs?: number } = {}): ProbeJob => ({
  id: `http:${url}`,
  target: { kind: 'http', url, role: 'endpoint', ...(extra.expect ? { expect: extra.expect } : {}) },
  intervalMs: extra.intervalMs ?? 1000,
  timeoutMs: extra.timeoutMs ?? 1000,
});

describe('http engine', () => {
  it('[HT1] 200: up with the status kept, rtt to the status line, a fresh connection per probe', async () => {
    const s = await serve(respond(200), '127.42.0.1');
    const e = engine();
    const url = `http://127.42.0.1:${s.port}/health`;
    const before = behind.now();
    const r = await e.probeOnce(job(url));
    expect(r).toMatchObject({ target: `http:${url}`, code: 200 });
    expect(r.reason).toBeUndefined();
    expect(r.certExpiresAt).toBeUndefined();
    expect(r.rtt!).toBeGreaterThanOrEqual(0);
    expect(r.rtt!).toBeLessThan(500);
    expect(r.t).toBeGreaterThanOrEqual(before);
    await e.probeOnce(job(url));
    expect(s.requests.map((q) => [q.method, q.url, q.headers.connection])).toEqual([
      ['GET', '/health', 'close'],
      ['GET', '/health', 'close'],
    ]);
    expect(s.connections).toBe(2);
    await waitFor('the connections to be closed', () => s.live.size === 0);
    const six = await serve(respond(200), '::1');
    expect(await e.probeOnce(job(`http://[::1]:${six.port}/`))).toMatchObject({ code: 200, rtt: expect.any(Number) });
  });

  it('[HT2] without expect, a status below 500 is up and 500 or more is down with reason status', async () => {
    const e = engine();
    const probe = async (status: number): Promise<TargetResult> => {
      const s = await serve(respond(status), '127.42.0.2');
      return e.probeOnce(job(`http://127.42.0.2:${s.port}/`));
    };
    expect(await probe(404)).toMatchObject({ code: 404, rtt: expect.any(Number) });
    expect(await probe(499)).toMatchObject({ code: 499, rtt: expect.any(Number) });
    for (const status of [500, 503]) {
      const r = await probe(status);
      expect(r).toEqual({
        target: r.target,
        t: r.t,
        rtt: null,
        code: status,
        reason: 'status',
        detail: `HTTP ${status}`,
      });
    }
  });

  it('[HT3] expect: only the expected status is up (a login page answering 401)', async () => {
    const s = await serve(respond(401, { 'www-authenticate': 'Basic realm="MCU"' }), '127.42.0.3');
    const e = engine();
    const url = `http://127.42.0.3:${s.port}/`;
    expect(await e.probeOnce(job(url, { expect: 401 }))).toMatchObject({ code: 401, rtt: expect.any(Number) });
    expect(await e.probeOnce(job(url, { expect: 200 }))).toMatchObject({
      code: 401,
      rtt: null,
      reason: 'status',
      detail: 'HTTP 401',
    });
  });

  it('[HT4] a redirect is not followed: its status is the answer', async () => {
    const elsewhere = await serve(respond(200), '127.42.0.4');
    const s = await serve(respond(302, { location: `http://127.42.0.4:${elsewhere.port}/` }), '127.42.0.4');
    const r = await engine().probeOnce(job(`http://127.42.0.4:${s.port}/`));
    expect(r).toMatchObject({ code: 302, rtt: expect.any(Number) });
    expect(s.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('[HT5] https with a self-signed certificate: up, certExpiresAt is its notAfter', async () => {
    const s = await serve(
      https.createServer(current, (_q, res) => res.end('ok')),
      '127.42.0.5',
    );
    const url = `https://127.42.0.5:${s.port}/`;
    // The certificate was issued a moment ago: read its dates with the wall clock.
    const r = await engine([], { now: () => Date.now() }).probeOnce(job(url));
    const notAfter = Date.parse(new X509Certificate(current.cert).validTo);
    expect(r).toMatchObject({ code: 200, rtt: expect.any(Number), certExpiresAt: notAfter });
    // The dates are read against the injected clock: a day past notAfter the same certificate has expired.
    const later: Clock = { now: () => notAfter + 86_400_000 };
    expect(await engine([], later).probeOnce(job(url))).toMatchObject({
      rtt: null,
      reason: 'cert-expired',
      certExpiresAt: notAfter,
      detail: `notAfter ${new Date(notAfter).toISOString()}`,
    });
  });

  it('[HT6] an expired or not yet valid certificate: cert-expired with the date, no request sent', async () => {
    const old = await serve(
      https.createServer(expired, (_q, res) => res.end('ok')),
      '127.42.0.6',
    );
    const r = await engine().probeOnce(job(`https://127.42.0.6:${old.port}/`));
    expect(r).toEqual({
      target: r.target,
      t: r.t,
      rtt: null,
      reason: 'cert-expired',
      detail: 'notAfter 2021-01-02T03:04:05.000Z',
      certExpiresAt: Date.UTC(2021, 0, 2, 3, 4, 5),
    });
    const early = await serve(
      https.createServer(future, (_q, res) => res.end('ok')),
      '127.42.0.6',
    );
    expect(await engine().probeOnce(job(`https://127.42.0.6:${early.port}/`))).toMatchObject({
      rtt: null,
      reason: 'cert-expired',
      detail: 'notBefore 2099-01-01T00:00:00.000Z',
      certExpiresAt: Date.UTC(2100, 0, 1),
    });
    expect(old.requests.length + early.requests.length).toBe(0);
  });

  it('[HT7] headers sent slowly: timeout after timeoutMs, the connection cut', async () => {
    const timers = new Set<NodeJS.Timeout>();
    const slow = net.createServer((sock) => {
      sock.write('HTTP/1.1 200 OK\r\n');
      const drip = setInterval(() => sock.write(`X-Drip: ${Date.now()}\r\n`), 100);
      timers.add(drip);
      sock.on('close', () => clearInterval(drip));
    });
    open.push({ close: () => timers.forEach(clearInterval) });
    const s = await serve(slow, '127.42.0.7');
    const t0 = Date.now();
    const r = await engine().probeOnce(job(`http://127.42.0.7:${s.port}/`, { timeoutMs: 500 }));
    const took = Date.now() - t0;
    expect(r).toMatchObject({ rtt: null, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(495);
    expect(took).toBeLessThan(1500);
    await waitFor('the server to see the connection cut', () => s.connections === 1 && s.live.size === 0);
  });

  it('[HT8] huge response headers: a protocol failure, read no further than the bound', async () => {
    let sent = 0;
    const line = Buffer.from(`X-Big: ${'a'.repeat(1000)}\r\n`);
    const big = net.createServer((sock) => {
      sock.write('HTTP/1.1 200 OK\r\n');
      // Headers without end, as fast as the client takes them (up to 50 MB).
      const pump = (): void => {
        while (!sock.destroyed && sent < 50_000_000 && sock.write(line)) sent += line.length;
      };
      sock.on('drain', pump);
      pump();
    });
    const s = await serve(big, '127.42.0.8');
    const r = await engine().probeOnce(job(`http://127.42.0.8:${s.port}/`, { timeoutMs: 2000 }));
    expect(r).toMatchObject({ rtt: null, reason: 'protocol', detail: 'response headers over 16384 bytes' });
    await waitFor('the server to see the connection cut', () => s.live.size === 0);
    // Loopback socket buffers take ~4 MB; the rest of the 50 MB never leaves the server.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('[HT9] a huge body: the result comes at the status line and the download is cut', async () => {
    let written = -1;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const endless = http.createServer((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      res.socket!.on('close', () => (written = res.socket?.bytesWritten ?? 0));
      pump();
    });
    const s = await serve(endless, '127.42.0.9');
    const t0 = Date.now();
    const r = await engine().probeOnce(job(`http://127.42.0.9:${s.port}/big`, { timeoutMs: 5000 }));
    expect(r).toMatchObject({ code: 200, rtt: expect.any(Number) });
    expect(Date.now() - t0).toBeLessThan(1000);
    await waitFor('the server to see the download cut', () => s.live.size === 0, 2000);
    expect(Date.now() - t0).toBeLessThan(2500); // long before the 5 s timeout
    // What the server got out is the kernel's socket buffers, not a page: the probe read ≤ MAX_BODY_BYTES of it.
    expect(written).toBeLessThan(16 * 1024 * 1024);
    expect(MAX_BODY_BYTES).toBeLessThanOrEqual(64 * 1024);
  });

  it('[HT10] a server that accepts and never answers: timeout', async () => {
    const s = await serve(
      http.createServer(() => {}),
      '127.42.0.10',
    );
    const t0 = Date.now();
    const r = await engine().probeOnce(job(`http://127.42.0.10:${s.port}/`, { timeoutMs: 400 }));
    expect(r).toMatchObject({ rtt: null, reason: 'timeout', detail: 'no answer in 400 ms' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(395);
    expect(s.requests).toHaveLength(1);
  });

  it('[HT11] refused, TLS spoken to a plain listener, and a connection closed before the status line', async () => {
    const e = engine();
    const gone = net.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.42.0.11', resolve));
    const port = (gone.address() as net.AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    expect(await e.probeOnce(job(`http://127.42.0.11:${port}/`))).toMatchObject({ rtt: null, reason: 'refused' });

    const plain = await serve(respond(200), '127.42.0.11');
    expect(await e.probeOnce(job(`https://127.42.0.11:${plain.port}/`))).toMatchObject({ rtt: null, reason: 'tls' });

    const hangup = await serve(
      http.createServer((q) => q.socket.destroy()),
      '127.42.0.11',
    );
    expect(await e.probeOnce(job(`http://127.42.0.11:${hangup.port}/`))).toMatchObject({ rtt: null, reason: 'reset' });
  });

  it('[HT12] bad targets are results, scheduled probes reach onResult, close() cuts what runs', async () => {
    const results: TargetResult[] = [];
    const e = new HttpEngine({ clock: behind, logger: silent, onResult: (r) => results.push(r) });
    for (const url of ['ftp://127.42.0.12/', 'not a url', 42]) {
      const bad = { ...job('x'), target: { kind: 'http', url, role: 'endpoint' } } as unknown as ProbeJob;
      expect(await e.probeOnce(bad)).toMatchObject({ rtt: null, reason: 'error' });
    }
    const ok = await serve(respond(204), '127.42.0.12');
    const silentServer = await serve(
      http.createServer(() => {}),
      '127.42.0.12',
    );
    const okJob = job(`http://127.42.0.12:${ok.port}/`, { intervalMs: 100, timeoutMs: 100 });
    const hung = job(`http://127.42.0.12:${silentServer.port}/`, { intervalMs: 1000, timeoutMs: 1000 });
    e.setJobs([okJob, hung]);
    await waitFor('a hung request', () => silentServer.requests.length >= 1);
    const answered = (): number => results.filter((r) => r.target === okJob.id && r.code === 204).length;
    await waitFor('2 answers of the scheduled job', () => answered() >= 2);
    const t0 = Date.now();
    await e.close();
    expect(Date.now() - t0).toBeLessThan(500);
    const n = results.length;
    await waitFor('the servers to see every connection closed', () => ok.live.size + silentServer.live.size === 0);
    await sleep(300);
    expect(results.length).toBe(n);
    expect(e.stats()).toEqual({ jobs: 0, inFlight: 0, queued: 0 });
  });
});
