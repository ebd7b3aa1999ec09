// Display links through the real app (docs/SPEC.md WD1–WD5): an admin creates, lists and revokes them;
// a wall screen signs in with the token and gets a display cookie that reads its meeting's snapshot
// and live status over Socket.IO and nothing else; revocation cuts a connected screen at once; the
// link survives a restart on the same SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDisplayLink, DisplayLinkView, DisplayMe } from '../../../shared/display';
import { io as connect } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack } from '../../../shared/protocol';
import type { OverviewSnapshot } from '../../../shared/overview';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import {
  api,
  connectError,
  connectSocket,
  connected,
  meetingNow,
  startTestApp,
  tinyProvince,
  userCookie,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const { units, points } = tinyProvince(46, 2);
const HOUR = 3_600_000;
// M is live now (the current meeting); OTHER ended yesterday.
const meetings = [
  meetingNow('M', 'live'),
  { ...meetingNow('OTHER', 'live', undefined, Date.now() - 30 * HOUR), title: 'Hội nghị hôm qua' },
];

let t: TestApp;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  t = await startTestApp({ units, points, meetings, cadence: { idleMs: 60_000, lineTestMs: 5_000, liveMs: 5_000 } });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

async function create(label: string, meeting: string | null): Promise<CreatedDisplayLink> {
  const r = await api(t, 'POST', '/api/display-links', { label, meeting });
  expect(r.status).toBe(201);
  return r.json as CreatedDisplayLink;
}

/** Signs a screen in with the token; returns its display cookie (`name=value`). */
async function signIn(token: string): Promise<string> {
  const r = await api(t, 'POST', '/api/display/session', { token }, null);
  expect(r.status).toBe(200);
  const set = r.headers.get('set-cookie') ?? '';
  expect(set).toMatch(/^diemcau_display=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
  return set.split(';')[0]!;
}

async function socketFor(cookie: string): Promise<TestSocket> {
  const s = connectSocket(t.url, cookie);
  sockets.push(s);
  await connected(s);
  return s;
}

const emit = (s: TestSocket, event: string, payload: unknown): Promise<Ack<unknown>> =>
  (s as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<Ack<unknown>> } })
    .timeout(5_000)
    .emitWithAck(event, payload);

describe('display links: admin REST', () => {
  it('[WD1] creates a link whose token is shown once and stored only as its SHA-256', async () => {
    const c = await create('Phòng họp tầng 3', 'M');
    expect(c.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.path).toBe(`/#wall?k=${c.token}`);
    expect(c.link).toMatchObject({ label: 'Phòng họp tầng 3', meeting: 'M', createdBy: 'admin', revokedAt: null });
    const list = await api(t, 'GET', '/api/display-links');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).not.toContain(c.token);
    expect((list.json as DisplayLinkView[]).some((l) => l.id === c.link.id)).toBe(true);
    const db = new Database(t.dbFile, { readonly: true });
    try {
      const dump = JSON.stringify(db.prepare('SELECT * FROM display_links').all());
      expect(dump).not.toContain(c.token);
      expect(dump).toMatch(/"token_hash":"[0-9a-f]{64}"/);
    } finally {
      db.close();
    }
  });

  it('[WD1] refuses a bad body, an unknown meeting, and anyone but an admin', async () => {
    const bad = await api(t, 'POST', '/api/display-links', { label: '', meeting: 'M' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toHaveProperty('label');
    expect((await api(t, 'POST', '/api/display-links', { label: 'X', meeting: 'NOPE' })).status).toBe(404);
    expect((await api(t, 'POST', '/api/display-links', { label: 'X', meeting: 'M', extra: 1 })).status).toBe(400);
    const tech = await userCookie(t, 'kt.wall', 'technician');
    const viewer = await userCookie(t, 'xem.wall', 'viewer');
    for (const cookie of [tech, viewer]) {
      expect((await api(t, 'POST', '/api/display-links', { label: 'X', meeting: null }, cookie)).status).toBe(403);
      expect((await api(t, 'GET', '/api/display-links', undefined, cookie)).status).toBe(403);
      expect((await api(t, 'DELETE', '/api/display-links/1', undefined, cookie)).status).toBe(403);
    }
    expect((await api(t, 'GET', '/api/display-links', undefined, null)).status).toBe(401);
    expect((await api(t, 'DELETE', '/api/display-links/99999')).status).toBe(404);
    expect((await api(t, 'DELETE', '/api/display-links/abc')).status).toBe(400);
  });

  it('[WD1] refuses a sign-in with an unknown or malformed token', async () => {
    expect((await api(t, 'POST', '/api/display/session', { token: 'A'.repeat(43) }, null)).status).toBe(401);
    expect((await api(t, 'POST', '/api/display/session', { token: 'short' }, null)).status).toBe(401);
    expect((await api(t, 'POST', '/api/display/session', {}, null)).status).toBe(400);
    expect((await api(t, 'GET', '/api/display/me', undefined, null)).status).toBe(401);
  });
});

describe('display session: read-only', () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await signIn((await create('Màn hình hội trường', 'M')).token);
  });

  it('[WD2] /api/display/me names the bound meeting', async () => {
    const r = await api(t, 'GET', '/api/display/me', undefined, cookie);
    expect(r.status).toBe(200);
    expect(r.json as DisplayMe).toMatchObject({ label: 'Màn hình hội trường', bound: 'M', meetingId: 'M' });
  });

  it('[WD2] every other REST route, read or write, is refused with 401', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/meetings'],
      ['GET', '/api/points'],
      ['GET', '/api/auth/me'],
      ['GET', '/api/display-links'],
      ['POST', '/api/display-links', { label: 'X', meeting: null }],
      ['DELETE', '/api/display-links/1'],
      ['POST', '/api/points', points[0]],
      ['PUT', '/api/meetings/M', meetings[0]],
      ['DELETE', '/api/points/C1'],
      ['POST', '/api/users', { name: 'x', password: 'mười-ký-tự-ít-nhất', role: 'admin' }],
      ['GET', '/api/meetings/M/report'],
    ];
    for (const [method, path, body] of routes) {
      const r = await api(t, method, path, body, cookie);
      expect({ method, path, status: r.status }).toEqual({ method, path, status: 401 });
    }
    expect((await api(t, 'GET', '/api/points/C1')).status).toBe(200);
  });

  it('[WD2] its socket gets the snapshot and deltas of its meeting; every other event is forbidden', async () => {
    const s = await socketFor(cookie);
    const r = (await emit(s, 'meeting:join', { meetingId: 'M' })) as Ack<PackedSnapshot>;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const snap = await unpackSnapshot(r.data);
    expect(snap.meeting.id).toBe('M');
    expect(snap.points.map((p) => p.code).sort()).toEqual(points.map((p) => p.code).sort());
    // The live status follows: the loopback points answer and turn up through deltas.
    const delta = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no delta within 15 s')), 15_000);
      s.once('meeting:delta', (d) => {
        clearTimeout(timer);
        resolve(d.meetingId);
      });
    });
    expect(delta).toBe('M');
    for (const [event, payload] of [
      ['point:test', { code: 'C1' }],
      ['checklist:join', { meetingId: 'M' }],
      ['outage:acknowledge', { id: 1, acknowledged: true }],
      ['nothing:here', {}],
    ] as const) {
      const a = await emit(s, event, payload);
      expect({ event, code: a.ok ? 'ok' : a.error.code }).toEqual({ event, code: 'forbidden' });
    }
    expect((await emit(s, 'meeting:leave', { meetingId: 'M' })).ok).toBe(true);
    // [NV2] A large meeting's wall shows its overview: allowed for its meeting, refused for another.
    const ov = (await emit(s, 'overview:join', { meetingId: 'M' })) as Ack<OverviewSnapshot>;
    expect(ov.ok && ov.data.regions.reduce((n, region) => n + region.total, 0)).toBe(points.length);
    expect(await emit(s, 'overview:join', { meetingId: 'OTHER' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await emit(s, 'overview:leave', { meetingId: 'M' })).ok).toBe(true);
  });

  it('[WD2] a handshake asking for the display (auth.display) is the display even beside a user session', async () => {
    const s: TestSocket = connect(t.url, {
      transports: ['websocket'],
      auth: { protocol: PROTOCOL_VERSION, display: true },
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: `${t.cookie}; ${cookie}` },
    });
    sockets.push(s);
    await connected(s);
    expect(await emit(s, 'point:test', { code: 'C1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await emit(s, 'meeting:join', { meetingId: 'OTHER' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Without the flag the same cookies are the admin's session.
    const admin = await socketFor(`${t.cookie}; ${cookie}`);
    expect((await emit(admin, 'meeting:join', { meetingId: 'OTHER' })).ok).toBe(true);
  });

  it('[WD3] joining another meeting is refused', async () => {
    const s = await socketFor(cookie);
    const a = await emit(s, 'meeting:join', { meetingId: 'OTHER' });
    expect(a).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(a.ok || a.error.message).toContain('hội nghị M');
  });

  it('[WD3] a link bound to "the current meeting" shows the one in session, and only that one', async () => {
    const c = await signIn((await create('Màn hình sảnh', null)).token);
    const me = (await api(t, 'GET', '/api/display/me', undefined, c)).json as DisplayMe;
    expect(me).toMatchObject({ bound: null, meetingId: 'M' });
    const s = await socketFor(c);
    expect((await emit(s, 'meeting:join', { meetingId: 'M' })).ok).toBe(true);
    expect(await emit(s, 'meeting:join', { meetingId: 'OTHER' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});

describe('revocation', () => {
  it('[WD4] cuts a connected screen at once and refuses the token and the cookie afterwards', async () => {
    const c = await create('Màn hình sẽ thu hồi', 'M');
    const cookie = await signIn(c.token);
    const s = await socketFor(cookie);
    expect((await emit(s, 'meeting:join', { meetingId: 'M' })).ok).toBe(true);
    const ended = new Promise<string>((resolve) => s.once('session:ended', ({ reason }) => resolve(reason)));
    const gone = new Promise<void>((resolve) => s.once('disconnect', () => resolve()));
    const r = await api(t, 'DELETE', `/api/display-links/${c.link.id}`);
    expect(r.status).toBe(200);
    expect((r.json as DisplayLinkView).revokedAt).not.toBeNull();
    expect(await ended).toBe('revoked');
    await gone;
    expect((await api(t, 'GET', '/api/display/me', undefined, cookie)).status).toBe(401);
    expect((await api(t, 'POST', '/api/display/session', { token: c.token }, null)).status).toBe(401);
    const again = connectSocket(t.url, cookie);
    sockets.push(again);
    expect((await connectError(again)).message).toBe('unauthorized');
    // Revoking twice is harmless; the list keeps the revoked link.
    expect((await api(t, 'DELETE', `/api/display-links/${c.link.id}`)).status).toBe(200);
    const list = (await api(t, 'GET', '/api/display-links')).json as DisplayLinkView[];
    expect(list.find((l) => l.id === c.link.id)?.revokedAt).not.toBeNull();
  });
});

describe('restart', () => {
  it('[WD5] a signed-in screen is still signed in after a restart on the same database file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-wall-'));
    try {
      const opts = { units, points, meetings, cadence: { idleMs: 60_000, lineTestMs: 5_000, liveMs: 5_000 }, dir };
      const first = await startTestApp(opts);
      const made = await api(first, 'POST', '/api/display-links', {
        label: 'Màn hình sau khởi động lại',
        meeting: null,
      });
      const res = await api(
        first,
        'POST',
        '/api/display/session',
        { token: (made.json as CreatedDisplayLink).token },
        null,
      );
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
      await first.stop();
      const second = await startTestApp(opts);
      try {
        const me = await api(second, 'GET', '/api/display/me', undefined, cookie);
        expect(me.status).toBe(200);
        expect((me.json as DisplayMe).meetingId).toBe('M');
        const s = connectSocket(second.url, cookie);
        sockets.push(s);
        await connected(s);
        expect((await emit(s, 'meeting:join', { meetingId: 'M' })).ok).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
