// Login, logout, /me, the failed-login limit, session expiry on an injected clock, and sockets that
// follow their session: logout, expiry, a password change or a removal disconnects them.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Me, SessionEndReason } from '../../../shared/protocol';
import { openSqliteStore } from '../../../server/store/sqlite';
import {
  ADMIN,
  JumpClock,
  api,
  connectSocket,
  connected,
  login,
  startTestApp,
  userCookie,
  type StartOptions,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const HOUR = 3_600_000;
const apps: TestApp[] = [];
const sockets: TestSocket[] = [];

async function start(opts: StartOptions = {}): Promise<TestApp> {
  const t = await startTestApp(opts);
  apps.push(t);
  return t;
}

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(async () => {
  for (const a of apps) await a.dispose();
});

function post(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** A socket of this session, with the session:ended events it receives and its disconnect reason. */
async function liveSocket(t: TestApp, cookie: string) {
  const s = connectSocket(t.url, cookie);
  sockets.push(s);
  const ended: SessionEndReason[] = [];
  s.on('session:ended', ({ reason }) => ended.push(reason));
  const disconnected = new Promise<string>((resolve) => s.on('disconnect', resolve));
  await connected(s);
  return { s, ended, disconnected };
}

describe('login', () => {
  it('sets an HttpOnly SameSite=Strict cookie and answers with the user and permissions', async () => {
    const t = await start();
    const res = await post(t, { username: 'Admin ', password: ADMIN.password });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^diemcau_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800$/);
    const me = (await res.json()) as Me;
    expect(me.user).toEqual({
      name: 'admin',
      displayName: null,
      role: 'admin',
      units: [],
      createdAt: expect.stringMatching(/\+07:00$/),
      updatedAt: expect.stringMatching(/\+07:00$/),
    });
    expect(me.permissions).toContain('inventory:write');
    expect(Date.parse(me.session.expiresAt) - Date.parse(me.session.createdAt)).toBe(7 * 24 * HOUR);
    expect(me.session.idleMinutes).toBe(720);
    expect(JSON.stringify(me)).not.toMatch(/argon2|hash/i);
    const again = await api(t, 'GET', '/api/auth/me', undefined, cookie.split(';')[0]!);
    expect(again.json).toEqual({ ...me, session: again.json.session });
  });

  it('[WE6] refuses a wrong password and an unknown user alike, and bad bodies with field errors', async () => {
    const t = await start();
    for (const body of [
      { username: 'admin', password: 'sai mật khẩu' },
      { username: 'khong-co', password: ADMIN.password },
    ]) {
      const r = await post(t, body);
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(await r.json()).toEqual({ error: { code: 'unauthorized', message: 'Sai tên đăng nhập hoặc mật khẩu.' } });
    }
    const en = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'en-GB,en;q=0.9' },
      body: JSON.stringify({ username: 'admin', password: 'sai' }),
    });
    expect(await en.json()).toEqual({ error: { code: 'unauthorized', message: 'Wrong username or password.' } });
    const bad = await post(t, { username: 'admin', password: 5, extra: true });
    expect(bad.status).toBe(400);
    expect(Object.keys(((await bad.json()) as { error: { fields: object } }).error.fields).sort()).toEqual([
      '(root)',
      'password',
    ]);
    const huge = await post(t, { username: 'admin', password: 'x'.repeat(5_000) });
    expect(huge.status).toBe(413);
  });

  it('limits failures per username (5 / 15 min → 429 with Retry-After), even from many addresses', async () => {
    const clock = new JumpClock();
    const t = await start({ clock, trustProxy: 'loopback' });
    await userCookie(t, 'an', 'viewer');
    for (let i = 1; i <= 5; i++) {
      const r = await post(t, { username: 'an', password: 'đoán-mò' }, { 'x-forwarded-for': `10.0.0.${i}` });
      expect(r.status).toBe(401);
    }
    const blocked = await post(t, { username: 'an', password: 'mật-khẩu-an-123' }, { 'x-forwarded-for': '10.0.0.6' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    const said = ((await blocked.json()) as { error: { code: string; message: string } }).error;
    expect(said.code).toBe('too_many_requests');
    expect(said.message).toMatch(/^Đăng nhập sai quá nhiều lần; hãy thử lại sau 1[45] phút \d\d giây\.$/);
    const blockedEn = await post(
      t,
      { username: 'an', password: 'mật-khẩu-an-123' },
      { 'x-forwarded-for': '10.0.0.6', 'accept-language': 'en' },
    );
    expect(((await blockedEn.json()) as { error: { message: string } }).error.message).toMatch(
      /^Too many failed logins; try again in 1[45] min \d\d s\.$/,
    );
    // Other accounts are not affected.
    expect(
      (await post(t, { username: 'admin', password: ADMIN.password }, { 'x-forwarded-for': '10.0.0.7' })).status,
    ).toBe(200);
    // 15 minutes later the right password works again.
    clock.jump(15 * 60_000 + 1_000);
    expect(
      (await post(t, { username: 'an', password: 'mật-khẩu-an-123' }, { 'x-forwarded-for': '10.0.0.8' })).status,
    ).toBe(200);
  });

  it('limits failures per client address, whatever the usernames', async () => {
    const t = await start({ trustProxy: 'loopback' });
    for (let i = 1; i <= 5; i++) {
      expect((await post(t, { username: `u${i}`, password: 'x' }, { 'x-forwarded-for': '10.1.1.1' })).status).toBe(401);
    }
    const r = await post(t, { username: 'admin', password: ADMIN.password }, { 'x-forwarded-for': '10.1.1.1' });
    expect(r.status).toBe(429);
    expect(
      (await post(t, { username: 'admin', password: ADMIN.password }, { 'x-forwarded-for': '10.1.1.2' })).status,
    ).toBe(200);
  });

  it('a success clears the username count', async () => {
    const t = await start({ trustProxy: 'loopback' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++)
        await post(t, { username: 'admin', password: 'sai' }, { 'x-forwarded-for': `10.2.${round}.${i}` });
      expect(
        (await post(t, { username: 'admin', password: ADMIN.password }, { 'x-forwarded-for': `10.2.${round}.9` }))
          .status,
      ).toBe(200);
    }
  });
});

describe('sessions', () => {
  it('logout ends the session: cookie cleared, 401 after, its sockets told and disconnected', async () => {
    const t = await start();
    const cookie = await login(t.url, ADMIN.name, ADMIN.password);
    const other = await liveSocket(t, t.cookie);
    const mine = await liveSocket(t, cookie);
    const out = await api(t, 'POST', '/api/auth/logout', undefined, cookie);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toBe('diemcau_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expect(await mine.disconnected).toBe('io server disconnect');
    expect(mine.ended).toEqual(['logout']);
    expect((await api(t, 'GET', '/api/auth/me', undefined, cookie)).status).toBe(401);
    expect((await api(t, 'POST', '/api/auth/logout', undefined, cookie)).status).toBe(401);
    // The same user's other session goes on.
    expect(other.s.connected).toBe(true);
    expect((await api(t, 'GET', '/api/auth/me')).status).toBe(200);
  });

  it('expire after 12 h idle on the injected clock: REST 401, sockets disconnected by the sweep', async () => {
    const clock = new JumpClock();
    const t = await start({ clock, sessionSweepMs: 100 });
    const cookie = await userCookie(t, 'xem', 'viewer');
    // A dashboard's open socket keeps its session alive across sweeps…
    const live = await liveSocket(t, cookie);
    clock.jump(11 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    clock.jump(11 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    expect(live.s.connected).toBe(true);
    expect((await api(t, 'GET', '/api/auth/me', undefined, cookie)).status).toBe(200);
    // …while a session nobody uses for 12 h ends.
    const idle = await login(t.url, 'xem', 'mật-khẩu-xem-123');
    live.s.disconnect();
    clock.jump(12 * HOUR);
    expect((await api(t, 'GET', '/api/auth/me', undefined, idle)).status).toBe(401);
    expect((await api(t, 'GET', '/api/auth/me', undefined, cookie)).status).toBe(401);
  });

  it('expire 7 days after login even while in use; the socket hears "expired"', async () => {
    const clock = new JumpClock();
    const t = await start({ clock, sessionSweepMs: 100 });
    const cookie = await userCookie(t, 'kt', 'technician');
    const live = await liveSocket(t, cookie);
    // Used every 11 h (never idle for 12 h) until 165 h after login…
    for (let i = 0; i < 15; i++) {
      clock.jump(11 * HOUR);
      expect((await api(t, 'GET', '/api/auth/me', undefined, cookie)).status).toBe(200);
    }
    // …then past the 7 days (168 h).
    clock.jump(4 * HOUR);
    expect(await live.disconnected).toBe('io server disconnect');
    expect(live.ended).toEqual(['expired']);
    expect((await api(t, 'GET', '/api/auth/me', undefined, cookie)).status).toBe(401);
  });

  it('a password change ends the other sessions; removing a user ends all of theirs', async () => {
    const t = await start();
    const a = await userCookie(t, 'kt', 'technician');
    const b = await login(t.url, 'kt', 'mật-khẩu-kt-123');
    const sa = await liveSocket(t, a);
    const sb = await liveSocket(t, b);
    // kt cannot change accounts; the admin changes kt's password.
    expect(
      (await api(t, 'PUT', '/api/users/kt', { role: 'technician', password: 'mật-khẩu-mới-của-kt' }, a)).status,
    ).toBe(403);
    expect((await api(t, 'PUT', '/api/users/kt', { role: 'technician', password: 'mật-khẩu-mới-của-kt' })).status).toBe(
      200,
    );
    expect(await sa.disconnected).toBe('io server disconnect');
    expect(await sb.disconnected).toBe('io server disconnect');
    expect([sa.ended, sb.ended]).toEqual([['revoked'], ['revoked']]);
    expect((await api(t, 'GET', '/api/auth/me', undefined, a)).status).toBe(401);
    const c = await login(t.url, 'kt', 'mật-khẩu-mới-của-kt');
    const sc = await liveSocket(t, c);
    expect((await api(t, 'DELETE', '/api/users/kt')).status).toBe(204);
    expect(await sc.disconnected).toBe('io server disconnect');
    expect(sc.ended).toEqual(['revoked']);
    expect((await api(t, 'GET', '/api/auth/me', undefined, c)).status).toBe(401);
  });

  it('a user removed by another process (the CLI) loses their sockets at the next sweep', async () => {
    const t = await start({ sessionSweepMs: 100 });
    const cookie = await userCookie(t, 'kt', 'technician');
    const live = await liveSocket(t, cookie);
    const other = openSqliteStore(t.dbFile);
    try {
      expect(other.deleteUser('kt')).toBe(true);
    } finally {
      other.close();
    }
    expect(await live.disconnected).toBe('io server disconnect');
    expect(live.ended).toEqual(['revoked']);
  });

  it('an admin changing their own password keeps the session making the change', async () => {
    const t = await start();
    const other = await login(t.url, ADMIN.name, ADMIN.password);
    const r = await api(t, 'PUT', '/api/users/admin', { role: 'admin', password: 'mật-khẩu-quản-trị-mới' });
    expect(r.status).toBe(200);
    expect((await api(t, 'GET', '/api/auth/me')).status).toBe(200);
    expect((await api(t, 'GET', '/api/auth/me', undefined, other)).status).toBe(401);
  });

  it('behind HTTPS: a Secure __Host- cookie, and HSTS', async () => {
    const t = await start({ secureCookies: true });
    const res = await post(t, { username: 'admin', password: ADMIN.password });
    expect(res.headers.get('set-cookie')).toMatch(
      /^__Host-diemcau_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=604800; Secure$/,
    );
    expect(res.headers.get('strict-transport-security')).toBe('max-age=15552000');
    expect((await api(t, 'GET', '/api/auth/me')).status).toBe(200);
    // Only the __Host- cookie counts: the plain name could have been set by plain HTTP.
    const plain = t.cookie.replace(/^__Host-/, '');
    expect((await api(t, 'GET', '/api/auth/me', undefined, plain)).status).toBe(401);
  });
});
