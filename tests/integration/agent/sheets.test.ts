// [AG1] The point's agent through the point-list sheets, on SQLite and PostgreSQL: `export points`
// writes a "Trạm đo" column, `import points` reads it back unchanged, sets and clears it, refuses a bad
// name on its row, and keeps a target's own agent and a unit's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExportCli, runImportCli } from '../../../server/import-cli';
import { openStore } from '../../../server/store/open';
import type { Point, Unit } from '../../../shared/schemas';
import { createTestDatabase, ensurePostgres } from '../../helpers/postgres';

const dir = mkdtempSync(join(tmpdir(), 'dc-agent-sheets-'));
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops.splice(0)) await d();
  rmSync(dir, { recursive: true, force: true });
});
let seq = 0;

const BACKENDS: [string, () => Promise<string>][] = [
  ['SQLite', () => Promise.resolve(join(dir, `sheets-${++seq}.sqlite`))],
  [
    'PostgreSQL',
    async () => {
      await ensurePostgres();
      const d = await createTestDatabase('dc_agent_sheets');
      drops.push(() => d.drop());
      return d.url;
    },
  ],
];

const units: Unit[] = [
  { id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'HT-CL', name: 'Huyện Can Lộc', level: 'district', parent: 'HT', agent: 'tram-canloc' },
  { id: 'HT-TK', name: 'Xã Thạch Kim', level: 'commune', parent: 'HT-CL' },
];
const pt = (code: string, host: string, over: Partial<Point> = {}): Point => ({
  code,
  name: `Điểm cầu ${code}`,
  level: 'commune',
  unit: 'HT-TK',
  targets: [{ kind: 'icmp', host, role: 'primary' }],
  contacts: [],
  ...over,
});
const points: Point[] = [
  pt('P1', '127.31.0.1', { agent: 'tram-rieng' }),
  pt('P2', '127.31.0.2', {
    targets: [
      { kind: 'icmp', host: '127.31.0.2', role: 'primary' },
      { kind: 'icmp', host: '127.31.1.2', role: 'backup', agent: 'tram-du-phong' },
    ],
  }),
  pt('P3', '127.31.0.3'),
];

async function run(fn: typeof runImportCli, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fn(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

async function inventory(db: string) {
  const store = await openStore(db);
  try {
    return await store.loadInventory();
  } finally {
    await store.close();
  }
}

describe.each(BACKENDS)('the "Trạm đo" column on %s', (_name, freshDb) => {
  it('[AG1] exports the point agent, imports it back unchanged, sets, clears and refuses it per row', async () => {
    const db = await freshDb();
    const store = await openStore(db);
    await store.saveInventory({ upsertUnits: units, upsertPoints: points });
    await store.close();
    const csv = join(dir, `out-${seq}.csv`);
    expect((await run(runExportCli, ['points', '--format', 'csv', '--out', csv, '--db', db])).code).toBe(0);
    const lines = readFileSync(csv, 'utf8').split('\r\n');
    expect(lines[0]).toMatch(/,Trạm đo$/);
    expect(lines.find((l) => l.startsWith('P1,'))).toMatch(/,tram-rieng$/);
    expect(lines.find((l) => l.startsWith('P3,'))).toMatch(/,$/);
    const back = await run(runImportCli, ['points', csv, '--db', db]);
    expect(back.out).toContain('0 mới, 0 cập nhật, 3 không đổi');
    const before = await inventory(db);
    expect(before.points).toEqual(points);

    // Set on P3, cleared on P1 (its unit's agent applies again), P2's backup keeps its own.
    const edit = join(dir, `edit-${seq}.csv`);
    writeFileSync(
      edit,
      'Mã điểm cầu,Tên điểm cầu,Mã đơn vị,Địa chỉ IP,IP dự phòng,Trạm đo\n' +
        'P1,Điểm cầu P1,HT-TK,127.31.0.1,,\n' +
        'P2,Điểm cầu P2,HT-TK,127.31.0.2,127.31.1.2,\n' +
        'P3,Điểm cầu P3,HT-TK,127.31.0.3,,tram-moi\n',
    );
    const applied = await run(runImportCli, ['points', edit, '--db', db]);
    expect(applied.code).toBe(0);
    const after = await inventory(db);
    const byCode = new Map(after.points.map((p) => [p.code, p]));
    expect(byCode.get('P1')?.agent).toBeUndefined();
    expect(byCode.get('P2')?.targets[1]).toEqual({
      kind: 'icmp',
      host: '127.31.1.2',
      role: 'backup',
      agent: 'tram-du-phong',
    });
    expect(byCode.get('P3')?.agent).toBe('tram-moi');
    expect(after.units).toEqual(units);

    const bad = join(dir, `bad-${seq}.csv`);
    writeFileSync(
      bad,
      'Mã điểm cầu,Tên điểm cầu,Mã đơn vị,Địa chỉ IP,Trạm đo\nP3,Điểm cầu P3,HT-TK,127.31.0.3,Trạm Mới\n',
    );
    const refused = await run(runImportCli, ['points', bad, '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/dòng 2 \(điểm cầu P3\): Trạm đo “Trạm Mới”: tên trạm đo chỉ gồm chữ thường/);
    expect(await inventory(db)).toEqual(after);
  });
});
