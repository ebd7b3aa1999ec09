// One HTTPS request to a codec's API. Every request opens its own connection and closes it (no agent,
// `Connection: close`): some Poly units hang on a connection held between polls, and a poll every few
// seconds gains nothing from keep-alive. Codecs ship self-signed certificates, so the certificate is
// checked only when the target asks for it (verifyTls).
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeReason } from '../../../shared/targets';

/** An API answer larger than this is not a status document (RoomOS's whole /Status is ~200 KB). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface CodecEndpoint {
  host: string;
  port?: number;
  verifyTls: boolean;
}

export interface CodecHttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface CodecHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Request sent → last byte of the answer, in ms. */
  ms: number;
}

/** A failed poll, as the reason the engine reports; `detail` never holds a credential. */
export class CodecFailure extends Error {
  constructor(
    readonly reason: ProbeReason,
    readonly detail: string,
    readonly code?: number,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'CodecFailure';
  }
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|EPROTO$|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|CERT_|ERR_OSSL_)/;

/** A socket or TLS error as a probe reason. */
export function failureOf(err: unknown): CodecFailure {
  if (err instanceof CodecFailure) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  if (code === 'CERT_HAS_EXPIRED') return new CodecFailure('cert-expired', code);
  if (TLS_CODES.test(code)) return new CodecFailure('tls', code);
  switch (code) {
    case 'ECONNREFUSED':
      return new CodecFailure('refused', code);
    case 'ETIMEDOUT':
      return new CodecFailure('timeout', code);
    case 'ECONNRESET':
    case 'EPIPE':
      return new CodecFailure('reset', code);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new CodecFailure('unreachable', code);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CodecFailure('dns', code);
    default:
      return new CodecFailure('error', code || (e instanceof Error ? e.message : String(err)));
  }
}

/** Sends one request; rejects with a CodecFailure (timeout when `signal` fires first). */
export function codecRequest(
  to: CodecEndpoint,
  req: CodecHttpRequest,
  signal: AbortSignal,
): Promise<CodecHttpResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CodecFailure('timeout', 'no answer within the poll timeout'));
    const started = performance.now();
    const headers: Record<string, string> = { connection: 'close', accept: '*/*', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = httpsRequest({
      host: to.host,
      port: to.port ?? 443,
      method: req.method,
      path: req.path,
      headers,
      agent: false,
      rejectUnauthorized: to.verifyTls,
      // SNI carries names only; an IP literal there is a protocol error some stacks log.
      ...(isIP(to.host) ? {} : { servername: to.host }),
    });
    // Rejecting first: whatever error the destroyed socket raises afterwards is moot.
    const onAbort = (): void => {
      reject(new CodecFailure('timeout', 'no answer within the poll timeout'));
      r.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal.removeEventListener('abort', onAbort);
    r.on('error', (err) => {
      done();
      reject(failureOf(err));
    });
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) {
          done();
          reject(new CodecFailure('protocol', `answer larger than ${MAX_BODY_BYTES} bytes`));
          r.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        done();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        });
      });
      res.on('error', (err) => {
        done();
        reject(failureOf(err));
      });
    });
    r.end(req.body);
  });
}

/** The value of cookie `name` among the answer's Set-Cookie headers. */
export function cookieOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The status line's words for a detail ("503 Service Unavailable"). */
export const statusDetail = (res: CodecHttpResponse, what: string): string => `${what}: HTTP ${res.status}`;
