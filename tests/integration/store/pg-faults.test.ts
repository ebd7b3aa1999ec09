// The PostgreSQL store when its connections are cut: an administrator terminates its backends (as a
// PostgreSQL restart does) while a write waits inside its transaction. That write fails as a storage
// fault (health.ts isStorageFault: the outage recorder queues and retries such writes) and leaves
// nothing behind; the pool drops the dead connections and the next writes succeed on new ones. A server
// that refuses connections is a storage fault too; a refused row is not.
import { Client } from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStorageFault } from '../../../server/store/health';
import { openPgStore } from '../../../server/store/pg';
import type { OutageType } from '../../../shared/schemas';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';
import { outage } from '../../unit/store/fixtures';

let db: TestDatabase;

beforeAll(async () => {
  await ensurePostgres();
  db = await createTestDatabase('diemcau_faults');
});
afterAll(async () => {
  await db?.drop();
});

/** Polls `f` until it returns true (or fails after `ms`). */
async function until(f: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The store's own backends (application_name diemcau) in the test database. */
const STORE_BACKENDS = `FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'diemcau'`;

describe('PostgreSQL store: connection faults', () => {
  it('fails a write in flight as a storage fault when its backend is terminated, then works again', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => lines.push(l) });
    const store = await openPgStore(db.url, { schema: 'cut', max: 2, logger });
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    try {
      const before = await store.openOutage(outage());
      // Two connections in the pool: one will wait in a transaction, the other sits idle.
      await Promise.all([store.listOutages({}), store.listOutages({})]);
      // Hold the lock the run log's start takes, so that start waits inside its transaction.
      await admin.query('BEGIN');
      await admin.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['diemcau:cut:runs']);
      const inFlight = store.startRun(10_000);
      const settled = inFlight.then(
        () => null,
        (err: unknown) => err,
      );
      await until(
        async () => (await admin.query(`SELECT 1 ${STORE_BACKENDS} AND wait_event_type = 'Lock'`)).rowCount === 1,
        'the start to wait for the lock',
      );
      const killed = await admin.query(`SELECT pg_terminate_backend(pid) ${STORE_BACKENDS}`);
      expect(killed.rowCount).toBe(2);
      const cut = await settled;
      expect(cut).toMatchObject({ code: '57P01' });
      expect(isStorageFault(cut)).toBe(true);
      await admin.query('ROLLBACK');
      await until(async () => (await admin.query(`SELECT 1 ${STORE_BACKENDS}`)).rowCount === 0, 'the backends to end');

      // The next write may still meet a connection the pool has not yet dropped: a storage fault,
      // retried once like the recorder retries; the one after it must succeed.
      const attempt = () =>
        store.startRun(20_000).then(
          (row) => ({ row }),
          (err: unknown) => ({ err }),
        );
      const firstTry = await attempt();
      expect('err' in firstTry ? isStorageFault(firstTry.err) : true).toBe(true);
      const done = 'row' in firstTry ? firstTry : await attempt();
      expect(done).toMatchObject({ row: { startedAt: 20_000, gapFrom: null } });
      const after = await store.openOutage(outage({ point: 'P2' }));
      expect((await store.listOutages({})).map((o) => o.id).sort()).toEqual([before.id, after.id].sort());
      // The write cut in flight left nothing: one run, the one started after.
      expect((await admin.query('SELECT started_at FROM cut.monitor_runs')).rows).toEqual([{ started_at: '20000' }]);
      // The idle connection's loss was heard (unheard, it would have ended the process).
      expect(lines.some((l) => l.includes('PostgreSQL connection lost; reconnecting on next use'))).toBe(true);
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('counts a refused connection as a storage fault, and a refused row as none', async () => {
    const refused = await openPgStore('postgres://postgres@127.0.0.1:1/diemcau', { schema: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isStorageFault(refused)).toBe(true);

    const store = await openPgStore(db.url, { schema: 'rows' });
    try {
      const bad = await store.openOutage(outage({ type: 'flaky' as OutageType })).catch((e: unknown) => e);
      expect(bad).toMatchObject({ code: '23514' });
      expect(isStorageFault(bad)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('cancels a statement held past the statement timeout as a storage fault; the write succeeds once the lock is gone', async () => {
    const store = await openPgStore(db.url, { schema: 'held', statementTimeoutMs: 300 });
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    try {
      const o = await store.openOutage(outage());
      // Another session holds the row (a stuck transaction): the close waits on its lock.
      await locker.query('BEGIN');
      await locker.query('SELECT id FROM held.outages WHERE id = $1 FOR UPDATE', [o.id]);
      const held = await store.closeOutage(o.id, 2_000_000).catch((e: unknown) => e);
      expect(held).toMatchObject({ code: '57014' });
      expect(isStorageFault(held)).toBe(true);
      await locker.query('ROLLBACK');
      await store.closeOutage(o.id, 2_000_000);
      expect((await store.listOutages({}))[0]?.endedAt).toBe(2_000_000);
    } finally {
      await locker.end();
      await store.close();
    }
  });
});
