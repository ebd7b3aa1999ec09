// The real Redis of the tests: ensureRedis() makes sure the shared one on 6379 answers (starting it
// with the project's command line when it does not), testCluster() gives each test a cluster name of
// its own (its keys never meet another test's), dropCluster() deletes them afterwards. Tests that stop
// and restart Redis do it to a private server on a free port (privateRedis), so the shared one never
// goes away under the test files running beside them.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { openRedis, untilReady, type Redis } from '../../server/cluster/redis';

const run = promisify(execFile);

export const SHARED_PORT = 6379;
export const SHARED_URL = `redis://127.0.0.1:${SHARED_PORT}`;

/** The command line of docs (common to every helper), on `port`, with its files under `dir`. */
function serverArgs(port: number, dir: string, logfile: string, pidfile?: string): string[] {
  const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(port), '--save', ''];
  args.push('--appendonly', 'no', '--dir', dir, '--logfile', logfile);
  if (pidfile) args.push('--pidfile', pidfile);
  return args;
}

/** True when a Redis answers PING on `port`. */
export async function pingRedis(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'ping'], { timeout: 2_000 });
    return stdout.trim() === 'PONG';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('redis-cli is not installed (apt install redis-server)', { cause: err });
    return false;
  }
}

async function until(what: string, ok: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startServer(port: number, dir: string, logfile: string, pidfile?: string): Promise<void> {
  try {
    await run('redis-server', serverArgs(port, dir, logfile, pidfile), { timeout: 10_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error('redis-server is not installed (apt install redis-server)', { cause: err });
    throw new Error(`redis-server did not start on port ${port}: ${e.stderr || e.message}`, { cause: err });
  }
  try {
    await until(`Redis on port ${port} did not answer PING`, () => pingRedis(port));
  } catch (err) {
    let tail = '';
    try {
      tail = readFileSync(logfile, 'utf8').split('\n').slice(-10).join('\n');
    } catch {
      // no log written
    }
    throw new Error(`${(err as Error).message}; its log (${logfile}):\n${tail}`, { cause: err });
  }
}

/** The shared Redis answers, started if it was down; throws saying why it cannot be. */
export async function ensureRedis(): Promise<void> {
  if (await pingRedis(SHARED_PORT)) return;
  await startServer(SHARED_PORT, '/var/lib/redis', '/var/log/redis/ci.log');
}

let clusters = 0;

/** A cluster name no other test (of this process or another) uses. */
export function testCluster(): string {
  return `t${process.pid}-${++clusters}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every key of `cluster`. */
export async function dropCluster(redis: Redis, cluster: string): Promise<void> {
  const doomed: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `diemcau:{${cluster}}:*`, COUNT: 1_000 })) doomed.push(...keys);
  if (doomed.length > 0) await redis.unlink(doomed);
}

/** A silent logger that keeps its lines, to check what was logged. */
export function memoryLogger(): { logger: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A connection to the shared Redis, ready. */
export async function sharedClient(logger: Logger = pino({ level: 'silent' })): Promise<Redis> {
  const c = openRedis(SHARED_URL, { logger, name: 'test' });
  await untilReady(c);
  return c;
}

/** A port nothing listens on (just released by the system). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** `redis-cli shutdown nosave`: gone, with its data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if it runs and removes its files; safe to call twice. */
  dispose(): Promise<void>;
}

/** A Redis of the test's own, on a free port, started by the project's command line (now, by default). */
export async function privateRedis(o: { started?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'diemcau-redis-'));
  const start = (): Promise<void> => startServer(port, dir, join(dir, 'redis.log'), join(dir, 'redis.pid'));
  const stop = async (): Promise<void> => {
    if (!(await pingRedis(port))) return;
    await run('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeout: 5_000 }).catch(() => undefined);
    await until(`Redis on port ${port} did not stop`, async () => !(await pingRedis(port)));
  };
  if (o.started ?? true) await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `ok` until it holds (every 50 ms, `ms` at most). */
export async function eventually(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  await until(what, async () => ok(), ms);
}
