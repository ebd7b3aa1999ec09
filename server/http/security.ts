// HTTP hardening: security headers (helmet) with a Content-Security-Policy the built dashboard passes,
// no CORS at all (no Access-Control-* header is ever sent), and a same-origin check on every write so
// a page on another origin of the same site (another port of this host), which SameSite=Strict
// cookies do not stop, cannot make a logged-in browser change anything.
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { ForbiddenError } from '../auth/errors';
import { words } from '../../shared/words';

export interface SecurityOptions {
  /** Served over HTTPS (directly or behind a proxy): HSTS on. */
  secure: boolean;
}

/** The CSP, also for tests and docs/SECURITY.md. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  // React sets style properties through the CSSOM (element.style), which CSP does not restrict;
  // no inline <style> or style="" markup is needed, so no 'unsafe-inline'.
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

export function securityHeaders(o: SecurityOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, [...v]])),
    },
    // On plain HTTP, HSTS is ignored by browsers anyway; behind HTTPS it pins the site to HTTPS.
    strictTransportSecurity: o.secure ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** Whether an Origin header names the host the request was sent to (any scheme). */
export function originMatchesHost(origin: string, hosts: readonly (string | undefined)[]): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" (sandboxed frames, file:) and garbage
  }
  return hosts.some((h) => h !== undefined && h.toLowerCase() === host.toLowerCase());
}

/**
 * A browser sends Origin on every cross-origin request and on WebSocket handshakes. Absent: not a
 * browser (curl, scripts): the cookie check still applies. Behind a proxy, forward the Host header
 * (`proxy_set_header Host $http_host`) or, with trust proxy, X-Forwarded-Host.
 */
export function sameOrigin(headers: IncomingHttpHeaders, trustProxy: boolean): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const forwarded = trustProxy ? headerValue(headers['x-forwarded-host'])?.split(',')[0]?.trim() : undefined;
  return originMatchesHost(origin, [headers.host, forwarded]);
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOriginWrites(trustProxy: boolean): RequestHandler {
  return (req, _res, next) => {
    if (!SAFE.has(req.method) && !sameOrigin(req.headers, trustProxy)) {
      const origin = String(req.headers.origin).slice(0, 200);
      throw new ForbiddenError(
        words(
          `Không được phép: yêu cầu ghi đến từ trang khác nguồn (${origin}); hãy mở bảng điều khiển từ chính địa chỉ của máy chủ.`,
          `Forbidden: cross-origin request from ${origin}; open the dashboard from the server's own address.`,
        ),
      );
    }
    next();
  };
}
