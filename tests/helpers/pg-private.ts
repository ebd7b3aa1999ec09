// A PostgreSQL server of a test's own (initdb in a temp directory, a free port, trust auth), for
// tests that stop and restart it: the machine's shared server keeps serving the other test files.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  url: string;
  port: number;
  /** Stops the server (fast: open connections are ended). */
  stop(): void;
  start(): void;
  /** Stops and starts it again without blocking this process (its clients see their sessions end). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. Idempotent. */
  destroy(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The server runs as the `postgres` user, which may not run as root. */
const asPostgres = (args: string[]): void => {
  execFileSync('runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', timeout: 60_000 });
};
const asPostgresAsync = async (args: string[]): Promise<void> => {
  await promisify(execFile)('runuser', ['-u', 'postgres', '--', ...args], { timeout: 60_000 });
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'dc-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const argv = (cmd: 'start' | 'stop' | 'restart'): string[] => [
    `${BIN}/pg_ctl`,
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    ...(cmd === 'start'
      ? ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']
      : ['-m', 'fast', cmd]),
  ];
  const ctl = (cmd: 'start' | 'stop'): void => asPostgres(argv(cmd));
  ctl('start');
  let destroyed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => ctl('stop'),
    start: () => ctl('start'),
    restart: () => asPostgresAsync(argv('restart')),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        ctl('stop');
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
