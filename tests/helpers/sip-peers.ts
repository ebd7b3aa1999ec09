// Real SIP peers on loopback for the SIP probe tests: kamailio with the minimal config of
// tests/fixtures/sip/kamailio.cfg, SIPp UAS scenarios from tests/fixtures/sip/, and — for TLS only,
// since Debian's kamailio here has no tls module and this SIPp is built without TLS — a Node TLS
// listener answering OPTIONS ("node TLS SIP listener", not a SIP stack). Every peer runs on its own
// random 127.x.y.z address; stop() and stopAllSipPeers() (call it in afterAll) remove everything.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'sip');

export interface SipPeer {
  address: string;
  port: number;
  pid: number;
  /** Messages SIPp logged (-trace_msg); '' for other peers. */
  messages(): string;
  stop(): Promise<void>;
}

const live = new Set<SipPeer>();
/** Process groups of the children started here, killed on exit if a test left them. */
const groups = new Set<number>();
let hooked = false;

/** A loopback address no other test file is likely to use (127.64.0.0 – 127.191.255.254). */
const rnd = (n: number): number => Math.floor(Math.random() * n);

export function uniqueLoopback(): string {
  return `127.${64 + rnd(128)}.${rnd(256)}.${1 + rnd(254)}`;
}

function track(peer: SipPeer): SipPeer {
  live.add(peer);
  groups.add(peer.pid);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const pid of groups) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  return peer;
}

export async function stopAllSipPeers(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

/** Kills the process group we started (kamailio forks its workers) and waits for the leader. */
function stopper(child: ChildProcess, dir: string, peer: () => SipPeer): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= new Promise<void>((resolve) => {
      const finish = (): void => {
        rmSync(dir, { recursive: true, force: true });
        live.delete(peer());
        groups.delete(child.pid!);
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      child.once('exit', finish);
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        finish();
      }
    }));
}

/** Whether something listens on this UDP address:port (from /proc/net/udp). */
function udpBound(address: string, port: number): boolean {
  return readFileSync('/proc/net/udp', 'utf8').includes(` ${hexPort(address, port)} `);
}

async function waitUntil(
  what: string,
  ok: () => boolean | Promise<boolean>,
  child: ChildProcess,
  ms = 10_000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (child.exitCode !== null) throw new Error(`${what}: the process exited (${child.exitCode})`);
    if (Date.now() > end) throw new Error(`${what}: not ready after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One OPTIONS over UDP from a throw-away socket; true when any response comes back within 300 ms. */
export function answersOptions(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.close();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), 300);
    s.on('error', () => done(false));
    s.on('message', () => done(true));
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port;
      const msg =
        `OPTIONS sip:${address}:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${p};branch=z9hG4bKready${p};rport\r\n` +
        `Max-Forwards: 70\r\nFrom: <sip:ready@127.0.0.1>;tag=r${p}\r\nTo: <sip:${address}:${port}>\r\n` +
        `Call-ID: ready-${p}@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
      s.send(msg, port, address);
    });
  });
}

/**
 * kamailio (UDP and TCP on one random loopback address, port 5060), answering OPTIONS with 200;
 * `children`: its UDP and TCP worker processes each (default 1; the bench wants more); `address`:
 * where to listen (a restart on the address of a stopped one).
 */
export async function startKamailio(o: { children?: number; address?: string } = {}): Promise<SipPeer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'diemcau-kamailio-'));
  const address = o.address ?? uniqueLoopback();
  const port = 5060;
  const cfg = readFileSync(path.join(FIXTURES, 'kamailio.cfg'), 'utf8')
    .replaceAll('LISTEN_ADDR', address)
    .replaceAll('LISTEN_PORT', String(port))
    .replace(/^children=1$/m, `children=${o.children ?? 1}`)
    .replace(/^tcp_children=1$/m, `tcp_children=${o.children ?? 1}`);
  writeFileSync(path.join(dir, 'kamailio.cfg'), cfg);
  const child = spawn(
    'kamailio',
    ['-f', path.join(dir, 'kamailio.cfg'), '-DD', '-E', '-m', '16', '-M', '4', '-Y', dir, '-w', dir],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const peer: SipPeer = track({
    address,
    port,
    pid: child.pid!,
    messages: () => '',
    stop: stopper(child, dir, () => peer),
  });
  try {
    await waitUntil('kamailio', () => answersOptions(address, port), child);
  } catch (e) {
    await peer.stop();
    throw new Error(`${(e as Error).message}\n${err}`, { cause: e });
  }
  return peer;
}

export interface SippOptions {
  /** For answer.xml: the final response's code and reason phrase. */
  code?: number;
  phrase?: string;
  transport?: 'udp' | 'tcp';
  /** Where to listen (default: a random loopback address). */
  address?: string;
}

/** A SIPp UAS running tests/fixtures/sip/<scenario>.xml on a random loopback address, port 5070. */
export async function startSipp(scenario: 'answer' | 'noise' | 'trying', o: SippOptions = {}): Promise<SipPeer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'diemcau-sipp-'));
  const address = o.address ?? uniqueLoopback();
  const port = 5070;
  const xml = readFileSync(path.join(FIXTURES, `${scenario}.xml`), 'utf8').replace(
    'SIP/2.0 CODE PHRASE',
    `SIP/2.0 ${o.code ?? 200} ${o.phrase ?? 'OK'}`,
  );
  const file = path.join(dir, `${scenario}.xml`);
  writeFileSync(file, xml);
  const log = path.join(dir, 'messages.log');
  const args = ['-sf', file, '-i', address, '-p', String(port), '-nostdin', '-trace_msg', '-message_file', log];
  if (o.transport === 'tcp') args.push('-t', 't1');
  const child = spawn('sipp', args, { cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const peer: SipPeer = track({
    address,
    port,
    pid: child.pid!,
    messages: () => {
      try {
        return readFileSync(log, 'utf8');
      } catch {
        return '';
      }
    },
    stop: stopper(child, dir, () => peer),
  });
  const ready =
    o.transport === 'tcp'
      ? () => readFileSync('/proc/net/tcp', 'utf8').includes(hexPort(address, port) + ' 00000000:0000 0A')
      : () => udpBound(address, port);
  try {
    await waitUntil('sipp', ready, child);
  } catch (e) {
    await peer.stop();
    throw new Error(`${(e as Error).message}\n${err}`, { cause: e });
  }
  return peer;
}

function hexPort(address: string, port: number): string {
  const a = address
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0'))
    .toReversed()
    .join('')
    .toUpperCase();
  return `${a}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

export interface TlsListener extends SipPeer {
  /** OPTIONS requests received, as text. */
  readonly requests: string[];
}

/** The node TLS SIP listener: a self-signed certificate (openssl), answers each OPTIONS with 200 OK. */
export async function startTlsListener(): Promise<TlsListener> {
  const dir = mkdtempSync(path.join(tmpdir(), 'diemcau-siptls-'));
  const address = uniqueLoopback();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '2',
      '-subj',
      '/CN=codec.test',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const requests: string[] = [];
  const server = tls.createServer(
    { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) },
    (sock) => {
      let buf = '';
      sock.on('error', () => {});
      sock.on('data', (b: Buffer) => {
        buf += b.toString('utf8');
        for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
          const req = buf.slice(0, end);
          buf = buf.slice(end + 4);
          requests.push(req);
          const keep = req.split('\r\n').filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
          sock.write(
            `SIP/2.0 200 OK\r\n${keep.join('\r\n')}\r\nServer: node-tls-listener\r\nContent-Length: 0\r\n\r\n`,
          );
        }
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  let stopped: Promise<void> | null = null;
  const peer: TlsListener = {
    address,
    port,
    pid: process.pid,
    requests,
    messages: () => requests.join('\n\n'),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        live.delete(peer);
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        server.emit('diemcau:stop');
      })),
  };
  // Open connections would keep close() waiting.
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('diemcau:stop', () => {
    for (const s of sockets) s.destroy();
  });
  live.add(peer);
  return peer;
}

function nft(...args: string[]): void {
  execFileSync('nft', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Drops the first UDP datagram(s) to address:port on arrival, up to `bytes` (nftables quota), in a
 * table of this test process's own; what a lost request looks like to the sender.
 */
export function dropFirstDatagram(address: string, port: number, bytes: number): { destroy(): void } {
  const name = `diemcau_sip_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  nft('add', 'table', 'inet', name);
  try {
    nft('add', 'chain', 'inet', name, 'input', '{ type filter hook input priority -10 ; }');
    nft(
      'add',
      'rule',
      'inet',
      name,
      'input',
      'ip',
      'daddr',
      address,
      'udp',
      'dport',
      String(port),
      'quota',
      'until',
      String(bytes),
      'bytes',
      'drop',
    );
  } catch (e) {
    nft('delete', 'table', 'inet', name);
    throw e;
  }
  const destroy = (): void => {
    try {
      nft('delete', 'table', 'inet', name);
    } catch {
      // already gone
    }
    process.off('exit', destroy);
  };
  process.on('exit', destroy);
  return { destroy };
}
