// The login limit under concurrency (issue 18 point 1), through the real app and real argon2: each
// guess is counted before its password is checked, so however many arrive at once only 5 per
// username and per address are ever checked; checks run through a small gate; an admin (only) lists
// and lifts lockouts. The app's password check is the real verifyPassword, wrapped to count its calls.
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../server/auth/password';
import { ADMIN, api, startTestApp, userCookie, waitFor, type StartOptions, type TestApp } from '../../helpers/app';

const apps: TestApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.dispose();
});

/** verifyPassword, counted: `checks` argon2 verifications run, the most at once, and an optional hold. */
function countedVerify() {
  let release: (() => void) | null = null;
  const waiters: { n: number; resolve: () => void }[] = [];
  const c = {
    /** Logins that reached the check (held ones included). */
    asked: 0,
    /** Calls into verifyPassword (each one argon2 verification). */
    checks: 0,
    finished: 0,
    running: 0,
    maxRunning: 0,
    hold: null as Promise<void> | null,
    /** From now on, checks wait (before argon2) until release(). */
    holdChecks(): void {
      c.hold = new Promise<void>((r) => (release = r));
    },
    release(): void {
      c.hold = null;
      release?.();
    },
    reset(): void {
      c.asked = c.checks = c.finished = c.maxRunning = 0;
    },
    /** Resolves once `n` logins have reached the check (never, if they do not). */
    reachedCheck(n: number): Promise<void> {
      return new Promise((resolve) => (c.asked >= n ? resolve() : waiters.push({ n, resolve })));
    },
    verify: async (hash: string | null, password: string): Promise<boolean> => {
      c.asked++;
      for (const w of waiters.filter((x) => c.asked >= x.n)) w.resolve();
      if (c.hold) await c.hold;
      c.checks++;
      c.running++;
      c.maxRunning = Math.max(c.maxRunning, c.running);
      try {
        return await verifyPassword(hash, password);
      } finally {
        c.running--;
        c.finished++;
      }
    },
  };
  return c;
}

async function start(opts: StartOptions = {}) {
  const counted = countedVerify();
  const t = await startTestApp({ trustProxy: 'loopback', ...opts, login: { ...opts.login, verify: counted.verify } });
  apps.push(t);
  counted.reset(); // the admin's own login at start
  return { t, counted };
}

interface Answer {
  status: number;
  setCookie: string | null;
  retryAfter: string | null;
  body: { error?: { code: string } };
}

/** POST /api/auth/login from `address` (X-Forwarded-For: the app trusts loopback proxies). */
async function login(t: TestApp, username: string, password: string, address: string): Promise<Answer> {
  const res = await fetch(`${t.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  return {
    status: res.status,
    setCookie: res.headers.get('set-cookie'),
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Answer['body'],
  };
}

const statuses = (answers: Answer[]) => {
  const n: Record<number, number> = {};
  for (const a of answers) n[a.status] = (n[a.status] ?? 0) + 1;
  return n;
};

function sessionsOf(t: TestApp, name: string): number {
  const db = new Database(t.dbFile, { readonly: true });
  try {
    const row = db
      .prepare('SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ?')
      .get(name) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

const AN = { name: 'an', password: 'mật-khẩu-của-an-2026' };

describe('login limit under concurrency', () => {
  it('[H18.1] 50 concurrent guesses for one user, the right password among them: 5 checked, no session', async () => {
    const { t, counted } = await start();
    await t.app.auth.users.create({ name: AN.name, password: AN.password, role: 'technician' });
    // Checks wait before argon2, so the right guess arrives while the admitted ones are in flight:
    // exactly when counting failures after argon2 let every guess through.
    counted.holdChecks();
    const wrong = Array.from({ length: 49 }, (_, i) => login(t, AN.name, `đoán-mò-${i}`, `10.18.0.${i + 1}`));
    // The username's places are taken (or, were attempts counted only after argon2, all 49 are
    // waiting to be checked).
    await waitFor(
      'the wrong guesses admitted',
      () => t.app.auth.limiter.blockedFor('user:an') > 0 || counted.asked >= 49,
    );
    expect(counted.finished).toBe(0);
    // The right guess: answered at once, or (the bug) let through to the check.
    const rightAnswer = login(t, AN.name, AN.password, '10.18.1.1');
    await Promise.race([rightAnswer, counted.reachedCheck(50)]);
    counted.release();
    const right = await rightAnswer;
    const answers = [...(await Promise.all(wrong)), right];

    expect(right.status).toBe(429);
    expect(right.body.error?.code).toBe('too_many_requests');
    expect(Number(right.retryAfter)).toBeGreaterThan(14 * 60);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(statuses(answers)).toEqual({ 401: 5, 429: 45 });
    expect(answers.filter((a) => a.setCookie !== null)).toEqual([]);
    expect(sessionsOf(t, AN.name)).toBe(0);
    // Honest count of argon2 verifications: the 5 admitted, one at a time for this username.
    expect(counted.checks).toBe(5);
    expect(counted.maxRunning).toBe(1);
    // The five became failures: the right password still waits its 15 minutes.
    expect((await login(t, AN.name, AN.password, '10.18.1.2')).status).toBe(429);
    expect(counted.checks).toBe(5);
  });

  it('[H18.1] limits each client address across usernames, whatever the concurrency', async () => {
    const { t, counted } = await start();
    counted.holdChecks();
    const guesses = Array.from({ length: 30 }, (_, i) => login(t, `nguoi-${i}`, 'đoán-mò', '10.19.0.1'));
    await waitFor(
      'the guesses admitted',
      () => t.app.auth.limiter.blockedFor('ip:10.19.0.1') > 0 || counted.asked >= 30,
    );
    // The admin's right password from the same address: its 5 places are taken.
    const adminAnswer = login(t, ADMIN.name, ADMIN.password, '10.19.0.1');
    await Promise.race([adminAnswer, counted.reachedCheck(31)]);
    counted.release();
    const admin = await adminAnswer;
    const answers = [...(await Promise.all(guesses)), admin];
    expect(admin.status).toBe(429);
    expect(statuses(answers)).toEqual({ 401: 5, 429: 26 });
    expect(counted.checks).toBe(5);
    expect(counted.maxRunning).toBe(1);
    // Another address is not concerned; the usernames tried were not locked by one address.
    expect((await login(t, ADMIN.name, ADMIN.password, '10.19.0.2')).status).toBe(200);
    expect(t.app.auth.limiter.blockedFor('user:nguoi-0')).toBe(0);
  });

  it('[H18.1] caps the checks running at once, and refuses (nothing counted) when too many wait', async () => {
    const { t, counted } = await start({ login: { maxVerifying: 2, maxQueued: 4 } });
    counted.holdChecks();
    // Ten different users from ten addresses: no limit applies, only the gate: 2 run, 4 wait, 4 refused.
    const answers = Array.from({ length: 10 }, (_, i) => login(t, `ai-${i}`, 'đoán-mò', `10.20.0.${i + 1}`));
    await waitFor('the queue full', () => t.app.auth.gate.load.queued === 4);
    counted.release();
    const done = await Promise.all(answers);
    expect(statuses(done)).toEqual({ 401: 6, 429: 4 });
    const busy = done.filter((a) => a.status === 429);
    expect(busy.map((a) => a.retryAfter)).toEqual(['1', '1', '1', '1']);
    expect(counted.checks).toBe(6);
    expect(counted.maxRunning).toBeLessThanOrEqual(2);
    // A refused login was never checked, so it was not counted either: one failure per address at most.
    for (let i = 1; i <= 10; i++) expect(t.app.auth.limiter.blockedFor(`ip:10.20.0.${i}`)).toBe(0);
    expect(t.app.auth.gate.load).toEqual({ running: 0, queued: 0 });
  });
});

describe('lifting a lockout', () => {
  it('[H18.1] an admin lists lockouts and lifts one; the user logs in again at once', async () => {
    const { t } = await start();
    await t.app.auth.users.create({ name: AN.name, password: AN.password, role: 'technician' });
    for (let i = 1; i <= 5; i++) expect((await login(t, AN.name, 'sai', `10.21.0.${i}`)).status).toBe(401);
    for (let i = 1; i <= 5; i++) expect((await login(t, `x${i}`, 'sai', '10.21.9.9')).status).toBe(401);
    expect((await login(t, AN.name, AN.password, '10.21.1.1')).status).toBe(429);

    const list = await api(t, 'GET', '/api/auth/lockouts');
    expect(list.status).toBe(200);
    expect(list.json).toEqual(
      expect.arrayContaining([
        {
          kind: 'user',
          name: 'an',
          failures: 5,
          pending: 0,
          until: expect.stringMatching(/\+07:00$/),
          retryAfterS: expect.any(Number),
        },
        expect.objectContaining({ kind: 'address', name: '10.21.9.9', failures: 5 }),
      ]),
    );
    expect(list.json).toHaveLength(2);

    expect((await api(t, 'DELETE', '/api/auth/lockouts/users/An')).status).toBe(204);
    expect((await api(t, 'DELETE', '/api/auth/lockouts/users/an')).json).toMatchObject({
      error: { code: 'not_found' },
    });
    const ok = await login(t, AN.name, AN.password, '10.21.1.2');
    expect(ok.status).toBe(200);
    expect(ok.setCookie).toMatch(/^diemcau_session=/);

    expect((await api(t, 'DELETE', '/api/auth/lockouts/addresses/10.21.9.9')).status).toBe(204);
    expect((await login(t, ADMIN.name, ADMIN.password, '10.21.9.9')).status).toBe(200);
    expect((await api(t, 'GET', '/api/auth/lockouts')).json).toEqual([]);
  });

  it('[H18.1] a viewer or a technician cannot list or lift lockouts (403), nor can anyone without a session', async () => {
    const { t } = await start();
    await t.app.auth.users.create({ name: AN.name, password: AN.password, role: 'viewer' });
    for (let i = 1; i <= 5; i++) await login(t, AN.name, 'sai', `10.22.0.${i}`);
    for (const role of ['viewer', 'technician'] as const) {
      const cookie = await userCookie(t, `nguoi.${role}`, role);
      const del = await api(t, 'DELETE', '/api/auth/lockouts/users/an', undefined, cookie);
      expect(del).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
      expect((await api(t, 'GET', '/api/auth/lockouts', undefined, cookie)).status).toBe(403);
    }
    expect((await api(t, 'DELETE', '/api/auth/lockouts/users/an', undefined, null)).status).toBe(401);
    expect((await api(t, 'GET', '/api/auth/lockouts', undefined, null)).status).toBe(401);
    // Still locked.
    expect((await login(t, AN.name, AN.password, '10.22.1.1')).status).toBe(429);
  });
});
