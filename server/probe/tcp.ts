// The tcp engine (docs/probes/tcp-http.md, TCP1…): a connect to host:port proves a listener (H.323
// call signalling 1720, SIP over TCP/TLS 5060/5061, HTTPS 443). rtt is the handshake alone (a name is
// resolved first, outside it); the socket is closed at once without a byte sent, so a codec's stack
// never sees a half-open session it must time out.
import net, { type LookupFunction } from 'node:net';
import { hostProblem } from '../../shared/host';
import type { ProbeReason } from '../../shared/targets';
import type { ProbeJob, TargetResult } from './kinds';
import { SpreadEngine, type SpreadEngineOptions } from './spread';

export interface SocketEngineOptions extends SpreadEngineOptions {
  /** Name resolution (default dns.lookup, the system resolver). */
  lookup?: LookupFunction;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA']);

/** A socket error as a probe's reason and detail (the errno, or the message when there is none). */
export function socketFailure(err: unknown): { reason: ProbeReason; detail: string } {
  const e = err as NodeJS.ErrnoException & { errors?: unknown[] };
  // Node's happy-eyeballs connect fails with an AggregateError holding each address's error.
  const first = (Array.isArray(e?.errors) ? e.errors[0] : undefined) as NodeJS.ErrnoException | undefined;
  const code = e?.code ?? first?.code;
  const detail = code ?? (e instanceof Error ? e.message : String(err));
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'refused', detail };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return { reason: 'unreachable', detail };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'reset', detail };
    case 'ETIMEDOUT':
      return { reason: 'timeout', detail };
    default:
      return { reason: code && DNS_CODES.has(code) ? 'dns' : 'error', detail };
  }
}

/** Why a tcp target cannot be probed, or null. */
function tcpProblem(job: ProbeJob): string | null {
  const t = job.target;
  if (t.kind !== 'tcp') return `kind ${t.kind} is not tcp`;
  if (typeof t.host !== 'string') return 'host is not a string';
  const host = hostProblem(t.host);
  if (host) return host;
  if (!(Number.isInteger(t.port) && t.port >= 1 && t.port <= 65_535)) return 'port is not 1–65535';
  return null;
}

/** One connect to `job.target`; resolves when it connected, failed, timed out or `signal` aborted. */
export function probeTcp(job: ProbeJob, signal: AbortSignal, opts: SocketEngineOptions): Promise<TargetResult> {
  const t = opts.clock.now();
  const base = { target: job.id, t };
  const problem = tcpProblem(job);
  if (problem) return Promise.resolve({ ...base, rtt: null, reason: 'error', detail: problem });
  const { host, port } = job.target as { host: string; port: number };
  if (signal.aborted) return Promise.resolve({ ...base, rtt: null, reason: 'error', detail: 'engine closed' });
  return new Promise((resolve) => {
    let start = performance.now();
    const socket = net.connect({ host, port, lookup: opts.lookup });
    const finish = (r: Omit<TargetResult, 'target' | 't'>): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...base, ...r });
    };
    const onAbort = (): void => finish({ rtt: null, reason: 'error', detail: 'engine closed' });
    const timer = setTimeout(
      () => finish({ rtt: null, reason: 'timeout', detail: `no answer in ${job.timeoutMs} ms` }),
      job.timeoutMs,
    );
    signal.addEventListener('abort', onAbort);
    socket.once('lookup', (err) => {
      if (!err) start = performance.now();
    });
    socket.once('connect', () => finish({ rtt: Math.round((performance.now() - start) * 1000) / 1000 }));
    socket.once('error', (err) => finish({ rtt: null, ...socketFailure(err) }));
  });
}

export class TcpEngine extends SpreadEngine {
  constructor(opts: SocketEngineOptions) {
    super(['tcp'], (job, signal) => probeTcp(job, signal, opts), opts);
  }
}

export function createTcpEngine(opts: SocketEngineOptions): TcpEngine {
  return new TcpEngine(opts);
}
