// The cluster bench's processes: `diemcau serve` instances on one PostgreSQL database and one Redis,
// started as tests/integration/cluster/failover.test.ts starts them, and the dashboard clients
// (bench/lib/clients.ts) in processes of their own. Every handle can stop its process and, failing
// that, kill it and what it started, so a failed run leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClientsResult } from './clients';
import { descendants } from './cpu';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');

export interface ServeInstance {
  name: string;
  pid: number;
  url: string;
  /** SIGTERM (a clean stop: the monitor's buffers written, the lease released), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

/** SIGTERM, then SIGKILL for the process and every descendant it had when asked to stop. */
export async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (!alive(child)) return;
  const kids = descendants(child.pid!);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // A monitor process ends when its parent goes; one that did not within the grace is ended here.
  for (const k of kids) {
    try {
      process.kill(k.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** `diemcau serve --db URL --redis URL --instance NAME` on a free port; resolves once it listens. */
export function spawnServe(o: {
  name: string;
  config: string;
  db: string;
  redis: string;
  env?: Record<string, string>;
  /** A file that gets everything the process writes (pino's JSON lines at --log-level info). */
  log?: string;
  /** Node's own flags for the serve process (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}): Promise<ServeInstance> {
  const args = ['serve', '--config', o.config, '--db', o.db, '--redis', o.redis, '--instance', o.name];
  args.push('--port', '0', '--host', '127.0.0.1', '--engine', 'fping', '--log-level', o.log ? 'info' : 'warn');
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The tail only: a long run's warnings must not grow the harness's memory.
  let out = '';
  const keep = (b: Buffer): void => void (out = (out + b.toString()).slice(-16_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  if (o.log) {
    const file = createWriteStream(o.log, { flags: 'a' });
    child.stdout.pipe(file);
    child.stderr.pipe(file);
  }
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`serve ${o.name} exited: code ${code} signal ${signal}\n${out.slice(-4000)}\n`);
  });
  const stop = async (): Promise<void> => {
    stopping = true;
    await terminate(child, 20_000);
  };
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const url = /diemcau: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1];
      if (url) {
        clearInterval(poll);
        resolve({ name: o.name, pid: child.pid!, url, stop });
      } else if (!alive(child) || Date.now() - started > 120_000) {
        clearInterval(poll);
        void stop().then(() => reject(new Error(`serve ${o.name} did not start: ${out.slice(-2000)}`)));
      }
    }, 100);
  });
}

export interface ClientsProcess {
  pid: number;
  /** Resolves with Date.now() once every client has joined the meeting. */
  ready: Promise<number>;
  result: Promise<ClientsResult>;
  kill(): Promise<void>;
}

/** `n` dashboards on `url` for `ms` once joined (bench/lib/clients.ts), in a process of their own. */
export function spawnClients(url: string, cookie: string, meeting: string, n: number, ms: number): ClientsProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench/lib/clients.ts'), url, cookie, meeting, String(n), String(ms)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8_000)));
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => line === 'ready' && resolve(Date.now()));
    child.once('exit', (code) => reject(new Error(`clients exited ${code} before joining: ${err.slice(-2000)}`)));
  });
  const result = new Promise<ClientsResult>((resolve, reject) => {
    lines.on('line', (line) => line.startsWith('{') && resolve(JSON.parse(line) as ClientsResult));
    child.once('exit', (code) => reject(new Error(`clients exited ${code} without a result: ${err.slice(-2000)}`)));
  });
  // Whoever does not wait on one of them must not see an unhandled rejection.
  ready.catch(() => {});
  result.catch(() => {});
  return { pid: child.pid!, ready, result, kill: () => terminate(child, 5_000) };
}
