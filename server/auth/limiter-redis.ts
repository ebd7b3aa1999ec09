// The login limiter of server/auth/limiter.ts shared by the instances of a cluster (docs/CLUSTER.md):
// the same rules — at most `max` attempts per key in a sliding window, reserved before the password is
// checked, kept as failures or given back, a success clearing the username's failures — over Redis,
// each operation one Lua script, so that two instances can never both take a key's last place.
//
// Per key a sorted set `diemcau:{NAME}:login:a:<key>` holds its attempts, scored by the instant they
// began, expiring when the newest leaves the window; a member is a sequence number (attempts in order
// even within one millisecond) and `p` (being checked) or `f` (failed). The sorted set
// `…:login:index` names the keys by their last attempt: the admin's list of lockouts, and the bound on
// how many keys are kept (the stalest go first). Time comes from the injected clock, as in memory.
import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { clusterKeys } from '../cluster/keys';
import type { Redis } from '../cluster/redis';
import type { Lockout } from './limiter';

export interface RedisLimiterOptions {
  redis: Redis;
  cluster: string;
  clock: Clock;
  /** Attempts (failed or still being checked) allowed per key within the window (default 5). */
  max?: number;
  /** Default 15 min. */
  windowMs?: number;
  /** Keys remembered at most; beyond, the stalest go first (default 10 000). */
  maxKeys?: number;
}

/** One counted attempt (see server/auth/limiter.ts Attempt); settles once, later calls do nothing. */
export interface RedisAttempt {
  failed(): Promise<void>;
  release(): Promise<void>;
}

/** Redis is away: the limiter can neither count nor check (the caller decides: refuse, or limit locally). */
export class LimiterUnavailableError extends Error {
  constructor() {
    super('the login limiter cannot reach Redis');
    this.name = 'LimiterUnavailableError';
  }
}

// ARGV: prefix, now, window, max, maxKeys, then the operation's own. KEYS[1]: the index.
const PRELUDE = `
local P, now, window, max, maxKeys = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local idx = KEYS[1]
local since = now - window
local function zkey(k) return P .. 'a:' .. k end
-- The key's set without the attempts that left the window (a clock gone back keeps "future" ones).
local function recent(k)
  local z = zkey(k)
  redis.call('ZREMRANGEBYSCORE', z, '-inf', since)
  return z
end
-- Until the oldest of the last max attempts leaves the window; 0 below max; never over a window.
local function wait(k)
  local z = recent(k)
  local n = redis.call('ZCARD', z)
  if n < max then return 0 end
  local e = redis.call('ZRANGE', z, n - max, n - max, 'WITHSCORES')
  return math.min(window, math.max(1, tonumber(e[2]) + window - now))
end
local function touch(k, z)
  local newest = redis.call('ZRANGE', z, -1, -1, 'WITHSCORES')
  if newest[2] == nil then return end
  redis.call('PEXPIRE', z, math.max(1, tonumber(newest[2]) + window - now))
  redis.call('ZADD', idx, now, k)
end
local function member(state)
  return string.format('%016d', redis.call('INCR', P .. 'seq')) .. state
end
local function insert(k, m, at)
  local z = recent(k)
  redis.call('ZADD', z, at, m)
  -- Only max attempts matter for blocking; reserve never goes past it, fail may.
  local n = redis.call('ZCARD', z)
  if n > max then redis.call('ZREMRANGEBYRANK', z, 0, n - max - 1) end
  touch(k, z)
end
local function evict()
  if redis.call('ZCARD', idx) <= maxKeys then return end
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', idx, '-inf', since)) do
    redis.call('DEL', zkey(k))
    redis.call('ZREM', idx, k)
  end
  local over = redis.call('ZCARD', idx) - maxKeys
  if over > 0 then
    local popped = redis.call('ZPOPMIN', idx, over)
    for i = 1, #popped, 2 do redis.call('DEL', zkey(popped[i])) end
  end
end
`;

const SCRIPTS = {
  // ARGV[6..]: the keys. Returns {1, member} or {0, waitMs}.
  reserve: `
local w = 0
for i = 6, #ARGV do w = math.max(w, wait(ARGV[i])) end
if w > 0 then return {0, w} end
local m = member('p')
for i = 6, #ARGV do insert(ARGV[i], m, now) end
evict()
return {1, m}`,
  // ARGV[6]: the reservation's member (…p); ARGV[7..]: its keys.
  failed: `
local m = ARGV[6]
local done = string.sub(m, 1, -2) .. 'f'
for i = 7, #ARGV do
  local z = recent(ARGV[i])
  local at = redis.call('ZSCORE', z, m)
  -- Gone (reset by an admin, evicted, out of the window): the failure still happened, counted from now.
  if at then
    redis.call('ZREM', z, m)
    redis.call('ZADD', z, at, done)
    touch(ARGV[i], z)
  else
    insert(ARGV[i], member('f'), now)
  end
end
evict()
return 1`,
  release: `
for i = 7, #ARGV do redis.call('ZREM', zkey(ARGV[i]), ARGV[6]) end
return 1`,
  fail: `
insert(ARGV[6], member('f'), now)
evict()
return 1`,
  blockedFor: `return wait(ARGV[6])`,
  // Attempts being checked stay: a reset opens no more places than max to guesses in flight.
  reset: `
local z = recent(ARGV[6])
local forgot = 0
for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do
  if string.sub(m, -1) == 'f' then
    redis.call('ZREM', z, m)
    forgot = forgot + 1
  end
end
if redis.call('EXISTS', z) == 0 then redis.call('ZREM', idx, ARGV[6]) end
return forgot`,
  // Returns {key, failures, pending, waitMs} for each key at its limit; forgets keys with nothing left.
  lockouts: `
local out = {}
for _, k in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  local w = wait(k)
  local z = zkey(k)
  if w > 0 then
    local pending = 0
    local all = redis.call('ZRANGE', z, 0, -1)
    for _, m in ipairs(all) do
      if string.sub(m, -1) == 'p' then pending = pending + 1 end
    end
    table.insert(out, {k, #all - pending, pending, w})
  elseif redis.call('EXISTS', z) == 0 then
    redis.call('ZREM', idx, k)
  end
end
return out`,
  size: `
for _, k in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
  recent(k)
  if redis.call('EXISTS', zkey(k)) == 0 then redis.call('ZREM', idx, k) end
end
return redis.call('ZCARD', idx)`,
};

type Op = keyof typeof SCRIPTS;

const BODIES = Object.fromEntries(
  Object.entries(SCRIPTS).map(([op, body]) => {
    const text = PRELUDE + body;
    return [op, { text, sha: createHash('sha1').update(text).digest('hex') }];
  }),
) as Record<Op, { text: string; sha: string }>;

export class RedisFailureLimiter {
  private readonly prefix: string;
  private readonly index: string;
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;

  constructor(private readonly o: RedisLimiterOptions) {
    this.prefix = clusterKeys(o.cluster).login;
    this.index = `${this.prefix}index`;
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 15 * 60_000;
    this.maxKeys = o.maxKeys ?? 10_000;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. Attempts in flight count. */
  async blockedFor(key: string): Promise<number> {
    return Number(await this.run('blockedFor', [key]));
  }

  /** Reserves one attempt on every key at once, or says how long to wait (and reserves nothing). */
  async reserve(keys: readonly string[]): Promise<{ attempt: RedisAttempt } | { waitMs: number }> {
    const [ok, value] = (await this.run('reserve', keys)) as [number, number | string];
    if (ok !== 1) return { waitMs: Number(value) };
    const held = String(value);
    let settled = false;
    const settle = (op: 'failed' | 'release') => async (): Promise<void> => {
      if (settled) return;
      settled = true;
      await this.run(op, [held, ...keys]);
    };
    return { attempt: { failed: settle('failed'), release: settle('release') } };
  }

  /** Counts one failure for `key` now (without a reservation). */
  async fail(key: string): Promise<void> {
    await this.run('fail', [key]);
  }

  /** Forgets `key`'s failures (not its attempts in flight); true when there was anything to forget. */
  async reset(key: string): Promise<boolean> {
    return Number(await this.run('reset', [key])) > 0;
  }

  /** The keys at their limit now, longest wait first. */
  async lockouts(): Promise<Lockout[]> {
    const rows = (await this.run('lockouts', [])) as [string, number, number, number][];
    return rows
      .map(([key, failures, pending, waitMs]) => ({ key, failures, pending, waitMs }))
      .sort((a, b) => b.waitMs - a.waitMs || a.key.localeCompare(b.key));
  }

  /** Keys with attempts in the window. */
  async size(): Promise<number> {
    return Number(await this.run('size', []));
  }

  private async run(op: Op, args: readonly string[]): Promise<unknown> {
    const { redis } = this.o;
    if (!redis.isReady) throw new LimiterUnavailableError();
    const options = {
      keys: [this.index],
      arguments: [
        this.prefix,
        String(this.o.clock.now()),
        String(this.windowMs),
        String(this.max),
        String(this.maxKeys),
        ...args,
      ],
    };
    const script = BODIES[op];
    try {
      return await redis.evalSha(script.sha, options);
    } catch (err) {
      // Redis forgets its scripts when it restarts: send the text, which it caches again.
      if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
      return redis.eval(script.text, options);
    }
  }
}
