// What only the SQLite store can show: the audit trail is append-only in the file itself (triggers),
// migration 4 applies on its own, and the purge walks points in batches through the index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations, schemaVersion } from '../../../server/store/migrations';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { RollupRow } from '../../../server/store/types';

const dir = mkdtempSync(join(tmpdir(), 'dc-report-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite report tables', () => {
  it('[RP12] refuses to update or delete the outage note history, even with SQL', () => {
    const file = join(dir, 'audit.sqlite');
    const store = openSqliteStore(file);
    const o = store.openOutage({ point: 'P', meeting: 'M', type: 'down', phase: 'live', startedAt: 1, detectedAt: 2 });
    store.saveOutageNote({ outageId: o.id, cause: 'av', note: 'Mất tiếng', by: 'kt', byName: null, at: 3 });
    store.close();
    const db = new Database(file);
    try {
      expect(() => db.prepare("UPDATE outage_note_history SET new_note = 'sửa'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM outage_note_history').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT new_note FROM outage_note_history').pluck().all()).toEqual(['Mất tiếng']);
      // A note cannot point at an outage that does not exist.
      db.pragma('foreign_keys = ON');
      expect(() =>
        db
          .prepare(
            "INSERT INTO outage_notes (outage_id, note, acknowledged_by, acknowledged_at, updated_by, updated_at) VALUES (99, '', 'a', 1, 'a', 1)",
          )
          .run(),
      ).toThrow(/FOREIGN KEY/);
    } finally {
      db.close();
    }
  });

  it('applies migration 4 on its own, on a database left at the version before', () => {
    const file = join(dir, 'v3.sqlite');
    const db = new Database(file);
    try {
      const before = migrations.filter((m) => m.version < 4);
      migrate(db, undefined, before);
      expect(schemaVersion(db)).toBe(Math.max(...before.map((m) => m.version)));
      migrate(db);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['outage_notes', 'outage_note_history', 'report_snapshots']));
    } finally {
      db.close();
    }
  });

  it('[RP13] purges the rollups of many points (several batches), only before the instant', () => {
    const store = openSqliteStore(join(dir, 'purge.sqlite'));
    try {
      const T = 1_800_000_000_000;
      const rows: RollupRow[] = [];
      for (let p = 0; p < 130; p++) {
        for (const t of [T - 20_000, T - 10_000, T]) {
          rows.push({
            point: `P${p}`,
            target: `h${p}`,
            t,
            sent: 1,
            received: 1,
            rttMin: 1,
            rttAvg: 1,
            rttMax: 1,
            jitter: null,
          });
        }
      }
      store.writeRollups(rows);
      expect(store.purgeRollups(T - 10_000)).toBe(130);
      expect(store.purgeRollups(T)).toBe(130);
      expect(store.listRollups('P129', 0, T + 1).map((r) => r.t)).toEqual([T]);
    } finally {
      store.close();
    }
  });
});
