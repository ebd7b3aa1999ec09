// Versioned schema for the SQLite store. `PRAGMA user_version` holds the number of the last migration
// applied; each migration runs in its own IMMEDIATE transaction together with the version bump, so a
// crash mid-migration leaves the previous version intact. Never edit a released migration: append one.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'inventory, outages, rollups',
    sql: `
      -- Foreign keys are deferred so one inventory change may list children before their parents
      -- (and delete a unit together with its points) in any order; they are checked at COMMIT.
      CREATE TABLE units (
        id     TEXT PRIMARY KEY,
        parent TEXT REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED,
        json   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX units_parent ON units(parent);

      CREATE TABLE points (
        code TEXT PRIMARY KEY,
        unit TEXT NOT NULL REFERENCES units(id) DEFERRABLE INITIALLY DEFERRED,
        json TEXT NOT NULL
      ) STRICT;
      CREATE INDEX points_unit ON points(unit);

      CREATE TABLE meetings (
        id   TEXT PRIMARY KEY,
        json TEXT NOT NULL
      ) STRICT;

      -- No foreign key to points: the outage log must outlive the point it describes.
      -- AUTOINCREMENT so an id printed in a signed report is never reused.
      CREATE TABLE outages (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        point       TEXT NOT NULL,
        meeting     TEXT,
        type        TEXT NOT NULL CHECK (type IN ('down', 'severe')),
        phase       TEXT CHECK (phase IN ('scheduled', 'lineTest', 'waiting', 'live', 'ended')),
        started_at  INTEGER NOT NULL,
        detected_at INTEGER NOT NULL,
        ended_at    INTEGER
      ) STRICT;
      CREATE INDEX outages_meeting ON outages(meeting, started_at);
      CREATE INDEX outages_point ON outages(point, started_at);
      CREATE INDEX outages_started ON outages(started_at);
      CREATE INDEX outages_open ON outages(point) WHERE ended_at IS NULL;

      CREATE TABLE rollups (
        point    TEXT NOT NULL,
        host     TEXT NOT NULL,
        t        INTEGER NOT NULL CHECK (t % 10000 = 0),
        sent     INTEGER NOT NULL CHECK (sent >= 0),
        received INTEGER NOT NULL CHECK (received >= 0 AND received <= sent),
        rtt_min  REAL,
        rtt_avg  REAL,
        rtt_max  REAL,
        jitter   REAL,
        PRIMARY KEY (point, host, t)
      ) STRICT, WITHOUT ROWID;
      -- The charts ask for one point over a time range across all its hosts; the primary key alone
      -- would scan the point's whole history once per query.
      CREATE INDEX rollups_point_t ON rollups(point, t);
    `,
  },
  {
    version: 2,
    description: 'users, sessions, monitor runs',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL UNIQUE,
        display_name  TEXT,
        role          TEXT NOT NULL CHECK (role IN ('admin', 'technician', 'viewer')),
        units         TEXT NOT NULL DEFAULT '[]',
        password_hash TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;

      -- The token itself is never stored, only its SHA-256: a copy of the database opens no session.
      CREATE TABLE sessions (
        token_hash   TEXT PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE INDEX sessions_last_seen ON sessions(last_seen_at);
      CREATE INDEX sessions_created ON sessions(created_at);

      -- One row per monitor start; gap_from is the previous run's last sign of life when that was
      -- before this start, so the time nobody was watching shows as unknown rather than up or down.
      CREATE TABLE monitor_runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        stopped_at   INTEGER,
        gap_from     INTEGER CHECK (gap_from IS NULL OR gap_from < started_at)
      ) STRICT;
      CREATE INDEX monitor_runs_gap ON monitor_runs(started_at) WHERE gap_from IS NOT NULL;
    `,
  },
];

export const LATEST_VERSION = migrations.reduce((v, m) => Math.max(v, m.version), 0);

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the schema to LATEST_VERSION. Idempotent: applied migrations are skipped. Safe against a
 * second process migrating at the same time (the version is re-read inside the write lock).
 * Throws when the file was written by a newer diemcau, rather than guessing at its schema.
 * `list` is for tests; it must be in ascending version order.
 */
export function migrate(db: Database.Database, logger?: Logger, list: readonly Migration[] = migrations): number {
  const latest = list.reduce((v, m) => Math.max(v, m.version), 0);
  const found = schemaVersion(db);
  if (found > latest) {
    throw new Error(`database schema version ${found} is newer than this diemcau supports (${latest})`);
  }
  for (const m of list) {
    const step = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return false;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    if (step.immediate()) logger?.info({ version: m.version, description: m.description }, 'store: migrated');
  }
  return schemaVersion(db);
}
