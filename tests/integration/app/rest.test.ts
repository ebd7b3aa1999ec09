// The REST API as integrators use it: JSON in and out, instants with offset, clear 4xx errors, and a
// refused change leaves the inventory as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../../shared/schemas';
import { meetingNow, point, startTestApp, tinyProvince, userCookie, waitFor, type TestApp } from '../../helpers/app';

const { units, points } = tinyProvince(43, 2);
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('M', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 500 },
  });
});
afterAll(async () => t?.dispose());

async function call(
  method: string,
  path: string,
  body?: unknown,
  lang?: string,
  extra: { cookie?: string | null; origin?: string } = {},
): Promise<{ status: number; json: any }> {
  const cookie = extra.cookie === undefined ? t.cookie : extra.cookie;
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      ...(cookie === null ? {} : { cookie }),
      ...(extra.origin === undefined ? {} : { origin: extra.origin }),
      ...(lang === undefined ? {} : { 'accept-language': lang }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const newPoint = (over: Partial<Point> = {}): Point => ({
  ...point('C9', 'Điểm cầu xã Chín', 'commune', 'C1', '127.43.9.9'),
  ...over,
});

describe('REST API', () => {
  it('GET /api/health names the engine and the protocol', async () => {
    const r = await call('GET', '/api/health');
    expect(r).toMatchObject({ status: 200, json: { ok: true, engine: 'fping', protocol: 4 } });
  });

  it('lists units, points and meetings; a meeting carries its id and phase', async () => {
    expect((await call('GET', '/api/units')).json).toHaveLength(units.length);
    const pts = (await call('GET', '/api/points')).json as Point[];
    expect(pts.map((p) => p.code).sort()).toEqual(points.map((p) => p.code).sort());
    expect(pts[0]!.targets[0]).toMatchObject({ kind: 'icmp', role: 'primary' });
    const m = await call('GET', '/api/meetings/M');
    expect(m.json).toMatchObject({ id: 'M', phase: 'live' });
  });

  it('creates, reads, updates and deletes a point', async () => {
    const created = await call('POST', '/api/points', newPoint());
    expect(created.status).toBe(201);
    expect((await call('POST', '/api/points', newPoint())).status).toBe(409);
    const updated = await call('PUT', '/api/points/C9', { ...newPoint(), name: 'Điểm cầu xã Chín (mới)' });
    expect(updated.status).toBe(200);
    expect((await call('GET', '/api/points/C9')).json.name).toBe('Điểm cầu xã Chín (mới)');
    expect((await call('PUT', '/api/points/C9', { ...newPoint(), code: 'OTHER' })).status).toBe(400);
    expect((await call('DELETE', '/api/points/C9')).status).toBe(204);
    expect((await call('GET', '/api/points/C9')).status).toBe(404);
    expect((await call('GET', '/api/points/C9')).json.error.message).toBe('không có điểm cầu C9');
    expect((await call('GET', '/api/points/C9', undefined, 'en-GB,en;q=0.9')).json.error.message).toBe('no point C9');
  });

  it('refuses a host that could inject arguments, naming the field, and applies nothing', async () => {
    for (const host of ['-f', '127.0.0.1 -c 9', '$(reboot)', 'a\nb']) {
      const r = await call('POST', '/api/points', newPoint({ targets: [{ kind: 'icmp', host, role: 'primary' }] }));
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('bad_request');
      expect(Object.keys(r.json.error.fields)).toContain('targets[0].host');
    }
    expect((await call('GET', '/api/points/C9')).status).toBe(404);
    expect((await call('GET', '/api/points/C9')).json.error.message).toBe('không có điểm cầu C9');
    expect((await call('GET', '/api/points/C9', undefined, 'en-GB,en;q=0.9')).json.error.message).toBe('no point C9');
  });

  it('[WE3] refuses references that do not resolve, and changes that would orphan points, in the asked language', async () => {
    const r = await call('POST', '/api/points', newPoint({ unit: 'NOWHERE' }));
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe('điểm cầu C9, trường “unit”: không có đơn vị NOWHERE');
    expect(r.json.error.fields).toEqual({ 'points[C9].unit': 'không có đơn vị NOWHERE' });
    // [WE3] The same refusal in English when the dashboard asks for it.
    const en = await call('POST', '/api/points', newPoint({ unit: 'NOWHERE' }), 'en');
    expect(en.json.error.message).toBe('point C9, field "unit": no unit NOWHERE');
    expect(en.json.error.fields).toEqual({ 'points[C9].unit': 'no unit NOWHERE' });
    const del = await call('DELETE', '/api/units/C1');
    expect(del.status).toBe(400);
    expect(del.json.error.message).toMatch(/điểm cầu C1, trường “unit”: không có đơn vị C1/);
    expect((await call('GET', '/api/units/C1')).status).toBe(200);
    const dup = await call(
      'POST',
      '/api/points',
      newPoint({ targets: [{ kind: 'icmp', host: '127.43.1.1', role: 'primary' }] }),
    );
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toMatch(/địa chỉ 127\.43\.1\.1 đã thuộc điểm cầu C1/);
  });

  it('answers malformed requests with JSON errors', async () => {
    expect((await call('POST', '/api/points', '{"code":')).status).toBe(400);
    expect((await call('POST', '/api/points', [1, 2])).status).toBe(400);
    expect((await call('GET', '/api/outages?from=yesterday')).json.error.fields).toHaveProperty(['query.from']);
    expect((await call('GET', '/api/outages?bogus=1')).status).toBe(400);
    const nf = await call('GET', '/api/nothing-here');
    expect(nf).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await call('GET', '/api/meetings/NOPE/status')).status).toBe(404);
  });

  it('GET /api/meetings/:id/status gives a row per participating point', async () => {
    const rows = await waitFor('statuses up', async () => {
      const r = (await call('GET', '/api/meetings/M/status')).json as { state: string }[];
      return r.length === points.length && r.every((x) => x.state === 'up') ? r : undefined;
    });
    expect(rows[0]).toEqual({
      code: expect.any(String),
      state: 'up',
      rtt: expect.any(Number),
      loss: 0,
      jitter: expect.any(Number),
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$/),
      backup: null,
      line: 'up',
      endpoint: null,
      inCall: null,
      // [TG8] Its one target, the primary line, with the point's own state.
      targets: [
        expect.objectContaining({ kind: 'icmp', role: 'primary', id: expect.stringMatching(/^icmp:/), state: 'up' }),
      ],
    });
  });

  it('GET /api/points/:code/samples returns the 10 s rollups once flushed', async () => {
    await new Promise((r) => setTimeout(r, 1_500));
    // Flush every bucket now rather than waiting for the 10 s buckets to close.
    await t.app.inProcess!.rollups.flush(Date.now() + 60_000, { all: true });
    const r = await call('GET', '/api/points/C1/samples');
    expect(r.status).toBe(200);
    expect(r.json.length).toBeGreaterThan(0);
    const s = r.json[0];
    expect(s).toMatchObject({ point: 'C1', target: 'icmp:127.43.1.1' });
    expect(s.sent).toBeGreaterThan(0);
    expect(s.received).toBe(s.sent);
    expect(s.t).toMatch(/\+07:00$/);
    expect(Date.parse(s.t) % 10_000).toBe(0);
    expect((await call('GET', '/api/points/C1/samples?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z')).status).toBe(
      400,
    );
  });

  it('[WE6] a refusal of each family is Vietnamese by default and English with Accept-Language: en', async () => {
    const viewer = await userCookie(t, 'xem.we6', 'viewer');
    const templates = (await call('GET', '/api/checklist/templates')).json as { id: string; isDefault: boolean }[];
    const defaultId = templates.find((x) => x.isDefault)!.id;
    const cases: {
      name: string;
      send: (lang?: string) => Promise<{ status: number; json: any }>;
      status: number;
      vi: string | RegExp;
      en: string | RegExp;
    }[] = [
      {
        name: 'no route',
        send: (lang) => call('GET', '/api/khong-co', undefined, lang),
        status: 404,
        vi: 'không có đường dẫn GET /api/khong-co',
        en: 'no route GET /api/khong-co',
      },
      {
        name: 'not logged in',
        send: (lang) => call('GET', '/api/units', undefined, lang, { cookie: null }),
        status: 401,
        vi: 'Chưa đăng nhập: hãy đăng nhập trước.',
        en: 'Unauthorized: log in first.',
      },
      {
        name: 'role',
        send: (lang) => call('DELETE', '/api/units/C1', undefined, lang, { cookie: viewer }),
        status: 403,
        vi: /^Không được phép: chỉ quản trị viên mới được sửa đơn vị, điểm cầu và hội nghị; tài khoản “xem\.we6” là người xem\.$/,
        en: /^Forbidden: only admin may change units, points and meetings; "xem\.we6" is viewer\.$/,
      },
      {
        name: 'cross-origin',
        send: (lang) => call('DELETE', '/api/units/C1', undefined, lang, { origin: 'http://evil.example' }),
        status: 403,
        vi: /^Không được phép: yêu cầu ghi đến từ trang khác nguồn/,
        en: /^Forbidden: cross-origin request from http:\/\/evil\.example/,
      },
      {
        name: 'user exists',
        send: (lang) =>
          call('POST', '/api/users', { name: 'admin', role: 'viewer', password: 'mười-ký-tự-trở-lên' }, lang),
        status: 409,
        vi: 'tài khoản admin đã có',
        en: 'user admin exists',
      },
      {
        name: 'display link',
        send: (lang) => call('DELETE', '/api/display-links/999999', undefined, lang),
        status: 404,
        vi: 'không có liên kết màn hình số 999999',
        en: 'no display link #999999',
      },
      {
        name: 'display link for a meeting that does not exist',
        send: (lang) => call('POST', '/api/display-links', { label: 'Phòng họp', meeting: 'KHONG-CO' }, lang),
        status: 404,
        vi: 'không có hội nghị KHONG-CO',
        en: 'no meeting KHONG-CO',
      },
      {
        name: 'checklist template',
        send: (lang) => call('DELETE', `/api/checklist/templates/${defaultId}`, undefined, lang),
        status: 400,
        vi: 'id: không xoá được mẫu mặc định',
        en: 'id: the default template cannot be deleted',
      },
    ];
    for (const c of cases) {
      const vi = await c.send();
      expect([c.name, vi.status]).toEqual([c.name, c.status]);
      expect([c.name, vi.json.error.message]).toEqual([c.name, expect.stringMatching(c.vi)]);
      const en = await c.send('en');
      expect([c.name, en.status]).toEqual([c.name, c.status]);
      expect([c.name, en.json.error.message]).toEqual([c.name, expect.stringMatching(c.en)]);
      // The machine-readable code is the same in both languages.
      expect(en.json.error.code).toBe(vi.json.error.code);
    }
  });
});
