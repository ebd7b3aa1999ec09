// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. Failed logins are limited per client
// address and per username (5 per 15 min by default → 429 with Retry-After); the check runs before
// the password is verified, so a blocked guesser costs no argon2 time.
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { LoginBody, type Me } from '../../../shared/protocol';
import { toWireInstant } from '../../../shared/time';
import { clearedCookie, sessionCookie } from '../../auth/cookies';
import { TooManyRequestsError, UnauthorizedError } from '../../auth/errors';
import type { FailureLimiter } from '../../auth/limiter';
import { authOf } from '../../auth/middleware';
import { verifyPassword } from '../../auth/password';
import { permissionsOf } from '../../auth/policy';
import type { Sessions, ValidSession } from '../../auth/sessions';
import { presentUser } from '../../auth/users';
import { parseOrThrow } from '../../errors';
import type { Store } from '../../store/types';

export interface AuthRouteDeps {
  store: Store;
  sessions: Sessions;
  limiter: FailureLimiter;
  secureCookies: boolean;
  logger: Logger;
}

export function presentMe(v: ValidSession, idleMs: number): Me {
  return {
    user: presentUser(v.user),
    permissions: permissionsOf(v.user.role),
    session: {
      createdAt: toWireInstant(v.session.createdAt),
      expiresAt: toWireInstant(v.expiresAt),
      idleMinutes: Math.round(idleMs / 60_000),
    },
  };
}

const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export function authRoutes(d: AuthRouteDeps): Router {
  const r = Router();
  const idleMs = d.sessions.config.idleMs;

  r.post('/login', express.json({ limit: '4kb' }), async (req, res) => {
    const body = parseOrThrow(LoginBody, req.body ?? {});
    const name = body.username.trim().toLowerCase();
    const keys = [`ip:${clientIp(req)}`, `user:${name}`];
    const waitMs = Math.max(...keys.map((k) => d.limiter.blockedFor(k)));
    if (waitMs > 0) {
      const retryAfterS = Math.ceil(waitMs / 1000);
      d.logger.warn({ username: name, ip: clientIp(req), retryAfterS }, 'login refused: too many failures');
      throw new TooManyRequestsError(`too many failed logins; try again in ${retryAfterS} s`, retryAfterS);
    }
    const user = d.store.getUser(name);
    const ok = await verifyPassword(user?.passwordHash ?? null, body.password);
    if (!user || !ok) {
      for (const k of keys) d.limiter.fail(k);
      d.logger.warn({ username: name, ip: clientIp(req) }, 'login failed');
      throw new UnauthorizedError('wrong username or password');
    }
    d.limiter.reset(`user:${name}`);
    const { token, valid } = d.sessions.create(user);
    res.setHeader(
      'Set-Cookie',
      sessionCookie(token, { secure: d.secureCookies, maxAgeS: d.sessions.config.absoluteMs / 1000 }),
    );
    d.logger.info({ user: user.name, role: user.role, ip: clientIp(req) }, 'login');
    res.json(presentMe(valid, idleMs));
  });

  r.post('/logout', (_req, res: Response) => {
    const auth = authOf(res);
    d.sessions.end(auth.tokenHash, 'logout');
    res.setHeader('Set-Cookie', clearedCookie(d.secureCookies));
    d.logger.info({ user: auth.user.name }, 'logout');
    res.status(204).end();
  });

  r.get('/me', (_req, res) => {
    res.json(presentMe(authOf(res), idleMs));
  });

  return r;
}
