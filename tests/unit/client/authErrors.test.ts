// How the dashboard reads the server's refusals: the login answers, the socket handshake's
// connect_error messages and the acks' codes. By example, by fuzz (never a throw), and against what
// the real server actually sends (the strings live in its code, so they are asked for, not copied).
import * as fc from 'fast-check';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../shared/protocol';
import {
  ackProblem,
  checkLogin,
  connectRefusal,
  errorBody,
  loginFailure,
  parseRetryAfter,
  splitWait,
} from '../../../client/src/lib/authErrors';
import { connectError, connectSocket, startTestApp, type TestApp } from '../../helpers/app';

const NOW = Date.parse('2026-03-05T15:00:00+07:00');
const LIMITS = { username: 64, password: 1024 };
const err = (code: string, message = code, fields?: Record<string, string>) => ({ error: { code, message, fields } });

describe('login answers', () => {
  it('tells a wrong password, a block with its wait, field errors and a failing database apart', () => {
    expect(loginFailure(401, err('unauthorized'), null, NOW)).toEqual({ kind: 'wrong' });
    expect(loginFailure(429, err('too_many_requests'), '842', NOW)).toEqual({ kind: 'blocked', retryAfterS: 842 });
    expect(loginFailure(429, null, null, NOW)).toEqual({ kind: 'blocked', retryAfterS: null });
    expect(loginFailure(400, err('bad_request', 'invalid', { username: 'Too big' }), null, NOW)).toEqual({
      kind: 'invalid',
      message: 'invalid',
      fields: { username: 'Too big' },
    });
    expect(loginFailure(503, err('storage_unavailable'), null, NOW)).toEqual({ kind: 'storage' });
    expect(loginFailure(403, err('forbidden', 'forbidden: cross-origin request'), null, NOW)).toEqual({
      kind: 'other',
      status: 403,
      message: 'forbidden: cross-origin request',
    });
    expect(loginFailure(502, '<html>Bad Gateway</html>', null, NOW)).toEqual({
      kind: 'other',
      status: 502,
      message: 'HTTP 502',
    });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120);
    expect(parseRetryAfter(' 7 ', NOW)).toBe(7);
    expect(parseRetryAfter(new Date(NOW + 90_500).toUTCString(), NOW)).toBe(90);
    expect(parseRetryAfter(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });

  it('splits a wait into minutes and seconds, rounding up', () => {
    expect(splitWait(900)).toEqual({ min: 15, s: 0 });
    expect(splitWait(894.2)).toEqual({ min: 14, s: 55 });
    expect(splitWait(59)).toEqual({ min: 0, s: 59 });
    expect(splitWait(-3)).toEqual({ min: 0, s: 0 });
  });

  it('checks the fields before asking the server', () => {
    expect(checkLogin('', '', LIMITS)).toEqual({ username: { kind: 'required' }, password: { kind: 'required' } });
    expect(checkLogin('   ', 'x', LIMITS)).toEqual({ username: { kind: 'required' } });
    expect(checkLogin('a'.repeat(65), 'p'.repeat(1025), LIMITS)).toEqual({
      username: { kind: 'tooLong', max: 64 },
      password: { kind: 'tooLong', max: 1024 },
    });
    // A password is taken as typed: spaces count.
    expect(checkLogin('kt.canloc', ' ', LIMITS)).toEqual({});
  });

  it('never throws on whatever body or header comes back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.anything(), fc.option(fc.string()), (status, body, h) => {
        const f = loginFailure(status, body, h, NOW);
        expect(['wrong', 'blocked', 'invalid', 'storage', 'other']).toContain(f.kind);
        const e = errorBody(body);
        expect(e === null || typeof e.message === 'string').toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('socket refusals and acks', () => {
  it('maps handshake errors to what the page does', () => {
    expect(connectRefusal('unauthorized')).toBe('unauthorized');
    expect(connectRefusal('forbidden: cross-origin')).toBe('forbidden');
    expect(connectRefusal('protocol mismatch: server speaks 1, client 2')).toBe('outdated');
    expect(connectRefusal('protocol missing: send auth.protocol = 1')).toBe('outdated');
    expect(connectRefusal('internal error')).toBe('other');
    expect(connectRefusal('websocket error')).toBe('other');
  });

  it('maps ack codes', () => {
    expect(ackProblem({ code: 'unauthorized' })).toBe('signedOut');
    expect(ackProblem({ code: 'forbidden' })).toBe('forbidden');
    for (const code of ['bad_request', 'not_found', 'conflict', 'internal'])
      expect(ackProblem({ code })).toBe('failed');
  });
});

describe('against the real server', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ login: { maxFailures: 2 } });
  });

  afterAll(async () => {
    await t?.dispose();
  });

  const login = async (body: unknown) => {
    const res = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return loginFailure(res.status, await res.json().catch(() => null), res.headers.get('retry-after'), Date.now());
  };

  it('reads its login refusals: field errors, a wrong password, then a block with the wait', async () => {
    const long = await login({ username: 'a'.repeat(65), password: 'x' });
    expect(long.kind).toBe('invalid');
    expect(Object.keys(long.kind === 'invalid' ? long.fields : {})).toEqual(['username']);
    expect(await login({ username: 'admin', password: 'sai-mat-khau-1' })).toEqual({ kind: 'wrong' });
    expect(await login({ username: 'admin', password: 'sai-mat-khau-2' })).toEqual({ kind: 'wrong' });
    const blocked = await login({ username: 'admin', password: 'sai-mat-khau-3' });
    expect(blocked.kind).toBe('blocked');
    const wait = blocked.kind === 'blocked' ? blocked.retryAfterS : null;
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
  });

  it('reads its handshake refusals', async () => {
    const refusals: string[] = [];
    const noSession = connectSocket(t.url);
    const outdated = connectSocket(t.url, t.cookie, PROTOCOL_VERSION + 1);
    const foreign = io(t.url, {
      transports: ['websocket'],
      auth: { protocol: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie: t.cookie, origin: 'http://127.0.0.99:9999' },
    });
    try {
      for (const s of [noSession, outdated, foreign]) refusals.push(connectRefusal((await connectError(s)).message));
    } finally {
      for (const s of [noSession, outdated, foreign]) s.disconnect();
    }
    expect(refusals).toEqual(['unauthorized', 'outdated', 'forbidden']);
  });
});
