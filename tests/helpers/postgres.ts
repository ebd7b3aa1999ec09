// The real PostgreSQL of this machine for the tests (127.0.0.1:5432, trust auth, user postgres; override
// with DIEMCAU_TEST_PG, a postgres:// URL without a database). ensurePostgres() starts the cluster when
// it is down; createTestDatabase() gives each test file a database of its own, dropped afterwards.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** The server's URL, without a database. */
export const PG_SERVER = process.env.DIEMCAU_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

/** The URL of database `name` on the test server. */
export const pgUrl = (name: string): string => `${PG_SERVER.replace(/\/+$/, '')}/${name}`;

const START = ['pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start']] as const;

async function reachable(): Promise<Error | null> {
  const c = new Client({ connectionString: pgUrl('postgres'), connectionTimeoutMillis: 3_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Resolves once PostgreSQL answers, starting the cluster if needed; throws saying why it cannot. */
export async function ensurePostgres(timeoutMs = 30_000): Promise<void> {
  const first = await reachable();
  if (first === null) return;
  try {
    await run(START[0], [...START[1]], { timeout: 60_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: string | number };
    // "already running" with a refused connection: the server is starting or misconfigured; wait below.
    if (!/already running/.test(e.stderr ?? '')) {
      throw new Error(
        `PostgreSQL is not reachable at ${PG_SERVER} (${first.message}) and \`${START[0]} ${START[1].join(' ')}\` ` +
          `failed: ${e.code === 'ENOENT' ? `${START[0]} is not installed` : (e.stderr ?? e.message).trim()}`,
        { cause: err },
      );
    }
  }
  const deadline = Date.now() + timeoutMs;
  let last: Error | null = first;
  while (Date.now() < deadline) {
    last = await reachable();
    if (last === null) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`PostgreSQL was started but still refuses connections at ${PG_SERVER}: ${last?.message}`);
}

/** Runs one statement on the maintenance database. */
export async function adminQuery(sql: string, params: unknown[] = []): Promise<void> {
  const c = new Client({ connectionString: pgUrl('postgres') });
  await c.connect();
  try {
    await c.query(sql, params);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, ending any connection still open to it. Idempotent. */
  drop(): Promise<void>;
}

/** A new, empty database named `${prefix}_<random>` (PostgreSQL must be up: ensurePostgres). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  let dropped = false;
  return {
    name,
    url: pgUrl(name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
