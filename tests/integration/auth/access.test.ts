// Who may do what, through the real app: every mutating REST route and every socket event, for each
// role (allowed and refused), a unit-limited technician's scope, and no access without a session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type Ack } from '../../../shared/protocol';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import type { Point, Unit } from '../../../shared/schemas';
import {
  api,
  connectError,
  connectSocket,
  connected,
  meetingNow,
  point,
  startTestApp,
  tinyProvince,
  userCookie,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const base = tinyProvince(44, 2);
// A second district, so a technician limited to D1 has points outside their scope.
const units: Unit[] = [
  ...base.units,
  { id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' },
  { id: 'C3', name: 'Xã Ba', level: 'commune', parent: 'D2' },
];
const points: Point[] = [...base.points, point('C3', 'Điểm cầu xã Ba', 'commune', 'C3', '127.44.2.3')];

let t: TestApp;
const cookies: Record<string, string> = {};
const sockets: TestSocket[] = [];
const ROLES = ['admin', 'technician', 'viewer'] as const;

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('M', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 2_000 },
  });
  cookies.admin = t.cookie;
  cookies.technician = await userCookie(t, 'kt', 'technician');
  cookies.viewer = await userCookie(t, 'xem', 'viewer');
  cookies.techD1 = await userCookie(t, 'kt.d1', 'technician', ['D1']);
  cookies.techD2 = await userCookie(t, 'kt.d2', 'technician', ['D2']);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

interface Route {
  name: string;
  /** What the admin's run answers (default: [okStatus]); see asAdmin for the multi-step routes. */
  adminStatuses?: number[];
  /** A fresh request each time (unique keys); `probe` is read before and after a refusal: unchanged. */
  make: (i: number) => { method: string; path: string; body?: unknown; probe?: string; okStatus: number };
}

const unitBody = (id: string): Unit => ({ id, name: `Xã ${id}`, level: 'commune', parent: 'D1' });
const pointBody = (code: string, i: number): Point =>
  point(code, `Điểm cầu ${code}`, 'commune', 'C1', `127.44.9.${(i % 250) + 1}`);

// Each route is tried by every role on its own fresh entity; PUT/DELETE get one created by the admin.
const ROUTES: Route[] = [
  {
    name: 'POST /api/units',
    make: (i) => ({
      method: 'POST',
      path: '/api/units',
      body: unitBody(`U${i}`),
      probe: `/api/units/U${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'PUT /api/units/:id',
    make: (i) => ({
      method: 'PUT',
      path: `/api/units/U${i}`,
      body: unitBody(`U${i}`),
      probe: `/api/units/U${i}`,
      okStatus: 201,
    }),
  },
  // A unit still used by a point cannot go: the admin passes the access check and meets the rule (400).
  {
    name: 'DELETE /api/units/:id',
    adminStatuses: [400],
    make: () => ({ method: 'DELETE', path: '/api/units/C2', probe: '/api/units/C2', okStatus: 400 }),
  },
  {
    name: 'POST /api/points',
    make: (i) => ({
      method: 'POST',
      path: '/api/points',
      body: pointBody(`X${i}`, i),
      probe: `/api/points/X${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'PUT /api/points/:code',
    make: (i) => ({
      method: 'PUT',
      path: `/api/points/X${i}`,
      body: pointBody(`X${i}`, i),
      probe: `/api/points/X${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'DELETE /api/points/:code',
    adminStatuses: [204, 201],
    make: () => ({ method: 'DELETE', path: '/api/points/C2', probe: '/api/points/C2', okStatus: 204 }),
  },
  {
    name: 'POST /api/meetings',
    make: (i) => ({
      method: 'POST',
      path: '/api/meetings',
      body: meetingNow(`N${i}`, 'lineTest', { points: ['C1'] }),
      probe: `/api/meetings/N${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'PUT /api/meetings/:id',
    make: (i) => ({
      method: 'PUT',
      path: `/api/meetings/N${i}`,
      body: meetingNow(`N${i}`, 'lineTest', { points: ['C1'] }),
      probe: `/api/meetings/N${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'DELETE /api/meetings/:id',
    adminStatuses: [204, 201],
    make: () => ({ method: 'DELETE', path: '/api/meetings/M', probe: '/api/meetings/M', okStatus: 204 }),
  },
  { name: 'GET /api/users', make: () => ({ method: 'GET', path: '/api/users', okStatus: 200 }) },
  {
    name: 'POST /api/users',
    make: (i) => ({
      method: 'POST',
      path: '/api/users',
      body: { name: `new${i}`, password: 'mười-ký-tự-ít-nhất', role: 'viewer' },
      probe: `/api/users/new${i}`,
      okStatus: 201,
    }),
  },
  {
    name: 'PUT /api/users/:name',
    make: () => ({
      method: 'PUT',
      path: '/api/users/xem',
      body: { role: 'viewer', displayName: 'Màn hình phòng họp' },
      probe: '/api/users/xem',
      okStatus: 200,
    }),
  },
  {
    name: 'DELETE /api/users/:name',
    adminStatuses: [201, 204],
    make: (i) => ({ method: 'DELETE', path: `/api/users/gone${i}`, okStatus: 204 }),
  },
];

let seq = 0;

/**
 * The admin's run of a route; returns the statuses seen. Deletions of fixtures are undone (and users
 * to delete are made first) so every other test still finds them.
 */
async function asAdmin(route: Route, i: number): Promise<number[]> {
  const req = route.make(i);
  const statuses: number[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await api(t, method, path, body);
    statuses.push(r.status);
    return r;
  };
  const restore: Record<string, () => Promise<unknown>> = {
    '/api/points/C2': () =>
      call(
        'POST',
        '/api/points',
        points.find((p) => p.code === 'C2'),
      ),
  };
  if (req.path === `/api/users/gone${i}`) {
    await call('POST', '/api/users', { name: `gone${i}`, password: 'mười-ký-tự-ít-nhất', role: 'viewer' });
  }
  const meeting = req.path === '/api/meetings/M' ? (await api(t, 'GET', '/api/meetings/M')).json : null;
  await call(req.method, req.path, req.body);
  await restore[req.path]?.();
  if (meeting) {
    // `phase` and `size` are the server's view of the meeting, not fields of it (PUT refuses them).
    const { phase: _phase, size: _size, ...body } = meeting;
    await call('PUT', '/api/meetings/M', body);
  }
  return statuses;
}

describe('REST: each role × each mutating route', () => {
  for (const route of ROUTES) {
    for (const role of ['technician', 'viewer', 'techD1'] as const) {
      it(`${route.name}: ${role} is refused with 403 and nothing changes`, async () => {
        const req = route.make(++seq);
        const before = await api(t, 'GET', req.probe ?? '/api/units');
        const r = await api(t, req.method, req.path, req.body, cookies[role]);
        expect(r.status).toBe(403);
        expect(r.json.error.code).toBe('forbidden');
        expect(r.json.error.message).toMatch(/^Không được phép: chỉ quản trị viên mới được/);
        expect(await api(t, 'GET', req.probe ?? '/api/units')).toMatchObject({
          status: before.status,
          json: before.json,
        });
      });
    }
    it(`${route.name}: refused with 401 without a session`, async () => {
      const req = route.make(++seq);
      const r = await api(t, req.method, req.path, req.body, null);
      expect(r).toMatchObject({ status: 401, json: { error: { code: 'unauthorized' } } });
    });
    it(`${route.name}: an admin may`, async () => {
      expect(await asAdmin(route, ++seq)).toEqual(route.adminStatuses ?? [route.make(seq).okStatus]);
    });
  }
});

describe('REST: reads', () => {
  const READS = [
    '/api/units',
    '/api/points',
    '/api/points/C1',
    '/api/meetings',
    '/api/meetings/M',
    '/api/meetings/M/status',
    '/api/meetings/M/gaps',
    '/api/gaps',
    '/api/outages',
    '/api/points/C1/samples',
    '/api/auth/me',
  ];
  it('every role may read; nobody without a session may', async () => {
    for (const path of READS) {
      for (const role of ROLES)
        expect([path, role, (await api(t, 'GET', path, undefined, cookies[role])).status]).toEqual([path, role, 200]);
      expect([path, (await api(t, 'GET', path, undefined, null)).status]).toEqual([path, 401]);
      expect([
        path,
        (await api(t, 'GET', path, undefined, 'diemcau_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status,
      ]).toEqual([path, 401]);
    }
    // The health check and unknown API paths: health is public, an unknown path is 401 before 404.
    expect((await api(t, 'GET', '/api/health', undefined, null)).status).toBe(200);
    expect((await api(t, 'GET', '/api/nothing', undefined, null)).status).toBe(401);
    expect((await api(t, 'GET', '/api/nothing')).status).toBe(404);
  });
});

async function socketFor(cookie: string, auth: Record<string, unknown> = {}): Promise<TestSocket> {
  const s = connectSocket(t.url, cookie, PROTOCOL_VERSION, auth);
  sockets.push(s);
  await connected(s);
  return s;
}

type Emit = (ev: string, p: unknown) => Promise<Ack<unknown>>;
const emit = (s: TestSocket, ev: string, p: unknown): Promise<Ack<unknown>> =>
  (s.timeout(15_000).emitWithAck as unknown as Emit)(ev, p);

describe('Socket.IO: each role × each event', () => {
  const CASES: { event: string; payload: unknown; allowed: readonly string[] }[] = [
    {
      event: 'meeting:join',
      payload: { meetingId: 'M' },
      allowed: ['admin', 'technician', 'viewer', 'techD1', 'techD2'],
    },
    {
      event: 'meeting:leave',
      payload: { meetingId: 'M' },
      allowed: ['admin', 'technician', 'viewer', 'techD1', 'techD2'],
    },
    { event: 'point:test', payload: { code: 'C1' }, allowed: ['admin', 'technician', 'techD1'] },
    { event: 'point:test', payload: { code: 'C3' }, allowed: ['admin', 'technician', 'techD2'] },
    { event: 'point:test', payload: { code: 'D1' }, allowed: ['admin', 'technician', 'techD1'] },
    { event: 'point:test', payload: { code: 'P' }, allowed: ['admin', 'technician'] },
  ];
  for (const c of CASES) {
    for (const role of ['admin', 'technician', 'viewer', 'techD1', 'techD2']) {
      const allowed = c.allowed.includes(role);
      it(`${c.event} ${JSON.stringify(c.payload)}: ${role} ${allowed ? 'may' : 'is refused'}`, async () => {
        const s = await socketFor(cookies[role]!);
        const r = await emit(s, c.event, c.payload);
        expect(r.ok ? 'ok' : r.error.code).toBe(allowed ? 'ok' : 'forbidden');
        expect(r.ok || r.error.message.startsWith('Không được phép: ')).toBe(true);
        // A refusal does not end the connection.
        expect(s.connected).toBe(true);
      });
    }
  }

  it('a viewer is refused point:test whatever the payload, before it is parsed', async () => {
    const s = await socketFor(cookies.viewer!);
    expect(await emit(s, 'point:test', { code: 5 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await emit(s, 'point:test', { code: 'ZZ' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a limited technician gets not_found for an unknown point, bad_request for a bad payload', async () => {
    const s = await socketFor(cookies.techD1!);
    expect(await emit(s, 'point:test', { code: 'ZZ' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await emit(s, 'point:test', { code: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it("[WE7] acks are worded in the socket's language: Vietnamese by default, auth.lang, then session:lang", async () => {
    const vi = await socketFor(cookies.techD1!);
    const refusedVi = await emit(vi, 'point:test', { code: 'C3' });
    expect(refusedVi).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(!refusedVi.ok && refusedVi.error.message).toBe(
      'Không được phép: tài khoản “kt.d1” chỉ được “kiểm tra ngay” một điểm cầu trong đơn vị D1; ' +
        'điểm cầu C3 (đơn vị C3) nằm ngoài.',
    );
    const missingVi = await emit(vi, 'point:test', { code: 'ZZ' });
    expect(!missingVi.ok && missingVi.error.message).toBe('không có điểm cầu ZZ');
    const badVi = await emit(vi, 'point:test', { code: '' });
    expect(!badVi.ok && badVi.error).toMatchObject({
      message: 'Dữ liệu gửi kèm point:test không hợp lệ.',
      fields: { code: expect.stringMatching(/^(?!.*\b(must|invalid|expected)\b)/) },
    });

    const en = await socketFor(cookies.techD1!, { lang: 'en' });
    const refusedEn = await emit(en, 'point:test', { code: 'C3' });
    expect(!refusedEn.ok && refusedEn.error.message).toBe(
      'Forbidden: "kt.d1" may run "test now" on a point only within D1; point C3 (unit C3) is outside.',
    );
    const missingEn = await emit(en, 'point:test', { code: 'ZZ' });
    expect(!missingEn.ok && missingEn.error.message).toBe('no point ZZ');
    const badEn = await emit(en, 'point:test', { code: '' });
    expect(!badEn.ok && badEn.error.message).toBe('The data sent with point:test is not valid.');
    const viewer = await socketFor(cookies.viewer!, { lang: 'en' });
    const byRole = await emit(viewer, 'point:test', { code: 'C1' });
    expect(!byRole.ok && byRole.error.message).toBe(
      'Forbidden: only admin or technician may run "test now" on a point; "xem" is viewer.',
    );

    // The dashboard switches language on an open socket: the next ack follows; junk changes nothing.
    expect(await emit(en, 'session:lang', 'vi')).toEqual({ ok: true, data: 'vi' });
    const back = await emit(en, 'point:test', { code: 'ZZ' });
    expect(!back.ok && back.error.message).toBe('không có điểm cầu ZZ');
    expect(await emit(en, 'session:lang', 42)).toEqual({ ok: true, data: 'vi' });
    expect(await emit(en, 'session:lang', 'en-US')).toEqual({ ok: true, data: 'en' });
    const again = await emit(en, 'point:test', { code: 'ZZ' });
    expect(!again.ok && again.error.message).toBe('no point ZZ');
  });

  it('a role change applies to the next event of an open socket', async () => {
    const cookie = await userCookie(t, 'kt.doi', 'technician');
    const s = await socketFor(cookie);
    expect((await emit(s, 'point:test', { code: 'C1' })).ok).toBe(true);
    expect((await api(t, 'PUT', '/api/users/kt.doi', { role: 'viewer' })).status).toBe(200);
    expect(await emit(s, 'point:test', { code: 'C1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const snap = (await emit(s, 'meeting:join', { meetingId: 'M' })) as Ack<PackedSnapshot>;
    expect(snap.ok && (await unpackSnapshot(snap.data)).meeting.id).toBe('M');
  });

  it('refuses a handshake without a session, with a bad one, or from another origin', async () => {
    const none = connectSocket(t.url);
    sockets.push(none);
    expect((await connectError(none)).message).toBe('unauthorized');
    const forged = connectSocket(t.url, 'diemcau_session=wbW3W_H8CiZxHp6pRRDh17XV8FjZ_8IUO_2qy2VDCfk');
    sockets.push(forged);
    expect((await connectError(forged)).message).toBe('unauthorized');
    const { io } = await import('socket.io-client');
    const evil = io(t.url, {
      transports: ['websocket'],
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: cookies.admin!, origin: 'http://evil.example:8080' },
    });
    sockets.push(evil as TestSocket);
    expect((await connectError(evil as TestSocket)).message).toBe('forbidden: cross-origin');
    const same = io(t.url, {
      transports: ['websocket'],
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: cookies.admin!, origin: t.url },
    });
    sockets.push(same as TestSocket);
    await connected(same as TestSocket);
  });
});
