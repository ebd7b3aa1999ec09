// Migrations 12 and 13 (issue 15): a version-11 database keyed its rollups by host and knew only line
// outages; after them the rollups are keyed by target id, every old outage is the line's with its
// point's primary target, and the seeded template's Hình ảnh / Âm thanh are codec items.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, migrate, migrations } from '../../../server/store/migrations';
import { encodeBlock, slotsOf, type BlockBucket } from '../../../server/store/rollup-codec';
import { openSqliteStore } from '../../../server/store/sqlite';

const dir = mkdtempSync(join(tmpdir(), 'dc-mig12-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = 1_772_758_800_000; // a minute start

describe('migrations 12 and 13', () => {
  it('[TG1][TG7][CL11] re-keys a version-11 database: rollups by target id, outages of the line with their target, codec items', () => {
    const file = join(dir, 'v11.sqlite');
    const raw = new Database(file);
    migrate(
      raw,
      undefined,
      migrations.filter((m) => m.version <= 11),
    );
    const point = {
      code: 'C1',
      name: 'Xã Cẩm Bình',
      level: 'commune',
      unit: 'X',
      targets: [] as unknown[],
      contacts: [],
    };
    point.targets = [
      { kind: 'icmp', host: 'Room-1.Example', role: 'primary' },
      { kind: 'icmp', host: '10.0.0.9', role: 'backup' },
    ];
    const unit = { id: 'X', name: 'Xã Cẩm Bình', level: 'commune', parent: null };
    raw.prepare("INSERT INTO units (id, parent, json) VALUES ('X', NULL, ?)").run(JSON.stringify(unit));
    raw.prepare("INSERT INTO points (code, unit, json) VALUES ('C1', 'X', ?)").run(JSON.stringify(point));
    raw
      .prepare(
        "INSERT INTO outages (point, meeting, type, phase, started_at, detected_at, ended_at) VALUES ('C1', NULL, 'down', NULL, ?, ?, NULL)",
      )
      .run(T, T + 3_000);
    const bucket: BlockBucket = { slot: 0, sent: 10, received: 9, rttMin: 1, rttAvg: 2, rttMax: 3, jitter: 0.5 };
    const put = raw.prepare('INSERT INTO rollup_blocks (point, t, host, slots, data) VALUES (?, ?, ?, ?, ?)');
    put.run('C1', T, 'Room-1.Example', slotsOf([bucket]), encodeBlock([bucket]));
    put.run('C1', T, '10.0.0.9', slotsOf([bucket]), encodeBlock([bucket]));

    expect(migrate(raw)).toBe(LATEST_VERSION);
    expect(raw.prepare('SELECT target FROM rollup_blocks ORDER BY target').pluck().all()).toEqual([
      'icmp:10.0.0.9',
      'icmp:room-1.example',
    ]);
    // The view of the buckets follows the renamed column.
    expect(raw.prepare('SELECT DISTINCT target FROM rollups ORDER BY target').pluck().all()).toEqual([
      'icmp:10.0.0.9',
      'icmp:room-1.example',
    ]);
    const items = JSON.parse(
      raw.prepare("SELECT items FROM checklist_templates WHERE id = 'mac-dinh'").pluck().get() as string,
    ) as { key: string; codec?: string | null }[];
    expect(items.filter((i) => i.codec).map((i) => [i.key, i.codec])).toEqual([
      ['hinh-anh', 'video'],
      ['am-thanh', 'audio'],
    ]);
    raw.close();

    const store = openSqliteStore(file);
    try {
      expect(store.openOutages()).toEqual([
        expect.objectContaining({ point: 'C1', class: 'line', target: 'icmp:room-1.example', kind: 'icmp' }),
      ]);
      expect(store.listRollups('C1', T, T + 60_000).map((r) => r.target)).toEqual([
        'icmp:10.0.0.9',
        'icmp:room-1.example',
      ]);
      // New outages of the endpoint are kept apart.
      const ep = store.openOutage({
        point: 'C1',
        meeting: null,
        type: 'down',
        class: 'endpoint',
        target: 'sip:udp:room-1.example:5060',
        kind: 'sip',
        phase: null,
        startedAt: T + 60_000,
        detectedAt: T + 63_000,
      });
      expect(store.getOutage(ep.id)).toMatchObject({ class: 'endpoint', kind: 'sip' });
    } finally {
      store.close();
    }
  });
});
