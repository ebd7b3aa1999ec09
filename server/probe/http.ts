// The http engine (docs/probes/tcp-http.md, HT1…): one GET per probe on a fresh connection (no shared
// keep-alive agent, so every probe proves the listener and, over TLS, sees the certificate), no
// redirect followed. rtt runs from the request leaving (connection and TLS done) to the status line.
// HTTPS does not verify the chain (MCU management pages use private CAs and self-signed certificates)
// but does check the certificate's dates against the injected clock.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProbeJob, TargetResult } from './kinds';
import { SpreadEngine } from './spread';
import { socketFailure, type SocketEngineOptions } from './tcp';

/** Larger response headers are a protocol failure: a probe never buffers a page's worth of them. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Body bytes read after the status line so a small page ends cleanly; beyond this the socket is cut. */
export const MAX_BODY_BYTES = 16 * 1024;

type Outcome = Omit<TargetResult, 'target' | 't'>;

function parseUrl(raw: unknown): URL | string {
  if (typeof raw !== 'string') return 'url is not a string';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url does not parse';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url scheme ${url.protocol} is not http/https`;
  return url;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The certificate's validity against `now`: an outcome when it is out of its dates, else null. */
function certOutcome(socket: TLSSocket, now: number): { notAfter?: number; bad?: Outcome } {
  const cert = socket.getPeerCertificate();
  const notAfter = cert?.valid_to ? Date.parse(cert.valid_to) : Number.NaN;
  const notBefore = cert?.valid_from ? Date.parse(cert.valid_from) : Number.NaN;
  if (Number.isNaN(notAfter)) return {};
  if (now > notAfter)
    return { notAfter, bad: { rtt: null, reason: 'cert-expired', detail: `notAfter ${iso(notAfter)}` } };
  if (now < notBefore) {
    return { notAfter, bad: { rtt: null, reason: 'cert-expired', detail: `notBefore ${iso(notBefore)}` } };
  }
  return { notAfter };
}

function statusOutcome(code: number, expect: number | undefined, rtt: number): Outcome {
  const up = expect === undefined ? code < 500 : code === expect;
  return up ? { rtt, code } : { rtt: null, code, reason: 'status', detail: `HTTP ${code}` };
}

/** One GET of `job.target.url`; resolves at the status line (or the failure), never rejects. */
export function probeHttp(job: ProbeJob, signal: AbortSignal, opts: SocketEngineOptions): Promise<TargetResult> {
  const t = opts.clock.now();
  const target = job.target;
  const url = target.kind === 'http' ? parseUrl(target.url) : `kind ${target.kind} is not http`;
  if (typeof url === 'string') return Promise.resolve({ target: job.id, t, rtt: null, reason: 'error', detail: url });
  if (signal.aborted)
    return Promise.resolve({ target: job.id, t, rtt: null, reason: 'error', detail: 'engine closed' });
  const expect = target.kind === 'http' ? target.expect : undefined;
  const tls = url.protocol === 'https:';
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let secured = false;
    let sentAt = 0;
    let certExpiresAt: number | undefined;
    const settle = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      resolve({ target: job.id, t, ...o, ...(certExpiresAt === undefined ? {} : { certExpiresAt }) });
    };
    const req = (tls ? https : http).request(url, {
      method: 'GET',
      agent: false,
      maxHeaderSize: MAX_HEADER_BYTES,
      rejectUnauthorized: false,
      lookup: opts.lookup,
      headers: { 'user-agent': 'diemcau-probe', accept: '*/*', connection: 'close' },
    });
    // Ends everything this probe holds; the deadline also bounds the body read after the result.
    const end = (): void => {
      clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      req.destroy();
    };
    const fail = (o: Outcome): void => {
      settle(o);
      end();
    };
    const onAbort = (): void => fail({ rtt: null, reason: 'error', detail: 'engine closed' });
    const deadline = setTimeout(
      () => fail({ rtt: null, reason: 'timeout', detail: `no answer in ${job.timeoutMs} ms` }),
      job.timeoutMs,
    );
    signal.addEventListener('abort', onAbort);
    req.once('socket', (socket: Socket) => {
      socket.once('connect', () => {
        connected = true;
        if (!tls) sentAt = performance.now();
      });
      if (!tls) return;
      socket.once('secureConnect', () => {
        secured = true;
        const c = certOutcome(socket as TLSSocket, opts.clock.now());
        certExpiresAt = c.notAfter;
        if (c.bad) fail(c.bad);
        else sentAt = performance.now();
      });
    });
    req.once('response', (res) => {
      const rtt = Math.round((performance.now() - sentAt) * 1000) / 1000;
      settle(statusOutcome(res.statusCode ?? 0, expect, rtt));
      let body = 0;
      res.on('data', (chunk: Buffer) => {
        body += chunk.length;
        if (body > MAX_BODY_BYTES) end();
      });
      res.once('end', end);
      res.once('error', end);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (code.startsWith('HPE_')) {
        const detail = code === 'HPE_HEADER_OVERFLOW' ? `response headers over ${MAX_HEADER_BYTES} bytes` : code;
        fail({ rtt: null, reason: 'protocol', detail });
      } else if (tls && connected && !secured) {
        fail({ rtt: null, reason: 'tls', detail: code || err.message });
      } else {
        fail({ rtt: null, ...socketFailure(err) });
      }
    });
    req.once('close', () => {
      fail({ rtt: null, reason: 'reset', detail: 'connection closed before the status line' });
    });
    req.end();
  });
}

export class HttpEngine extends SpreadEngine {
  constructor(opts: SocketEngineOptions) {
    super(['http'], (job, signal) => probeHttp(job, signal, opts), opts);
  }
}

export function createHttpEngine(opts: SocketEngineOptions): HttpEngine {
  return new HttpEngine(opts);
}
