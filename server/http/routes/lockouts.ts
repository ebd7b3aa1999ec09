// Login lockouts, for admins: GET /api/auth/lockouts lists the usernames and client addresses at
// their limit; DELETE /api/auth/lockouts/users/:name and …/addresses/:address lift one. Anyone can
// lock a username out by guessing at it (docs/SECURITY.md says why that is accepted), so an admin
// must be able to let the real user back in before the 15 minutes are up. The counts live in the
// server's memory, so this is REST only: the CLI, a separate process, cannot reach them.
import { Router } from 'express';
import { words } from '../../../shared/words';
import type { Logger } from 'pino';
import { z } from 'zod';
import { toWireInstant } from '../../../shared/time';
import type { LoginLimiter } from '../../auth/login-limiter';
import { authOf, requireAction } from '../../auth/middleware';
import type { Clock } from '../../clock';
import { NotFoundError, parseOrThrow } from '../../errors';

/** One entry of GET /api/auth/lockouts. */
export interface LockoutView {
  kind: 'user' | 'address';
  /** The username as typed at login (trimmed, lowercase; it need not exist) or the client address. */
  name: string;
  /** Failed logins within the window. */
  failures: number;
  /** Logins of it being checked right now. */
  pending: number;
  /** When it may try again, if nothing else fails before. */
  until: string;
  retryAfterS: number;
}

// Login keys are the trimmed, lowercased name as typed (LoginBody allows 64 characters of anything).
const LoginName = z.string().trim().toLowerCase().min(1).max(64);
const Address = z.string().min(1).max(64);

const KINDS = { 'user:': 'user', 'ip:': 'address' } as const;

export function lockoutRoutes(d: { limiter: LoginLimiter; clock: Clock; logger: Logger }): Router {
  const r = Router();
  r.use('/auth/lockouts', requireAction('users:manage'));

  r.get('/auth/lockouts', async (_req, res) => {
    const now = d.clock.now();
    const out: LockoutView[] = [];
    for (const l of await d.limiter.lockouts()) {
      const prefix = (Object.keys(KINDS) as (keyof typeof KINDS)[]).find((p) => l.key.startsWith(p));
      if (!prefix) continue;
      out.push({
        kind: KINDS[prefix],
        name: l.key.slice(prefix.length),
        failures: l.failures,
        pending: l.pending,
        until: toWireInstant(now + l.waitMs),
        retryAfterS: Math.ceil(l.waitMs / 1000),
      });
    }
    res.json(out);
  });

  r.delete('/auth/lockouts/users/:name', async (req, res) => {
    const name = parseOrThrow(LoginName, req.params.name, ['name']);
    if (!(await d.limiter.reset(`user:${name}`)))
      throw new NotFoundError(
        words(`không có lần đăng nhập sai nào của ${name}`, `no failed logins recorded for user "${name}"`),
      );
    d.logger.info({ by: authOf(res).user.name, user: name }, 'login lockout lifted');
    res.status(204).end();
  });

  r.delete('/auth/lockouts/addresses/:address', async (req, res) => {
    const address = parseOrThrow(Address, req.params.address, ['address']);
    if (!(await d.limiter.reset(`ip:${address}`)))
      throw new NotFoundError(
        words(`không có lần đăng nhập sai nào từ ${address}`, `no failed logins recorded from ${address}`),
      );
    d.logger.info({ by: authOf(res).user.name, ip: address }, 'login lockout lifted');
    res.status(204).end();
  });

  return r;
}
