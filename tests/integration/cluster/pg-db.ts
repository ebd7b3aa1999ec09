// A database of its own for each lease test on the real PostgreSQL at 127.0.0.1:5432 (trust auth, user
// postgres), started here when it is down, dropped after the test even when it failed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

const BASE = 'postgres://postgres@127.0.0.1:5432';
export const ADMIN_URL = `${BASE}/postgres`;

/** One query on a short-lived admin connection. */
export async function adminQuery<R extends Record<string, unknown>>(
  sql: string,
  values: unknown[] = [],
  url = ADMIN_URL,
): Promise<R[]> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined); // a restart may cut it; the query's own rejection reports that
  await c.connect();
  try {
    return (await c.query<R>(sql, values)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function answers(): Promise<boolean> {
  try {
    await adminQuery('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** Starts the cluster when it does not answer, and waits until it does (restarts by other tests too). */
export async function ensurePostgres(timeoutMs = 30_000): Promise<void> {
  if (await answers()) return;
  try {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start'], { stdio: 'ignore' });
  } catch {
    // Already starting (another test restarted it): wait below.
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await answers())) {
    if (Date.now() > deadline) throw new Error('PostgreSQL does not answer at 127.0.0.1:5432');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TestDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database `dc_<prefix>_<random>`; drop() ends its sessions first (WITH FORCE). */
export async function createTestDb(prefix: string): Promise<TestDb> {
  await ensurePostgres();
  const name = `dc_${prefix}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    name,
    url: `${BASE}/${name}`,
    drop: async () => {
      await ensurePostgres();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Polls until `check` gives a value; throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  stepMs = 10,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
