// Name resolution failures of the tcp and http engines, against a real DNS server the test runs on a
// loopback address (answering NXDOMAIN for one name, an A record for another): the engines resolve
// through the `lookup` option, here a resolver pointed at that server, never the machine's own.
import dgram from 'node:dgram';
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock';
import { HttpEngine } from '../../../server/probe/http';
import type { ProbeJob } from '../../../server/probe/kinds';
import { TcpEngine } from '../../../server/probe/tcp';
import { silent } from './util';

const DNS_HOST = '127.44.0.53';
const KNOWN = 'room-1.diemcau.test';
const KNOWN_ADDR = '127.44.0.1';
let server: dgram.Socket;
let listener: net.Server;
let listenPort = 0;
let queries = 0;
let lookup: LookupFunction;

/** A DNS answer to `query`: an A record for KNOWN, NXDOMAIN for every other name. */
function answer(query: Buffer): Buffer {
  let i = 12;
  const labels: string[] = [];
  while (query[i]! > 0) {
    labels.push(query.subarray(i + 1, i + 1 + query[i]!).toString('ascii'));
    i += query[i]! + 1;
  }
  const question = query.subarray(12, i + 5);
  const known = labels.join('.').toLowerCase() === KNOWN && query.readUInt16BE(i + 1) === 1;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(known ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(known ? 1 : 0, 6);
  if (!known) return Buffer.concat([header, question]);
  const rr = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...KNOWN_ADDR.split('.').map(Number)]);
  return Buffer.concat([header, question, rr]);
}

beforeAll(async () => {
  server = dgram.createSocket('udp4');
  server.on('message', (msg, from) => {
    queries++;
    server.send(answer(msg), from.port, from.address);
  });
  await new Promise<void>((resolve) => server.bind(0, DNS_HOST, resolve));
  const resolver = new dns.Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`${DNS_HOST}:${server.address().port}`]);
  // Node's connect asks with `all: true` (happy eyeballs) and wants the list then.
  lookup = (hostname, opts, cb) => {
    resolver.resolve4(hostname, (err, addrs) => {
      const reply = cb as (e: Error | null, a: string | dns.LookupAddress[], f?: number) => void;
      if (err) reply(err, '', 4);
      else if (opts.all)
        reply(
          null,
          addrs.map((address) => ({ address, family: 4 })),
        );
      else reply(null, addrs[0]!, 4);
    });
  };
  listener = net.createServer((s) => s.destroy());
  await new Promise<void>((resolve) => listener.listen(0, KNOWN_ADDR, resolve));
  listenPort = (listener.address() as net.AddressInfo).port;
});
afterAll(async () => {
  server?.close();
  await new Promise((r) => listener?.close(r));
});

const tcpJob = (host: string): ProbeJob => ({
  id: `tcp:${host}:${listenPort}`,
  target: { kind: 'tcp', host, port: listenPort, role: 'endpoint' },
  intervalMs: 1000,
  timeoutMs: 1000,
});

describe('name resolution', () => {
  it('[TCP4] a name that does not resolve is dns; one that does is probed at its address', async () => {
    const e = new TcpEngine({ clock: systemClock, logger: silent, onResult: () => {}, lookup });
    try {
      const before = queries;
      expect(await e.probeOnce(tcpJob('gone.diemcau.test'))).toMatchObject({
        rtt: null,
        reason: 'dns',
        detail: 'ENOTFOUND',
      });
      const r = await e.probeOnce(tcpJob(KNOWN));
      expect(r.reason).toBeUndefined();
      expect(r.rtt).toEqual(expect.any(Number));
      expect(queries - before).toBe(2); // both went to the test's server
    } finally {
      await e.close();
    }
  });

  it('[HT11] an http URL whose host does not resolve is dns', async () => {
    const e = new HttpEngine({ clock: systemClock, logger: silent, onResult: () => {}, lookup });
    try {
      const url = 'http://gone.diemcau.test/';
      const job: ProbeJob = {
        id: `http:${url}`,
        target: { kind: 'http', url, role: 'endpoint' },
        intervalMs: 1000,
        timeoutMs: 1000,
      };
      expect(await e.probeOnce(job)).toMatchObject({ rtt: null, reason: 'dns', detail: 'ENOTFOUND' });
    } finally {
      await e.close();
    }
  });
});
