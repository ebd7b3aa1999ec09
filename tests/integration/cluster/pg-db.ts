// A database of its own for each lease test on the machine's PostgreSQL (tests/helpers/postgres.ts),
// dropped after the test even when it failed; one-off admin queries that return rows.
import { Client } from 'pg';
import { createTestDatabase, ensurePostgres, pgUrl } from '../../helpers/postgres';

export const ADMIN_URL = pgUrl('postgres');

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

export interface TestDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database `dc_<prefix>_<random>` (tests/helpers/postgres.ts); drop() ends its sessions. */
export async function createTestDb(prefix: string): Promise<TestDb> {
  await ensurePostgres();
  return createTestDatabase(`dc_${prefix}`);
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
