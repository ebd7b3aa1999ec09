// The Redis connections of a cluster of `serve` instances (docs/CLUSTER.md). A connection never gives
// up: it retries with a backoff capped at about a second for as long as Redis is away, and its errors
// are logged (the first of an outage, then once a minute) instead of crashing the process, which is
// what an 'error' event without a listener would do. Blocking readers (XREAD BLOCK) hold a connection
// each, made with duplicateRedis, so they never stall the commands of others.
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from 'pino';
import { UserError } from '../errors';
import { words } from '../../shared/words';

/** A client as createClient makes it here: no modules, RESP3 (node-redis 6's default). */
export type Redis = RedisClientType<{}, {}, {}, 3, {}>;

/** Where a Redis is, from its URL. */
export interface RedisTarget {
  url: string;
  host: string;
  port: number;
  db: number;
  tls: boolean;
  /** The URL without its password, for logs. */
  shown: string;
}

/** `redis://HOST[:PORT][/DB]` or `rediss://…` (TLS); a user and password may come before the host. */
export function parseRedisUrl(raw: string): RedisTarget {
  const refuse = (vi: string, en: string): never => {
    throw new UserError(
      words(`Địa chỉ Redis “${hide(raw)}” không dùng được: ${vi}.`, `Redis URL "${hide(raw)}": ${en}.`),
    );
  };
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return refuse('không phải một URL (dạng redis://máy:6379/0)', 'not a URL (write redis://host:6379/0)');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    refuse('chỉ nhận redis:// hoặc rediss://', 'only redis:// or rediss:// is accepted');
  if (u.hostname === '') refuse('thiếu tên máy', 'the host is missing');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) refuse('cổng không hợp lệ', 'invalid port');
  const path = u.pathname.replace(/^\//, '');
  if (!/^\d{0,5}$/.test(path)) refuse('số cơ sở dữ liệu phải là một số nguyên', 'the database must be a number');
  if (u.search !== '' || u.hash !== '')
    refuse('không nhận tham số sau “?” hay “#”', 'no parameters after "?" or "#" are accepted');
  return {
    url: u.href,
    host: u.hostname,
    port,
    db: path === '' ? 0 : Number(path),
    tls: u.protocol === 'rediss:',
    shown: hide(u.href),
  };
}

/** The URL with its password replaced, so it can be logged and shown. */
function hide(raw: string): string {
  return raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** 50 ms, doubling, capped at 1 s, plus up to 100 ms of jitter; never false: it never gives up. */
export function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 10), 1_000) + Math.floor(Math.random() * 100);
}

export interface RedisOptions {
  logger: Logger;
  /** What this connection is for, in its log lines. */
  name: string;
  /**
   * Commands while Redis is away are refused at once instead of queued (default false: queued until it
   * returns). For writers that must never wait on Redis.
   */
  failFast?: boolean;
  /** A socket idle this long is taken for dead and reconnected (blocking readers: longer than BLOCK). */
  socketTimeoutMs?: number;
  /** CLIENT SETNAME: who holds the connection, in CLIENT LIST. */
  clientName?: string;
  /** Start connecting now (default true); false for a library that calls connect() itself. */
  connect?: boolean;
}

/** A connection to `url` (see parseRedisUrl), connecting in the background. */
export function openRedis(url: string, o: RedisOptions): Redis {
  const target = parseRedisUrl(url);
  const client = createClient({
    url: target.url,
    name: o.clientName,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5_000, socketTimeout: o.socketTimeoutMs },
    disableOfflineQueue: o.failFast ?? false,
    // A bound on what waits for Redis: beyond it commands are refused rather than held in memory.
    commandsQueueMaxLength: 10_000,
  });
  return started(client, o, target.shown);
}

/** A second connection like `client` (a blocking reader's own), connecting in the background. */
export function duplicateRedis(client: Redis, o: RedisOptions): Redis {
  const copy: Redis = client.duplicate({
    name: o.clientName,
    disableOfflineQueue: o.failFast ?? false,
    socket: { ...client.options?.socket, socketTimeout: o.socketTimeoutMs },
  });
  return started(copy, o, 'duplicate');
}

function started(client: Redis, o: RedisOptions, shown: string): Redis {
  watch(client, o.logger.child({ redis: o.name }), shown);
  // connect() retries until Redis answers; it rejects only when the client is closed meanwhile.
  if (o.connect ?? true) client.connect().catch(() => undefined);
  return client;
}

/** Logs an outage once when it starts, once a minute while it lasts, and once when it ends. */
function watch(client: Redis, log: Logger, shown: string): void {
  let failures = 0;
  let lastLog = 0;
  client.on('error', (err: unknown) => {
    failures++;
    const now = Date.now();
    if (failures > 1 && now - lastLog < 60_000) return;
    lastLog = now;
    if (failures === 1) log.warn({ err, url: shown }, 'Redis unreachable; retrying');
    else log.warn({ err, failures }, 'Redis still unreachable');
  });
  client.on('ready', () => {
    if (failures > 0) log.info({ failures }, 'Redis reachable again');
    failures = 0;
  });
}

/** Resolves once `client` can run commands; rejects after `ms` saying so. */
export function untilReady(client: Redis, ms = 10_000): Promise<void> {
  if (client.isReady) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`Redis not reachable within ${ms} ms`));
    }, ms);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** Closes `client` at once (pending commands fail); safe to call twice. */
export function closeRedis(client: Redis): void {
  client.destroy();
}
