// POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me. Logins are limited per client
// address and per username (5 password checks per 15 min by default → 429 with Retry-After). Each
// attempt is counted before its password is verified, so concurrent guesses cannot slip past the
// count while argon2 runs, and a blocked guesser costs no argon2 time; the checks themselves pass
// through a small gate (server/auth/verify-gate.ts) so logins cannot eat the CPU.
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { LoginBody, type Me } from '../../../shared/protocol';
import { formatDurationWords, toWireInstant } from '../../../shared/time';
import { clearedCookie, sessionCookie } from '../../auth/cookies';
import { TooManyRequestsError, UnauthorizedError } from '../../auth/errors';
import { words } from '../../../shared/words';
import type { LoginLimiter } from '../../auth/login-limiter';
import { authOf } from '../../auth/middleware';
import type { verifyPassword } from '../../auth/password';
import { permissionsOf } from '../../auth/policy';
import type { Sessions, ValidSession } from '../../auth/sessions';
import { presentUser } from '../../auth/users';
import { GateBusyError, type VerifyGate } from '../../auth/verify-gate';
import { parseOrThrow } from '../../errors';
import type { Store, UserRow } from '../../store/types';

export interface AuthRouteDeps {
  store: Store;
  sessions: Sessions;
  limiter: LoginLimiter;
  gate: VerifyGate;
  /** The password check (server/auth/password.ts); injectable so tests can count the argon2 calls. */
  verify: typeof verifyPassword;
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
    const ip = clientIp(req);
    const keys = [`ip:${ip}`, `user:${name}`];
    const reserved = await d.limiter.reserve(keys);
    if ('waitMs' in reserved) {
      const retryAfterS = Math.ceil(reserved.waitMs / 1000);
      d.logger.warn({ username: name, ip, retryAfterS }, 'login refused: too many failures');
      throw new TooManyRequestsError(
        words(
          `Đăng nhập sai quá nhiều lần; hãy thử lại sau ${formatDurationWords(retryAfterS * 1000)}.`,
          `Too many failed logins; try again in ${formatDurationWords(retryAfterS * 1000, 'en')}.`,
        ),
        retryAfterS,
      );
    }
    const { attempt } = reserved;
    let checked: { user: UserRow | undefined; ok: boolean };
    try {
      checked = await d.gate.run(keys, async () => {
        // Read when the check starts, not when the request arrived: a password changed meanwhile counts.
        const user = await d.store.getUser(name);
        return { user, ok: await d.verify(user?.passwordHash ?? null, body.password) };
      });
    } catch (err) {
      if (err instanceof GateBusyError) {
        // Nothing was checked: the place is given back.
        await attempt.release();
        d.logger.warn({ username: name, ip }, 'login refused: too many logins being checked');
        throw new TooManyRequestsError(
          words(
            'Đang kiểm tra quá nhiều lượt đăng nhập; hãy thử lại sau 1 giây.',
            'Too many logins in progress; try again in 1 s.',
          ),
          1,
        );
      }
      // Counted as a failure: an error must never become a way to check passwords without limit.
      await attempt.failed();
      throw err;
    }
    const { user, ok } = checked;
    if (!user || !ok) {
      await attempt.failed();
      d.logger.warn({ username: name, ip }, 'login failed');
      throw new UnauthorizedError(words('Sai tên đăng nhập hoặc mật khẩu.', 'Wrong username or password.'));
    }
    await attempt.release();
    await d.limiter.reset(`user:${name}`);
    const { token, valid } = await d.sessions.create(user);
    res.setHeader(
      'Set-Cookie',
      sessionCookie(token, { secure: d.secureCookies, maxAgeS: d.sessions.config.absoluteMs / 1000 }),
    );
    d.logger.info({ user: user.name, role: user.role, ip }, 'login');
    res.json(presentMe(valid, idleMs));
  });

  r.post('/logout', async (_req, res: Response) => {
    const auth = authOf(res);
    await d.sessions.end(auth.tokenHash, 'logout');
    res.setHeader('Set-Cookie', clearedCookie(d.secureCookies));
    d.logger.info({ user: auth.user.name }, 'logout');
    res.status(204).end();
  });

  r.get('/me', (_req, res) => {
    res.json(presentMe(authOf(res), idleMs));
  });

  return r;
}
