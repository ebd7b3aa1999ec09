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

/**
 * A gate between these tests and the one that restarts PostgreSQL (lease-restart.test.ts): each test
 * holds it shared while its database exists; the restart takes it exclusive, so it waits for running
 * tests to end and tests starting meanwhile wait behind it (PostgreSQL queues lock requests fairly).
 */
const GATE = [0x64636d6c, 1];
export type Gate = 'shared' | 'exclusive';

async function takeGate(mode: Gate): Promise<() => Promise<void>> {
  const sql = mode === 'shared' ? 'SELECT pg_advisory_lock_shared($1, $2)' : 'SELECT pg_advisory_lock($1, $2)';
  for (;;) {
    await ensurePostgres();
    const c = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    c.on('error', () => undefined); // a restart ends a waiting request: then wait for the server again
    try {
      await c.connect();
      await c.query(sql, GATE);
      return async () => void (await c.end().catch(() => undefined));
    } catch {
      await c.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface TestDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database `dc_<prefix>_<random>` behind the gate; drop() ends its sessions (WITH FORCE). */
export async function createTestDb(prefix: string, gate: Gate = 'shared'): Promise<TestDb> {
  const release = await takeGate(gate);
  const name = `dc_${prefix}_${randomBytes(4).toString('hex')}`;
  try {
    await adminQuery(`CREATE DATABASE ${name}`);
  } catch (err) {
    await release();
    throw err;
  }
  return {
    name,
    url: `${BASE}/${name}`,
    drop: async () => {
      try {
        await ensurePostgres();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await release();
      }
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
