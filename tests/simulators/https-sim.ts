// The HTTPS front both codec simulators share: a real TLS listener on loopback with a self-signed
// certificate, a log of what it was asked, and a `stallMs` knob for a codec that hangs.
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { selfSignedCert, type SelfSigned } from './tls';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  cookies: Record<string, string>;
  body: string;
}

export type SimHandler = (req: SimRequest, res: ServerResponse) => void | Promise<void>;

const MAX_LOG = 2_000;

export class HttpsSimulator {
  /** The last requests, oldest first. */
  readonly requests: SimRequest[] = [];
  /** Delay before any answer (a hung codec when longer than the client's timeout). */
  stallMs = 0;
  /** Answer every request but the login with a 200 HTML page (a proxy or a captive portal in the way). */
  garbage = false;
  private server: Server | undefined;
  private port = 0;
  private readonly stalls = new Set<NodeJS.Timeout>();

  constructor(
    private readonly handler: SimHandler,
    readonly host = '127.0.0.1',
    private readonly tls: SelfSigned = selfSignedCert(host),
  ) {}

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  async start(): Promise<void> {
    const server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'https://sim');
        const cookies: Record<string, string> = {};
        for (const part of (req.headers.cookie ?? '').split(';')) {
          const eq = part.indexOf('=');
          if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
        }
        const r: SimRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          cookies,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.requests.push(r);
        if (this.requests.length > MAX_LOG) this.requests.shift();
        const answer = (): void => {
          if (this.garbage && r.method === 'GET') {
            res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Đăng nhập</body></html>');
            return;
          }
          Promise.resolve(this.handler(r, res)).catch(() => res.writeHead(500).end());
        };
        if (this.stallMs <= 0) return answer();
        const t = setTimeout(() => {
          this.stalls.delete(t);
          if (!res.destroyed) answer();
        }, this.stallMs);
        this.stalls.add(t);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const t of this.stalls) clearTimeout(t);
    this.stalls.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const newSessionId = (): string =>
  Array.from(
    { length: 40 },
    () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 62)],
  ).join('');
