// The PostgreSQL store against a real PostgreSQL: the Store contract every backend passes (each of its
// databases a schema of this file's own database, so reopening a name reaches the same data), then
// what is PostgreSQL's own — the schema equal to SQLite's at the same version, migrations under a lock,
// a too-new schema refused, int8 read as numbers without touching pg's global parsers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client, types } from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION } from '../../../server/store/migrations';
import { openStore } from '../../../server/store/open';
import { openPgStore } from '../../../server/store/pg';
import { PG_LATEST_VERSION, pgMigrations } from '../../../server/store/pg/migrations';
import { openSqliteStore } from '../../../server/store/sqlite';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';
import { storeContract } from '../../unit/store/contract';
import { outage, rollup } from '../../unit/store/fixtures';

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'dc-pg-'));

beforeAll(async () => {
  await ensurePostgres();
  db = await createTestDatabase('diemcau_store');
});
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** A contract database name as a schema of this file's database. */
const schemaOf = (name: string): string => name.toLowerCase().replace(/[^a-z0-9_]/g, '_');

storeContract('PostgreSQL', (name) => openPgStore(db.url, { schema: schemaOf(name), max: 4 }));

/** Runs `f` with a plain client on the test database. */
async function withClient<T>(f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** PostgreSQL's own tables: its version log, and the open minutes of the rollups (pg/rollups.ts). */
const PG_ONLY = ['schema_version', 'rollup_open'];

const columnsOf = (c: Client, schema: string) =>
  c
    .query<{ t: string; c: string }>(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = $1 AND table_name <> ALL($2) ORDER BY 1, 2`,
      [schema, PG_ONLY],
    )
    .then((r) => r.rows.map((x) => `${x.t}.${x.c}`));

/** Every migration's row, once each, the last one LATEST_VERSION. */
const applied = pgMigrations.map((m) => ({ version: m.version }));

/** A first checklist mark (version 0 expected) by `actor`. */
const firstMark = (actor: string) => ({
  point: 'P1',
  key: 'am-thanh',
  value: 'pass' as const,
  actor,
  at: 1_000,
  expectedVersion: 0,
  source: 'manual' as const,
});

describe('PostgreSQL store: schema and migrations', () => {
  it('ends at the same version as SQLite, with the same tables, columns and seeded rows', async () => {
    expect(PG_LATEST_VERSION).toBe(LATEST_VERSION);
    await (await openPgStore(db.url, { schema: 'same' })).close();
    const file = join(dir, 'same.sqlite');
    openSqliteStore(file, { checkpoint: 'inline' }).close();
    const lite = new Database(file, { readonly: true });
    try {
      const sqliteColumns = (
        lite
          .prepare(
            `SELECT m.name AS t, c.name AS c FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2`,
          )
          .all() as { t: string; c: string }[]
      ).map((x) => `${x.t}.${x.c}`);
      const seeded = lite.prepare("SELECT items FROM checklist_templates WHERE id = 'mac-dinh'").pluck().get();
      await withClient(async (c) => {
        expect(await columnsOf(c, 'same')).toEqual(sqliteColumns);
        const r = await c.query("SELECT items FROM same.checklist_templates WHERE id = 'mac-dinh'");
        expect(r.rows[0].items).toBe(seeded);
        const v = await c.query('SELECT version FROM same.schema_version ORDER BY version');
        expect(v.rows).toEqual(applied);
      });
    } finally {
      lite.close();
    }
  });

  it('migrates once when several instances open the same new schema at the same moment', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openPgStore(db.url, { schema: 'race', logger, max: 2 })),
    );
    try {
      expect(lines.filter((l) => l.includes('store: migrated'))).toHaveLength(pgMigrations.length);
      const ids = [];
      for (const s of stores) ids.push((await s.openOutage(outage())).id);
      expect(new Set(ids).size).toBe(4);
      expect(await stores[0]!.listOutages({})).toHaveLength(4);
      const v = await withClient((c) => c.query('SELECT version FROM race.schema_version ORDER BY version'));
      expect(v.rows).toEqual(applied);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('refuses a schema written by a newer diemcau, creating and changing nothing', async () => {
    const store = await openPgStore(db.url, { schema: 'newer' });
    await store.openOutage(outage());
    await store.close();
    const before = await withClient(async (c) => {
      await c.query("INSERT INTO newer.schema_version (version, description) VALUES ($1, 'from the future')", [
        LATEST_VERSION + 1,
      ]);
      return columnsOf(c, 'newer');
    });
    await expect(openPgStore(db.url, { schema: 'newer' })).rejects.toThrow(
      `database schema version ${LATEST_VERSION + 1} is newer than this diemcau supports (${LATEST_VERSION})`,
    );
    await withClient(async (c) => {
      expect(await columnsOf(c, 'newer')).toEqual(before);
      expect((await c.query('SELECT count(*)::int AS n FROM newer.outages')).rows).toEqual([{ n: 1 }]);
      // A schema holding nothing but a newer version gets no tables either.
      await c.query('CREATE SCHEMA bare');
      await c.query('CREATE TABLE bare.schema_version (version integer PRIMARY KEY, description text NOT NULL)');
      await c.query(`INSERT INTO bare.schema_version VALUES (${LATEST_VERSION + 5}, 'x')`);
    });
    await expect(openPgStore(db.url, { schema: 'bare' })).rejects.toThrow(/newer/);
    expect(await withClient((c) => columnsOf(c, 'bare'))).toEqual([]);
  });

  it('reads int8 as numbers through its own pool, leaving pg’s global parsers as they were', async () => {
    const store = await openPgStore(db.url, { schema: 'int8' });
    try {
      const o = await store.openOutage(outage({ startedAt: 1_767_225_600_123, detectedAt: 1_767_225_603_000 }));
      expect(o.id).toBeTypeOf('number');
      expect((await store.getOutage(o.id))?.startedAt).toBe(1_767_225_600_123);
      expect(types.getTypeParser(20)('1767225600123')).toBe('1767225600123');
      const raw = await withClient((c) => c.query('SELECT started_at FROM int8.outages'));
      expect(raw.rows[0].started_at).toBe('1767225600123');
    } finally {
      await store.close();
    }
  });

  it('makes concurrent writers take turns: no merge lost, one winner per checklist version', async () => {
    const [a, b] = await Promise.all([
      openPgStore(db.url, { schema: 'turns', max: 4 }),
      openPgStore(db.url, { schema: 'turns', max: 4 }),
    ]);
    try {
      const T = 1_700_000_020_000;
      // 20 writers, two instances, the same bucket: every count lands.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).writeRollups([rollup({ t: T, sent: 1, received: 1 })])),
      );
      expect((await a.listRollups('P1', T, T + 1))[0]).toMatchObject({ sent: 20, received: 20 });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).writeChecklistMarks('M1', [firstMark(`kt${i}`)])),
      );
      expect(results.filter(([r]) => r!.ok)).toHaveLength(1);
      expect(await a.listChecklistHistory({ meeting: 'M1' })).toHaveLength(1);
      const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).startRun(1_000 * (i + 1))));
      // Each start reads the run before it: taking turns, no two claim the same previous run's end.
      const claimed = runs.map((r) => r.gapFrom).filter((g) => g !== null);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(new Set(runs.map((r) => r.id)).size).toBe(6);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('is what openStore gives for a postgres:// URL (in the public schema)', async () => {
    const store = await openStore(db.url, { pgMax: 2 });
    try {
      expect(store.kind).toBe('postgres');
      await store.openOutage(outage());
      expect((await withClient((c) => c.query('SELECT count(*)::int AS n FROM public.outages'))).rows).toEqual([
        { n: 1 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses a schema name that is not a plain identifier, and use after close', async () => {
    await expect(openPgStore(db.url, { schema: 'x; DROP TABLE y' })).rejects.toThrow(/schema/);
    const store = await openPgStore(db.url, { schema: 'closing' });
    await store.close();
    await store.close();
    await expect(store.listOutages({})).rejects.toThrow(/not open/);
  });
});
