// The import routes as mounted by createApp: importing points and parsing invitations are admin work;
// exports are reads any session may make; without a session, nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tinyProvince, userCookie, type TestApp } from '../../helpers/app';

const { units, points } = tinyProvince(45, 2);
const CSV = 'Tên điểm cầu,Xã/Phường,Địa chỉ IP\nĐiểm cầu xã Số 1,C1,127.45.1.1\n';
let t: TestApp;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({ units, points });
  cookies.admin = t.cookie;
  cookies.technician = await userCookie(t, 'kythuat', 'technician');
  cookies.viewer = await userCookie(t, 'xem', 'viewer');
});
afterAll(async () => t?.dispose());

async function send(method: string, path: string, cookie: string | null, body?: string, type = 'text/csv') {
  const headers: Record<string, string> = { 'x-filename': encodeURIComponent('ds.csv') };
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = type;
  return (await fetch(`${t.url}${path}`, { method, headers, body })).status;
}

describe('import routes in the app', () => {
  it.each([
    ['admin', 200],
    ['technician', 403],
    ['viewer', 403],
  ])('POST /api/import/points/preview as %s → %i', async (role, status) => {
    expect(await send('POST', '/api/import/points/preview', cookies[role]!, CSV)).toBe(status);
  });

  it.each([
    ['admin', 400],
    ['technician', 403],
    ['viewer', 403],
  ])(
    'POST /api/invitations/parse as %s → %i (admin reaches the parser, which refuses an empty upload)',
    async (role, status) => {
      expect(await send('POST', '/api/invitations/parse', cookies[role]!, '', 'text/plain')).toBe(status);
    },
  );

  it.each(['admin', 'technician', 'viewer'])('GET /api/export/points.csv as %s → 200', async (role) => {
    expect(await send('GET', '/api/export/points.csv', cookies[role]!)).toBe(200);
  });

  it('refuses every import route without a session', async () => {
    expect(await send('POST', '/api/import/points/preview', null, CSV)).toBe(401);
    expect(await send('GET', '/api/export/points.csv', null)).toBe(401);
  });
});
