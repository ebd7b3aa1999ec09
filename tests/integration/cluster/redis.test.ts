// Connections to the real Redis: the URL refused unless redis:// or rediss://, a connection that waits
// for a Redis that is not there yet (retrying, logging once, never crashing) and takes it when it comes,
// and a blocking reader's duplicate that leaves the shared connection free.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../server/errors';
import {
  closeRedis,
  duplicateRedis,
  openRedis,
  parseRedisUrl,
  reconnectDelay,
  untilReady,
  type Redis,
} from '../../../server/cluster/redis';
import { ensureRedis, memoryLogger, privateRedis, SHARED_URL, type PrivateRedis } from '../../helpers/redis';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

/** The error parseRedisUrl throws for `url` (the test fails if it accepts it). */
function refusal(url: string): UserError {
  try {
    parseRedisUrl(url);
  } catch (err) {
    return err as UserError;
  }
  throw new Error(`${url} was accepted`);
}

describe('Redis URL', () => {
  it('reads host, port, database and TLS, hiding the password', () => {
    expect(parseRedisUrl('redis://10.1.2.3:6380/2')).toMatchObject({ host: '10.1.2.3', port: 6380, db: 2, tls: false });
    expect(parseRedisUrl('rediss://redis.tinh.gov.vn')).toMatchObject({ port: 6379, db: 0, tls: true });
    expect(parseRedisUrl('redis://[::1]:6379/0')).toMatchObject({ host: '[::1]', port: 6379 });
    const withPassword = parseRedisUrl('redis://diemcau:bímật@127.0.0.1:6379/1');
    expect(withPassword.shown).toBe('redis://diemcau:***@127.0.0.1:6379/1');
  });

  it('refuses anything but redis:// and rediss://, saying why in Vietnamese', () => {
    expect(refusal('http://127.0.0.1:6379')).toBeInstanceOf(UserError);
    expect(refusal('http://127.0.0.1:6379').message).toBe(
      'Địa chỉ Redis “http://127.0.0.1:6379” không dùng được: chỉ nhận redis:// hoặc rediss://.',
    );
    expect(refusal('127.0.0.1:6379').message).toContain('không phải một URL');
    expect(refusal('localhost:6379').message).toContain('chỉ nhận redis://'); // its scheme: localhost:
    expect(refusal('redis://h:0').message).toContain('cổng không hợp lệ');
    expect(refusal('redis://h:99999').message).toContain('không phải một URL');
    expect(refusal('redis://h:6379/abc').message).toContain('số cơ sở dữ liệu');
    expect(refusal('redis://h:6379/0?tls=1').messageIn('en')).toContain('no parameters');
    expect(refusal('redis://u:secret@h:1/x').message).not.toContain('secret');
  });
});

describe('Redis connections', () => {
  it('back off up to about a second and never give up', () => {
    const delays = Array.from({ length: 1_000 }, (_, i) => reconnectDelay(i));
    expect(delays.every((d) => Number.isInteger(d) && d >= 50 && d < 1_100)).toBe(true);
    expect(delays.slice(5).every((d) => d >= 1_000)).toBe(true);
  });

  it('waits for a Redis not there yet, logging once, and takes it when it comes', async () => {
    let server: PrivateRedis | null = await privateRedis({ started: false });
    cleanups.push(() => server?.dispose());
    const { logger, lines } = memoryLogger();
    const c = openRedis(server.url, { logger, name: 'late' });
    cleanups.push(() => closeRedis(c));
    await expect(untilReady(c, 1_500)).rejects.toThrow('Redis not reachable within 1500 ms');
    expect(c.isReady).toBe(false);
    // Several retries in 1.5 s, one line.
    expect(lines.filter((l) => l.msg === 'Redis unreachable; retrying')).toHaveLength(1);
    expect(lines).toHaveLength(1);
    await server.start();
    await untilReady(c, 5_000);
    expect(await c.ping()).toBe('PONG');
    expect(lines.at(-1)).toMatchObject({ msg: 'Redis reachable again', redis: 'late' });
    await server.dispose();
    server = null;
  });

  it('a blocking read on a duplicate leaves the shared connection free', async () => {
    await ensureRedis();
    const logger = pino({ level: 'silent' });
    const shared: Redis = openRedis(SHARED_URL, { logger, name: 'shared' });
    cleanups.push(() => closeRedis(shared));
    await untilReady(shared);
    const reader = duplicateRedis(shared, { logger, name: 'reader' });
    cleanups.push(() => closeRedis(reader));
    await untilReady(reader);
    const blocked = reader.blPop(`diemcau:{test-${process.pid}}:nothing`, 1);
    const t0 = Date.now();
    expect(await shared.ping()).toBe('PONG');
    expect(Date.now() - t0).toBeLessThan(200);
    expect(await blocked).toBeNull();
  });
});
