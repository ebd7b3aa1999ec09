// TCP and HTTP endpoints in the whole pipeline: a real net.Server and a real HTTP server on the point's
// own loopback address, fping on the line, the monitor at the live cadence. Closing the TCP listener is
// a refused port; the web server answering 503 is a bad status; the line stays up meanwhile. "Kiểm tra
// ngay" over the socket probes every target of a point with its own kind (docs/TARGETS.md TG4, TG5, TG8).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetId } from '../../../shared/targets';
import {
  connectSocket,
  connected,
  meetingNow,
  okData,
  startTestApp,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { address, outagesOf, province, rowOf, statusRow } from './pipeline';

const LIVE_MS = 1_000;
const A = address(2, 0); // C1: TCP endpoint
const B = address(2, 1); // C2: HTTP endpoint
const C = address(2, 2); // C3: everything, for "test now"

let t: TestApp;
let socket: TestSocket | null = null;
const servers: (net.Server | http.Server)[] = [];
/** The status the web servers answer (mutable per server). */
const statusB = { code: 200 };
const statusC = { code: 503 };

function listen<S extends net.Server>(server: S, host: string): Promise<number> {
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Accepted connections of each TCP listener, cut when it closes (close() waits for them otherwise). */
const accepted = new Map<net.Server, Set<net.Socket>>();

function tcpServer(): net.Server {
  const sockets = new Set<net.Socket>();
  const s = net.createServer((c) => {
    sockets.add(c);
    c.on('error', () => {});
    c.on('close', () => sockets.delete(c));
  });
  accepted.set(s, sockets);
  return s;
}

function webServer(status: { code: number }): http.Server {
  const s = http.createServer((req, res) => {
    res.writeHead(status.code, { 'content-type': 'text/plain', connection: 'close' });
    res.end(status.code === 200 ? 'ok' : 'unavailable');
  });
  s.keepAliveTimeout = 1;
  return s;
}

const close = (s: net.Server): Promise<void> =>
  new Promise((resolve) => {
    if (!s.listening) return resolve();
    s.close(() => resolve());
    if (s instanceof http.Server) s.closeAllConnections();
    for (const c of accepted.get(s) ?? []) c.destroy();
  });

let tcpA: net.Server;
let portA: number;
let urlB: string;
let ids: { tcpOpen: string; tcpClosed: string; http503: string; http200: string };

beforeAll(async () => {
  tcpA = tcpServer();
  portA = await listen(tcpA, A);
  urlB = `http://${B}:${await listen(webServer(statusB), B)}/health`;
  const openC = await listen(tcpServer(), C);
  // A port that was just free on C and is closed again: nothing listens there.
  const probe = net.createServer();
  const closedC = await new Promise<number>((resolve) =>
    probe.listen(0, C, () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    }),
  );
  const url503 = `http://${C}:${await listen(webServer(statusC), C)}/status`;
  const url200 = `http://${C}:${await listen(webServer({ code: 200 }), C)}/`;
  const { units, points } = province([
    [
      { kind: 'icmp', host: A, role: 'primary' },
      { kind: 'tcp', host: A, port: portA, role: 'endpoint' },
    ],
    [
      { kind: 'icmp', host: B, role: 'primary' },
      { kind: 'http', url: urlB, role: 'endpoint' },
    ],
    [
      { kind: 'icmp', host: C, role: 'primary' },
      { kind: 'tcp', host: C, port: openC, role: 'endpoint' },
      { kind: 'tcp', host: C, port: closedC, role: 'endpoint' },
      { kind: 'http', url: url503, role: 'endpoint' },
      { kind: 'http', url: url200, expect: 200, role: 'endpoint' },
    ],
  ]);
  ids = {
    tcpOpen: targetId({ kind: 'tcp', host: C, port: openC }),
    tcpClosed: targetId({ kind: 'tcp', host: C, port: closedC }),
    http503: targetId({ kind: 'http', url: url503 }),
    http200: targetId({ kind: 'http', url: url200 }),
  };
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: LIVE_MS },
  });
}, 30_000);

afterAll(async () => {
  socket?.disconnect();
  await t?.dispose();
  await Promise.all(servers.map(close));
});

const endpointIs = (code: string, endpoint: string) => async () => {
  const s = await statusRow(t, 'LIVE', code);
  return s?.state === 'up' && s.endpoint === endpoint ? s : undefined;
};

describe('TCP and HTTP endpoints behind the line', () => {
  it('[TG5][TG8] a TCP endpoint whose listener closes is refused: endpoint down, line up, an endpoint outage of kind tcp', async () => {
    const TCP = targetId({ kind: 'tcp', host: A, port: portA });
    const up = await waitFor('C1 endpoint up', endpointIs('C1', 'up'), 15_000);
    expect(rowOf(up, TCP)).toMatchObject({ kind: 'tcp', role: 'endpoint', state: 'up', port: portA, reason: null });
    expect(rowOf(up, TCP)!.rtt).toBeGreaterThanOrEqual(0);

    await close(tcpA);
    const down = await waitFor('C1 endpoint down', endpointIs('C1', 'down'), 15_000);
    expect(rowOf(down, TCP)).toMatchObject({ state: 'down', rtt: null, reason: 'refused' });
    const o = await waitFor('C1 endpoint outage', async () => {
      const list = await outagesOf(t, 'LIVE', 'C1');
      return list.length > 0 ? list : undefined;
    });
    expect(o.map((x) => [x.class, x.target, x.kind, x.endedAt])).toEqual([['endpoint', TCP, 'tcp', null]]);
  }, 40_000);

  it('[TG5][TG8] an HTTP endpoint answering 503 is a bad status: endpoint down with the code; back at 200', async () => {
    const HTTP = targetId({ kind: 'http', url: urlB });
    const up = await waitFor('C2 endpoint up', endpointIs('C2', 'up'), 15_000);
    expect(rowOf(up, HTTP)).toMatchObject({ kind: 'http', state: 'up', code: 200, reason: null, host: B });

    statusB.code = 503;
    const down = await waitFor('C2 endpoint down', endpointIs('C2', 'down'), 15_000);
    expect(rowOf(down, HTTP)).toMatchObject({ state: 'down', rtt: null, reason: 'status', code: 503 });
    expect(rowOf(down, HTTP)!.detail).toMatch(/503/);

    statusB.code = 200;
    await waitFor('C2 endpoint up again', endpointIs('C2', 'up'), 15_000);
    const o = await outagesOf(t, 'LIVE', 'C2');
    expect(o.map((x) => [x.class, x.target, x.kind, x.endedAt !== null])).toEqual([['endpoint', HTTP, 'http', true]]);
  }, 40_000);

  it('[TG4] "test now" probes every target of the point once with its own kind: label, latency, code and reason', async () => {
    socket = connectSocket(t.url, t.cookie);
    await connected(socket);
    const r = okData(await socket.emitWithAck('point:test', { code: 'C3' }));
    expect(r.code).toBe('C3');
    const byId = new Map(r.results.map((x) => [x.id, x]));
    expect(r.results.map((x) => x.id)).toEqual([`icmp:${C}`, ids.tcpOpen, ids.tcpClosed, ids.http503, ids.http200]);
    expect(byId.get(`icmp:${C}`)).toMatchObject({ kind: 'icmp', label: `ICMP ${C}`, role: 'primary', alive: true });
    expect(byId.get(ids.tcpOpen)).toMatchObject({ kind: 'tcp', role: 'endpoint', alive: true });
    expect(byId.get(ids.tcpOpen)!.label).toMatch(/^TCP 127\.71\.2\.\d+:\d+$/);
    expect(byId.get(ids.tcpClosed)).toMatchObject({ kind: 'tcp', alive: false, rtt: null, reason: 'refused' });
    expect(byId.get(ids.http503)).toMatchObject({ kind: 'http', alive: false, rtt: null, reason: 'status', code: 503 });
    expect(byId.get(ids.http503)!.label).toBe(`HTTP ${ids.http503.slice('http:'.length)}`);
    expect(byId.get(ids.http200)).toMatchObject({ kind: 'http', alive: true, code: 200 });
    for (const x of r.results.filter((y) => y.alive)) {
      expect(x.rtt).toBeGreaterThanOrEqual(0);
      expect(x.rtt).toBeLessThan(1_000);
    }
    // The answer is the probes', not the board's: the web server's status is read at the moment.
    statusC.code = 200;
    const again = okData(await socket.emitWithAck('point:test', { code: 'C3' }));
    expect(again.results.find((x) => x.id === ids.http503)).toMatchObject({ alive: true, code: 200 });
  }, 30_000);
});
