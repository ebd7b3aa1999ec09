// Versioned schema of the PostgreSQL store. PostgreSQL has no history to carry: its first migration is
// the schema SQLite reaches at version 13 (../migrations.ts), and every later SQLite migration is added
// here too with the same number, so a version means the same schema on both backends
// (tests/integration/store/pg.test.ts checks the two lists end at the same version). The applied
// versions are rows of `schema_version`. Each migration runs in its own transaction together with its
// row, under an advisory lock, so two instances starting at once migrate once; a database written by a
// newer diemcau is refused rather than guessed at. Never edit a released migration: append one.
import type { Logger } from 'pino';
import type { PgDb, Sql } from './db';
import { SCHEMA_V13 } from './schema';

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

export const pgMigrations: readonly PgMigration[] = [
  {
    version: 13,
    description:
      'the schema of SQLite version 13: inventory, outages, rollup blocks, accounts, checklist, report, alerts',
    sql: SCHEMA_V13,
  },
  {
    version: 14,
    description: 'remote probe agents and their tokens (issue 16)',
    sql: `CREATE TABLE agents (
  name         text COLLATE "C" PRIMARY KEY,
  token_hash   text COLLATE "C" NOT NULL UNIQUE,
  created_at   bigint NOT NULL,
  created_by   text COLLATE "C" NOT NULL,
  token_set_at bigint NOT NULL,
  revoked_at   bigint
)`,
  },
];

export const PG_LATEST_VERSION = pgMigrations.reduce((v, m) => Math.max(v, m.version), 0);

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version     integer PRIMARY KEY,
  description text NOT NULL,
  applied_at  timestamptz NOT NULL DEFAULT now()
)`;

/** The version recorded, 0 for a database (schema) this store never migrated. */
export async function pgSchemaVersion(sql: Pick<Sql, 'rows'>): Promise<number> {
  // Two statements: a query naming a missing table fails as it is parsed, whatever its CASE says.
  const [t] = await sql.rows<{ has: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS has");
  if (!t?.has) return 0;
  const [r] = await sql.rows<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_version');
  return r?.v ?? 0;
}

/**
 * Brings the store's schema to the latest version; returns it. `list` is for tests (ascending order).
 * Throws, changing nothing, when the schema is newer than this code knows.
 */
export async function migratePg(
  db: PgDb,
  logger?: Logger,
  list: readonly PgMigration[] = pgMigrations,
): Promise<number> {
  const latest = list.reduce((v, m) => Math.max(v, m.version), 0);
  // The check comes first, without taking the lock, so a too-new database is never written to.
  const found = await pgSchemaVersion(db);
  if (found > latest) {
    throw new Error(`database schema version ${found} is newer than this diemcau supports (${latest})`);
  }
  for (const m of list) {
    const applied = await db.tx(async (sql) => {
      // A migration may rewrite a big table: the store's statement timeout is not for it.
      await sql.run('SET LOCAL statement_timeout = 0');
      await sql.lock('migrate');
      // Another instance may have migrated while this one waited for the lock: read again under it.
      // Only when absent: creating one needs a right on the database that a prepared schema does not.
      const [ns] = await sql.rows('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema]);
      if (!ns) await sql.run(`CREATE SCHEMA ${db.schema}`);
      await sql.run(VERSION_TABLE);
      const now = await pgSchemaVersion(sql);
      if (now > latest)
        throw new Error(`database schema version ${now} is newer than this diemcau supports (${latest})`);
      if (now >= m.version) return false;
      await sql.run(m.sql);
      await sql.run('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [m.version, m.description]);
      return true;
    });
    if (applied) logger?.info({ version: m.version, description: m.description }, 'store: migrated (PostgreSQL)');
  }
  return pgSchemaVersion(db);
}
