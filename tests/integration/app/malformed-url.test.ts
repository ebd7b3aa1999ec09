// Issue 18.3: a URL with a malformed percent-escape is the client's mistake. It is answered 400 with
// the usual error body, before authentication, routing and the static files, and leaves no error-level
// line (nor a stack) in the log, whoever sends it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_URL_MESSAGE } from '../../../server/http/errors';
import { api, startTestApp, tinyProvince, type TestApp } from '../../helpers/app';

const { units, points } = tinyProvince(46, 1);
let t: TestApp;
let staticDir: string;
const logLines: { level: number; msg?: string; err?: unknown; [k: string]: unknown }[] = [];

beforeAll(async () => {
  // A built dashboard of two files, so the static handler and the single-page fallback are in play.
  staticDir = mkdtempSync(join(tmpdir(), 'dc-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>diemcau</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
  const logger = pino({ level: 'trace' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  t = await startTestApp({ units, points, staticDir, logger, requestLog: true });
});
afterAll(async () => {
  await t?.dispose();
  rmSync(staticDir, { recursive: true, force: true });
});

const MALFORMED = ['/%E0', '/assets/%E0', '/api/points/%ZZ', '/api/points/%E0%A4', '/api/meetings/%/status'];

describe('[H18.3] malformed percent-escapes', () => {
  for (const path of MALFORMED) {
    for (const who of ['unauthenticated', 'authenticated'] as const) {
      it(`[H18.3] GET ${path} (${who}) is 400 bad_request, logged below error level`, async () => {
        const before = logLines.length;
        const r = await api(t, 'GET', path, undefined, who === 'authenticated' ? t.cookie : null);
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toMatch(/application\/json/);
        expect(r.json).toEqual({ error: { code: 'bad_request', message: MALFORMED_URL_MESSAGE } });
        const lines = logLines.slice(before);
        // The request was logged (pino-http and the error middleware), none of it at error level.
        expect(lines.some((l) => l.msg === 'bad request: malformed percent-escape in the URL')).toBe(true);
        expect(lines.filter((l) => l.level >= 50)).toEqual([]);
        expect(JSON.stringify(lines)).not.toMatch(/"stack"|URIError/);
      });
    }
  }

  it('[H18.3] the message is Vietnamese', () => {
    expect(MALFORMED_URL_MESSAGE).toMatch(/^Đường dẫn không hợp lệ/);
  });

  it('[H18.3] well-formed escapes still reach the dashboard, the files and the API', async () => {
    expect((await api(t, 'GET', '/x%C3%A3-%C4%91%E1%BB%93ng-l%E1%BB%99c', undefined, null)).status).toBe(200);
    expect((await api(t, 'GET', '/assets/app%2Ejs', undefined, null)).status).toBe(200);
    const c1 = await api(t, 'GET', '/api/points/%43%31');
    expect(c1).toMatchObject({ status: 200, json: { code: 'C1' } });
    const missing = await api(t, 'GET', '/api/points/X%C3%A3');
    expect(missing).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    // Without a session the API still says 401 for a well-formed URL.
    expect((await api(t, 'GET', '/api/points/C1', undefined, null)).status).toBe(401);
  });
});
