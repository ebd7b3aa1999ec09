// HTTP hardening through the real server: security headers and CSP, CORS closed, cross-origin writes
// refused, body size limits, and the socket's message size limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES } from '../../../server/http/security';
import {
  api,
  connectSocket,
  connected,
  startTestApp,
  tinyProvince,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

let t: TestApp;
const staticDir = mkdtempSync(join(tmpdir(), 'dc-static-'));
const sockets: TestSocket[] = [];
const { units, points } = tinyProvince(46, 1);

beforeAll(async () => {
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Giám sát điểm cầu</title>');
  t = await startTestApp({ units, points, staticDir });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
  rmSync(staticDir, { recursive: true, force: true });
});

const CSP =
  "default-src 'self';base-uri 'self';script-src 'self';script-src-attr 'none';style-src 'self';" +
  "img-src 'self' data:;font-src 'self';connect-src 'self' ws: wss:;object-src 'none';" +
  "frame-ancestors 'none';form-action 'self'";

describe('HTTP hardening', () => {
  it('sends the CSP and security headers on the dashboard and the API; no HSTS over plain HTTP', async () => {
    expect(Object.keys(CSP_DIRECTIVES)).toHaveLength(CSP.split(';').length);
    for (const path of ['/', '/some/dashboard/route', '/api/health', '/api/units']) {
      const res = await fetch(`${t.url}${path}`, { headers: { cookie: t.cookie } });
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const api1 = await fetch(`${t.url}/api/units`, { headers: { cookie: t.cookie } });
    expect(api1.headers.get('cache-control')).toBe('no-store');
  });

  it('sends no CORS header to any origin, for simple and preflight requests', async () => {
    const origin = 'http://evil.example';
    const get = await fetch(`${t.url}/api/units`, { headers: { origin, cookie: t.cookie } });
    const pre = await fetch(`${t.url}/api/points`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    for (const res of [get, pre]) {
      for (const [k] of res.headers) expect(k.startsWith('access-control-')).toBe(false);
    }
  });

  it('refuses writes whose Origin is another origin, even with a valid session cookie', async () => {
    const body = JSON.stringify({ id: 'X1', name: 'Xã Một', level: 'commune', parent: 'D1' });
    const send = (origin?: string, lang = 'vi') =>
      fetch(`${t.url}/api/units`, {
        method: 'POST',
        headers: {
          cookie: t.cookie,
          'content-type': 'application/json',
          'accept-language': lang,
          ...(origin ? { origin } : {}),
        },
        body,
      });
    for (const origin of ['http://evil.example', 'http://127.0.0.1:1', 'null']) {
      const r = await send(origin);
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
        `Không được phép: yêu cầu ghi đến từ trang khác nguồn (${origin}); hãy mở bảng điều khiển từ chính địa chỉ của máy chủ.`,
      );
    }
    const en = await send('http://evil.example', 'en');
    expect(((await en.json()) as { error: { message: string } }).error.message).toMatch(
      /^Forbidden: cross-origin request from http:\/\/evil\.example/,
    );
    expect((await api(t, 'GET', '/api/units/X1')).status).toBe(404);
    expect((await send(t.url)).status).toBe(201);
  });

  it('limits JSON bodies (1 MB; 4 kB for login) with 413', async () => {
    const big = { id: 'X2', name: 'x'.repeat(1_100_000), level: 'commune', parent: 'D1' };
    const r = await api(t, 'POST', '/api/units', big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('bad_request');
    // Only a session's requests are parsed at all: without one, a big body is refused with 401.
    expect((await api(t, 'POST', '/api/units', big, null)).status).toBe(401);
  });

  it('drops a socket whose message exceeds 64 kB, and keeps serving the others', async () => {
    const s = connectSocket(t.url, t.cookie);
    const other = connectSocket(t.url, t.cookie);
    sockets.push(s, other);
    await Promise.all([connected(s), connected(other)]);
    const gone = new Promise<string>((resolve) => s.on('disconnect', resolve));
    (s.emit as (ev: string, p: unknown) => void)('meeting:join', { meetingId: 'x'.repeat(70_000) });
    expect(await gone).toBe('transport close');
    const r = await other.timeout(5_000).emitWithAck('meeting:join', { meetingId: 'NOPE' });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
