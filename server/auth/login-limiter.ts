// The login limiter as the routes use it: the process's own (server/auth/limiter.ts), or, with several
// instances, the one shared over Redis (server/auth/limiter-redis.ts) so that guesses spread over the
// instances still count once. While Redis is away the instance limits on its own: logins stay bounded,
// never unlimited, and never refused for want of Redis.
import type { Logger } from 'pino';
import type { FailureLimiter, Lockout } from './limiter';
import { LimiterUnavailableError, type RedisFailureLimiter } from './limiter-redis';

export interface LoginAttempt {
  failed(): unknown;
  release(): unknown;
}

export interface LoginLimiter {
  reserve(keys: readonly string[]): Promise<{ attempt: LoginAttempt } | { waitMs: number }>;
  /** False when the key had nothing to lift. */
  reset(key: string): Promise<boolean>;
  lockouts(): Promise<Lockout[]>;
}

export function localLimiter(l: FailureLimiter): LoginLimiter {
  return {
    reserve: (keys) => Promise.resolve(l.reserve(keys)),
    reset: (key) => Promise.resolve(l.reset(key)),
    lockouts: () => Promise.resolve(l.lockouts()),
  };
}

export function sharedLimiter(shared: RedisFailureLimiter, local: FailureLimiter, logger: Logger): LoginLimiter {
  let away = false;
  const fallback = <T>(err: unknown, then: () => T): T => {
    if (!(err instanceof LimiterUnavailableError)) throw err;
    if (!away) logger.warn('login limiter: Redis is away; this instance limits logins on its own');
    away = true;
    return then();
  };
  const back = (): void => {
    if (away) logger.info('login limiter: shared over Redis again');
    away = false;
  };
  return {
    async reserve(keys) {
      try {
        const r = await shared.reserve(keys);
        back();
        return r;
      } catch (err) {
        return fallback(err, () => local.reserve(keys));
      }
    },
    async reset(key) {
      const mine = local.reset(key);
      try {
        return (await shared.reset(key)) || mine;
      } catch (err) {
        return fallback(err, () => mine);
      }
    },
    async lockouts() {
      try {
        return await shared.lockouts();
      } catch (err) {
        return fallback(err, () => local.lockouts());
      }
    },
  };
}
