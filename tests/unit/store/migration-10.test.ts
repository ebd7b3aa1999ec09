// Migration 10 rebuilds the alert outbox's tables (a delivery per recipient and level, 'cancelled',
// 'ack' incidents, acknowledgements): what a version-9 database held is all still there, unchanged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, migrations } from '../../../server/store/migrations';
import { openSqliteStore } from '../../../server/store/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'dc-mig10-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration 10', () => {
  it('[AL20] keeps a version-9 outbox: incidents, deliveries with their attempts, as the channel’s own target at level 0', () => {
    const file = join(dir, 'v9.sqlite');
    const raw = new Database(file);
    raw.pragma('foreign_keys = ON');
    migrate(
      raw,
      undefined,
      migrations.filter((m) => m.version <= 9),
    );
    const json = JSON.stringify({ id: 'outage-3-open', kind: 'open', at: 10, outages: [3], points: [], text: 'x' });
    raw
      .prepare(
        "INSERT INTO alert_incidents (id, kind, at, json, routed_at) VALUES ('outage-3-open', 'open', 10, ?, 11)",
      )
      .run(json);
    raw
      .prepare(
        `INSERT INTO alert_deliveries (channel, incident, created_at, status, attempts, max_attempts, next_at, last_error, sent_at)
         VALUES ('ops', 'outage-3-open', 11, 'sent', 2, 8, NULL, 'HTTP 503', 40), ('tg', 'outage-3-open', 11, 'failed', 1, 1, NULL, 'HTTP 400', NULL)`,
      )
      .run();
    raw
      .prepare(
        "INSERT INTO alert_attempts (delivery, n, at, ms, ok, error) VALUES (1, 1, 20, 5, 0, 'HTTP 503'), (1, 2, 40, 4, 1, NULL)",
      )
      .run();
    expect(migrate(raw)).toBe(LATEST_VERSION);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();

    const store = openSqliteStore(file);
    try {
      const a = store.alerts;
      expect(a.listDeliveries({}).map((d) => [d.id, d.channel, d.status, d.attempts, d.recipient, d.level])).toEqual([
        [2, 'tg', 'failed', 1, null, 0],
        [1, 'ops', 'sent', 2, null, 0],
      ]);
      expect(a.listAttempts(1).map((x) => [x.n, x.ok, x.error])).toEqual([
        [1, false, 'HTTP 503'],
        [2, true, null],
      ]);
      expect(a.openIncidentsOf([3])).toEqual(['outage-3-open']);
      // New ids follow the old ones.
      expect(a.addIncident({ ...a.getIncident('outage-3-open')!, id: 'outage-4-open', outages: [4] })).toBe(true);
      a.routeIncident('outage-4-open', 50, [{ channel: 'ops', maxAttempts: 1 }]);
      expect(a.incidentDeliveries('outage-4-open')[0]!.id).toBe(3);
    } finally {
      store.close();
    }
  });
});
