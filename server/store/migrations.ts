// Versioned schema for the SQLite store. `PRAGMA user_version` holds the number of the last migration
// applied; each migration runs in its own IMMEDIATE transaction together with the version bump, so a
// crash mid-migration leaves the previous version intact. Never edit a released migration: append one.
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { convertRollups } from './rollup-migration';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Work SQL alone cannot do, run after `sql` in the same transaction (data conversions). */
  up?: (db: Database.Database) => void;
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
  {
    version: 3,
    description: 'line-test checklist: templates, marks, audit history, roll calls',
    sql: `
      CREATE TABLE checklist_templates (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
        items      TEXT NOT NULL CHECK (json_valid(items)),
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- At most one default; the store keeps it at exactly one.
      CREATE UNIQUE INDEX checklist_templates_default ON checklist_templates(is_default) WHERE is_default = 1;

      -- The default template, as issue 4 lists it. Its own copy of the list: a migration never changes.
      INSERT INTO checklist_templates (id, name, is_default, items, updated_at) VALUES (
        'mac-dinh', 'Danh mục kiểm tra mặc định', 1, '[
          {"key":"duong-truyen","label":"Đường truyền","hint":"Tự động: thông suốt, không chập chờn nặng trong 60 giây gần nhất","required":true,"mode":"automatic","rule":"line"},
          {"key":"hinh-anh","label":"Hình ảnh","hint":"Nhận được hình ảnh","required":true,"mode":"manual","rule":null},
          {"key":"am-thanh","label":"Âm thanh","hint":"Nghe rõ hai chiều","required":true,"mode":"manual","rule":null},
          {"key":"camera","label":"Camera / góc quay","required":true,"mode":"manual","rule":null},
          {"key":"phong-nen","label":"Phông nền / maket","required":true,"mode":"manual","rule":null},
          {"key":"nguon-dien","label":"Nguồn điện và UPS","required":true,"mode":"manual","rule":null},
          {"key":"duong-truyen-du-phong","label":"Đường truyền dự phòng","hint":"Tự động khi điểm cầu có đường truyền dự phòng","required":false,"mode":"automatic","rule":"backup"},
          {"key":"can-bo-ky-thuat","label":"Cán bộ kỹ thuật trực","hint":"Đã xác nhận họ tên và số điện thoại","required":true,"mode":"manual","rule":null}
        ]', 0);

      -- A meeting's items, copied from a template at first use. No foreign key to meetings: like the
      -- outage log, a meeting's checklist record outlives the meeting.
      CREATE TABLE meeting_checklists (
        meeting     TEXT PRIMARY KEY,
        template    TEXT NOT NULL,
        name        TEXT NOT NULL,
        items       TEXT NOT NULL CHECK (json_valid(items)),
        assigned_at INTEGER NOT NULL
      ) STRICT;

      -- The current mark of each (meeting, point, key): an item's result, or the roll-call
      -- confirmation under the key '@rollcall'. Every write bumps the version (optimistic locking).
      CREATE TABLE checklist_marks (
        meeting TEXT NOT NULL,
        point   TEXT NOT NULL,
        key     TEXT NOT NULL,
        value   TEXT NOT NULL CHECK (
          CASE WHEN key = '@rollcall' THEN value IN ('pending', 'present', 'absent')
               ELSE value IN ('pending', 'pass', 'fail', 'na') END),
        note    TEXT,
        actor   TEXT NOT NULL,
        at      INTEGER NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        PRIMARY KEY (meeting, point, key)
      ) STRICT, WITHOUT ROWID;

      -- Every change, never updated or deleted (the triggers refuse): who set what, when, from what.
      CREATE TABLE checklist_history (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        meeting  TEXT NOT NULL,
        point    TEXT NOT NULL,
        key      TEXT NOT NULL,
        value    TEXT NOT NULL,
        previous TEXT,
        note     TEXT,
        actor    TEXT NOT NULL,
        at       INTEGER NOT NULL,
        version  INTEGER NOT NULL,
        source   TEXT NOT NULL CHECK (source IN ('manual', 'auto'))
      ) STRICT;
      CREATE INDEX checklist_history_mark ON checklist_history(meeting, point, key, id);
      CREATE TRIGGER checklist_history_no_update BEFORE UPDATE ON checklist_history
        BEGIN SELECT RAISE(ABORT, 'checklist_history is append-only'); END;
      CREATE TRIGGER checklist_history_no_delete BEFORE DELETE ON checklist_history
        BEGIN SELECT RAISE(ABORT, 'checklist_history is append-only'); END;

      -- The automatic roll calls: the first capture of a moment stands.
      CREATE TABLE rollcall_captures (
        meeting     TEXT NOT NULL,
        moment      TEXT NOT NULL CHECK (moment IN ('before', 'start')),
        due_at      INTEGER NOT NULL,
        captured_at INTEGER NOT NULL,
        entries     TEXT NOT NULL CHECK (json_valid(entries)),
        PRIMARY KEY (meeting, moment)
      ) STRICT;
    `,
  },
  {
    version: 4,
    description: 'post-meeting report: outage notes with audit trail, report snapshots',
    sql: `
      -- The acknowledgement, cause and note of an outage record. Users are named, not referenced:
      -- the record the centre signs must survive the removal of an account.
      CREATE TABLE outage_notes (
        outage_id        INTEGER PRIMARY KEY REFERENCES outages(id),
        cause            TEXT CHECK (cause IS NULL OR cause IN ('power', 'line', 'endpoint', 'av', 'operator', 'other')),
        note             TEXT NOT NULL DEFAULT '',
        acknowledged_by  TEXT NOT NULL,
        acknowledged_by_name TEXT,
        acknowledged_at  INTEGER NOT NULL,
        updated_by       TEXT NOT NULL,
        updated_by_name  TEXT,
        updated_at       INTEGER NOT NULL
      ) STRICT;

      -- Every edit, old → new; never updated or deleted (the triggers refuse).
      CREATE TABLE outage_note_history (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        outage_id    INTEGER NOT NULL REFERENCES outages(id),
        at           INTEGER NOT NULL,
        by           TEXT NOT NULL,
        by_name      TEXT,
        acknowledged INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
        old_cause    TEXT,
        new_cause    TEXT,
        old_note     TEXT NOT NULL,
        new_note     TEXT NOT NULL
      ) STRICT;
      CREATE INDEX outage_note_history_outage ON outage_note_history(outage_id, id);
      CREATE TRIGGER outage_note_history_no_update BEFORE UPDATE ON outage_note_history
        BEGIN SELECT RAISE(ABORT, 'outage_note_history is append-only'); END;
      CREATE TRIGGER outage_note_history_no_delete BEFORE DELETE ON outage_note_history
        BEGIN SELECT RAISE(ABORT, 'outage_note_history is append-only'); END;

      -- The report as computed when the meeting's window closed: it outlives the purged rollups.
      CREATE TABLE report_snapshots (
        meeting    TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        schedule   TEXT NOT NULL,
        json       TEXT NOT NULL CHECK (json_valid(json))
      ) STRICT;
      CREATE INDEX report_snapshots_created ON report_snapshots(created_at);
    `,
  },
  {
    version: 5,
    description: "the monitor's own blind spans (event-loop stalls, clock steps) listed as gaps",
    sql: `
      -- A span when the monitor ran but could not observe (SPEC MG1-MG3): shown as unknown, excluded
      -- from availability, never an outage.
      CREATE TABLE monitor_blind (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        gap_from INTEGER NOT NULL,
        gap_to   INTEGER NOT NULL CHECK (gap_to > gap_from),
        reason   TEXT NOT NULL CHECK (reason IN ('stall', 'clock'))
      ) STRICT;
      CREATE INDEX monitor_blind_to ON monitor_blind(gap_to);
    `,
  },
  {
    version: 6,
    description: 'display links for wall screens (read-only, revocable)',
    sql: `
      -- Only the token's SHA-256 is kept; the token is shown once, when the link is created. A revoked
      -- link stays listed (who made it, when it was revoked). meeting NULL: the current meeting.
      CREATE TABLE display_links (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        token_hash   TEXT NOT NULL UNIQUE,
        label        TEXT NOT NULL,
        meeting      TEXT,
        created_by   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_seen_at INTEGER,
        revoked_at   INTEGER
      ) STRICT;
    `,
  },
  {
    version: 7,
    description: 'the report PDF as an official document: organisation, number pattern, signers, recipients',
    sql: `
      -- One row: the settings saved on the admin page (shared/report-settings.ts). Absent, the config
      -- file's report section is in force.
      CREATE TABLE report_settings (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        json       TEXT NOT NULL CHECK (json_valid(json)),
        updated_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 8,
    description: 'alert outbox: incidents, deliveries per channel, attempts',
    sql: `
      -- Written by the monitor's process (one incident per outage opening or end; docs/ALERTS.md),
      -- routed to channels by the server: routed_at is set once, in the transaction that creates the
      -- deliveries.
      CREATE TABLE alert_incidents (
        id        TEXT PRIMARY KEY,
        kind      TEXT NOT NULL CHECK (kind IN ('open', 'recovered', 'test')),
        at        INTEGER NOT NULL,
        json      TEXT NOT NULL CHECK (json_valid(json)),
        routed_at INTEGER
      ) STRICT;
      CREATE INDEX alert_incidents_unrouted ON alert_incidents(at) WHERE routed_at IS NULL;

      -- One per incident and channel; a sender holds a pending one while it tries (claimed_until), so
      -- several senders never send the same one twice at once.
      CREATE TABLE alert_deliveries (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        channel       TEXT NOT NULL,
        incident      TEXT NOT NULL REFERENCES alert_incidents(id),
        created_at    INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts  INTEGER NOT NULL CHECK (max_attempts >= 1),
        next_at       INTEGER,
        claimed_until INTEGER,
        last_error    TEXT,
        sent_at       INTEGER,
        UNIQUE (incident, channel)
      ) STRICT;
      CREATE INDEX alert_deliveries_due ON alert_deliveries(channel, next_at) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_channel ON alert_deliveries(channel, id);

      CREATE TABLE alert_attempts (
        delivery INTEGER NOT NULL REFERENCES alert_deliveries(id),
        n        INTEGER NOT NULL CHECK (n >= 1),
        at       INTEGER NOT NULL,
        ms       INTEGER NOT NULL,
        ok       INTEGER NOT NULL CHECK (ok IN (0, 1)),
        error    TEXT,
        PRIMARY KEY (delivery, n)
      ) STRICT;
    `,
  },
  {
    version: 9,
    description: 'rollups as one row per target and minute, the 10 s buckets packed in a BLOB (issue 14)',
    sql: `
      -- Six 10 s buckets per row in the layout of rollup-codec.ts (versioned); slots is their bitmap
      -- (bit i: the bucket at t + i × 10 s is present), so SQL can count and list buckets unpacked.
      -- Point first: a point's blocks are one range for the charts, the digest and the purge.
      CREATE TABLE rollup_blocks (
        point TEXT NOT NULL,
        t     INTEGER NOT NULL CHECK (t % 60000 = 0),
        host  TEXT NOT NULL,
        slots INTEGER NOT NULL CHECK (slots > 0 AND slots < 64),
        data  BLOB NOT NULL CHECK (length(data) >= 2),
        PRIMARY KEY (point, t, host)
      ) STRICT, WITHOUT ROWID;
    `,
    // Copies the one-row-per-bucket table into blocks, then drops it and leaves a view of that name
    // listing the stored buckets (point, host, t) for anyone who looks with SQL.
    up: convertRollups,
  },
  {
    version: 10,
    description: 'alert routing to people and escalation: a delivery per recipient and level, acknowledgements',
    sql: `
      -- Rebuilt (SQLite cannot drop a UNIQUE or change a CHECK): children copied out first, so no
      -- foreign key is broken at any step. A delivery is now per incident, channel and recipient
      -- (recipient_key '' for the channel's own target), with its escalation level; 'cancelled' is an
      -- escalation not sent because the incident was acknowledged or recovered. Incidents gain 'ack'
      -- (the notice that someone took one).
      CREATE TEMP TABLE v10_incidents AS SELECT * FROM alert_incidents;
      CREATE TEMP TABLE v10_deliveries AS SELECT * FROM alert_deliveries;
      CREATE TEMP TABLE v10_attempts AS SELECT * FROM alert_attempts;
      DROP TABLE alert_attempts;
      DROP TABLE alert_deliveries;
      DROP TABLE alert_incidents;

      CREATE TABLE alert_incidents (
        id        TEXT PRIMARY KEY,
        kind      TEXT NOT NULL CHECK (kind IN ('open', 'recovered', 'test', 'ack')),
        at        INTEGER NOT NULL,
        json      TEXT NOT NULL CHECK (json_valid(json)),
        routed_at INTEGER
      ) STRICT;
      CREATE INDEX alert_incidents_unrouted ON alert_incidents(at) WHERE routed_at IS NULL;
      INSERT INTO alert_incidents SELECT id, kind, at, json, routed_at FROM v10_incidents;

      CREATE TABLE alert_deliveries (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        channel       TEXT NOT NULL,
        incident      TEXT NOT NULL REFERENCES alert_incidents(id),
        recipient_key TEXT NOT NULL DEFAULT '',
        recipient     TEXT CHECK (recipient IS NULL OR json_valid(recipient)),
        level         INTEGER NOT NULL DEFAULT 0 CHECK (level >= 0),
        created_at    INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
        attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts  INTEGER NOT NULL CHECK (max_attempts >= 1),
        next_at       INTEGER,
        claimed_until INTEGER,
        last_error    TEXT,
        sent_at       INTEGER,
        UNIQUE (incident, channel, recipient_key)
      ) STRICT;
      CREATE INDEX alert_deliveries_due ON alert_deliveries(channel, next_at) WHERE status = 'pending';
      CREATE INDEX alert_deliveries_channel ON alert_deliveries(channel, id);
      INSERT INTO alert_deliveries (id, channel, incident, created_at, status, attempts, max_attempts, next_at,
          claimed_until, last_error, sent_at)
        SELECT id, channel, incident, created_at, status, attempts, max_attempts, next_at, claimed_until,
          last_error, sent_at FROM v10_deliveries;

      CREATE TABLE alert_attempts (
        delivery INTEGER NOT NULL REFERENCES alert_deliveries(id),
        n        INTEGER NOT NULL CHECK (n >= 1),
        at       INTEGER NOT NULL,
        ms       INTEGER NOT NULL,
        ok       INTEGER NOT NULL CHECK (ok IN (0, 1)),
        error    TEXT,
        PRIMARY KEY (delivery, n)
      ) STRICT;
      INSERT INTO alert_attempts SELECT delivery, n, at, ms, ok, error FROM v10_attempts;
      DROP TABLE v10_attempts;
      DROP TABLE v10_deliveries;
      DROP TABLE v10_incidents;

      -- Who took an incident, once (the dashboard's button or a delivery's signed link).
      CREATE TABLE IF NOT EXISTS alert_acks (
        incident TEXT PRIMARY KEY REFERENCES alert_incidents(id),
        at       INTEGER NOT NULL,
        by       TEXT NOT NULL,
        via      TEXT NOT NULL CHECK (via IN ('dashboard', 'link')),
        delivery INTEGER REFERENCES alert_deliveries(id)
      ) STRICT;

      -- The key that signs acknowledgement links (made on first use; rotating it voids every link).
      CREATE TABLE IF NOT EXISTS alert_keys (
        name TEXT PRIMARY KEY,
        key  BLOB NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 11,
    description: "maintenance entries (planned work), the alert gate's verdicts and the daily digest (issue 17)",
    sql: `
      -- IF NOT EXISTS: a database set back to an older version (the migration tests) keeps these.
      -- Planned work on a point or a unit (docs/ALERTS.md "Planned work"): mutes its alerts, shown as
      -- planned on the dashboard and in the report. A unit's entry covers the points of its subtree.
      CREATE TABLE IF NOT EXISTS maintenance (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        target_kind TEXT NOT NULL CHECK (target_kind IN ('point', 'unit')),
        target      TEXT NOT NULL,
        start       INTEGER NOT NULL,
        end         INTEGER NOT NULL CHECK (end > start),
        reason      TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS maintenance_time ON maintenance(start, end);

      -- Incidents the gate held back (server/alerts/gate.ts): muted by planned work, or outside every
      -- meeting window and kept for the daily digest (digest_day set once reported).
      CREATE TABLE IF NOT EXISTS alert_gated (
        incident    TEXT PRIMARY KEY REFERENCES alert_incidents(id),
        action      TEXT NOT NULL CHECK (action IN ('muted', 'digest')),
        maintenance INTEGER,
        at          INTEGER NOT NULL,
        outages     TEXT NOT NULL CHECK (json_valid(outages)),
        digest_day  TEXT
      ) STRICT;
      CREATE INDEX IF NOT EXISTS alert_gated_digest ON alert_gated(at) WHERE action = 'digest' AND digest_day IS NULL;

      -- One digest per day (its summary incident, composed once), and its send to each channel.
      CREATE TABLE IF NOT EXISTS alert_digests (
        day        TEXT PRIMARY KEY,
        json       TEXT NOT NULL CHECK (json_valid(json)),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS alert_digest_sends (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        day        TEXT NOT NULL REFERENCES alert_digests(day),
        channel    TEXT NOT NULL,
        attempts   INTEGER NOT NULL DEFAULT 0,
        sent_at    INTEGER,
        last_error TEXT,
        next_at    INTEGER,
        UNIQUE (day, channel)
      ) STRICT;
    `,
  },
  {
    version: 12,
    description:
      'targets have an identity of their own: rollups keyed by target id, outages carry class, target and kind (issue 15)',
    // In code: SQLite has no ADD COLUMN IF NOT EXISTS, and a database set back to an older version
    // (the migration tests) keeps the columns added before.
    sql: '',
    up: targetIdentity,
  },
  {
    version: 13,
    description:
      "the default checklist's Hình ảnh and Âm thanh are set from the room's codec where one is asked (issue 15)",
    sql: '',
    up: codecItems,
  },
  {
    version: 14,
    description: 'remote probe agents and their tokens (issue 16)',
    sql: `
      -- Only the token's SHA-256 is kept; the token is shown once (docs/AGENTS.md AG2). A revoked agent
      -- stays listed until its name is registered again, which takes its row over with a new token.
      CREATE TABLE IF NOT EXISTS agents (
        name         TEXT PRIMARY KEY,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        token_set_at INTEGER NOT NULL,
        revoked_at   INTEGER
      ) STRICT;
    `,
  },
];

/**
 * Migration 12. A target's id is kind + host + port (+ transport / URL): shared/targets.ts. The rollups
 * so far were all of ICMP targets, keyed by host; the same host may now carry an ICMP line and a SIP
 * endpoint, so the key becomes the id (the rollups view follows the renamed column). An outage is of the
 * point's line or of its endpoint; the ones so far were of the line, whose target is the point's primary
 * ICMP target as the inventory holds it now.
 */
function targetIdentity(db: Database.Database): void {
  const columns = (table: string): string[] =>
    db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[];
  if (columns('rollup_blocks').includes('host')) {
    db.exec(`ALTER TABLE rollup_blocks RENAME COLUMN host TO target;
      UPDATE rollup_blocks SET target = 'icmp:' || lower(target);`);
  }
  const have = columns('outages');
  if (!have.includes('class')) {
    db.exec(`ALTER TABLE outages ADD COLUMN class TEXT NOT NULL DEFAULT 'line' CHECK (class IN ('line', 'endpoint'))`);
  }
  if (!have.includes('target')) db.exec('ALTER TABLE outages ADD COLUMN target TEXT');
  if (!have.includes('kind')) db.exec('ALTER TABLE outages ADD COLUMN kind TEXT');
  db.exec(`UPDATE outages SET kind = 'icmp', target = (
      SELECT 'icmp:' || lower(json_extract(t.value, '$.host'))
      FROM points p, json_each(p.json, '$.targets') t
      WHERE p.code = outages.point AND json_extract(t.value, '$.role') = 'primary'
      LIMIT 1
    ) WHERE target IS NULL`);
}

/**
 * Migration 13 ([CL11]): the seeded default template's "Hình ảnh" and "Âm thanh" become codec items.
 * Only the seeded template, only those two keys, only when an admin has not set `codec` on them.
 */
function codecItems(db: Database.Database): void {
  const row = db.prepare("SELECT items FROM checklist_templates WHERE id = 'mac-dinh'").pluck().get() as
    string | undefined;
  if (row === undefined) return;
  // The seeded hints say how the item is now decided, unless an admin rewrote them.
  const seeded: Record<string, { codec: string; hint: string; now: string }> = {
    'hinh-anh': {
      codec: 'video',
      hint: 'Nhận được hình ảnh',
      now: 'Nhận được hình ảnh (tự động khi điểm cầu có khai báo thiết bị đầu cuối)',
    },
    'am-thanh': {
      codec: 'audio',
      hint: 'Nghe rõ hai chiều',
      now: 'Nghe rõ hai chiều (tự động khi điểm cầu có khai báo thiết bị đầu cuối)',
    },
  };
  const items = JSON.parse(row) as { key: string; mode?: string; hint?: string; codec?: string | null }[];
  let changed = false;
  for (const i of items) {
    const m = seeded[i.key];
    if (m === undefined || i.mode === 'automatic' || i.codec != null) continue;
    i.codec = m.codec;
    if (i.hint === m.hint) i.hint = m.now;
    changed = true;
  }
  if (changed) db.prepare("UPDATE checklist_templates SET items = ? WHERE id = 'mac-dinh'").run(JSON.stringify(items));
}

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
      m.up?.(db);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    if (step.immediate()) logger?.info({ version: m.version, description: m.description }, 'store: migrated');
  }
  return schemaVersion(db);
}
