// `diemcau backup` on PostgreSQL: pg_dump's archive of a test database, restored as docs/DEPLOY.md says
// (`pg_restore --clean --if-exists -d URL FILE`) over a second diemcau database holding other rows,
// gives back the same rows; refusals (an existing --out, a database of no diemcau schema, pg_dump
// missing or failing) leave no file behind. Each test has databases of its own, dropped afterwards.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { Client } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBackupCli } from '../../../server/backup-cli';
import { Sessions } from '../../../server/auth/sessions';
import { Users } from '../../../server/auth/users';
import { ManualClock } from '../../../server/clock';
import { libpqTarget } from '../../../server/store/backup';
import { openStore } from '../../../server/store/open';
import { PG_LATEST_VERSION } from '../../../server/store/pg/migrations';
import { meetingNow, tinyProvince } from '../../helpers/app';
import { adminQuery, createTestDatabase, ensurePostgres, type TestDatabase } from '../../helpers/postgres';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'dc-pgbackup-'));
const dbs: TestDatabase[] = [];

beforeAll(() => ensurePostgres());
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.drop();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function database(prefix: string): Promise<TestDatabase> {
  const d = await createTestDatabase(prefix);
  dbs.push(d);
  return d;
}

async function backup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runBackupCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

/** A diemcau database with `users` and a small province, an outage and a meeting, written through the store. */
async function seed(url: string, octet: number, users: string[]): Promise<void> {
  const store = await openStore(url);
  try {
    const clock = new ManualClock(Date.parse('2026-03-06T01:00:00Z'));
    const sessions = new Sessions({ store, clock, logger: pino({ level: 'silent' }) });
    const accounts = new Users({ store, clock, sessions });
    for (const name of users) await accounts.create({ name, password: `mật-khẩu-${name}`, role: 'technician' });
    const { units, points } = tinyProvince(octet, 4);
    await store.saveInventory({ upsertUnits: units, upsertPoints: points, upsertMeetings: [meetingNow('HN', 'live')] });
    const o = await store.openOutage({
      point: 'C2',
      meeting: 'HN',
      type: 'down',
      class: 'line',
      target: `icmp:127.${octet}.1.2`,
      kind: 'icmp',
      phase: 'live',
      startedAt: clock.now() - 60_000,
      detectedAt: clock.now() - 57_000,
    });
    await store.closeOutage(o.id, clock.now());
  } finally {
    await store.close();
  }
}

const TABLES = ['units', 'points', 'meetings', 'users', 'outages', 'schema_version'];

/** Every row of the tables that matter, in a fixed order. */
async function rows(url: string): Promise<Record<string, unknown[]>> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of TABLES) out[t] = (await c.query(`SELECT * FROM ${t} ORDER BY 1`)).rows;
    return out;
  } finally {
    await c.end();
  }
}

describe('diemcau backup (PostgreSQL)', () => {
  it('dumps a database that pg_restore --clean --if-exists puts back over another: the same rows', async () => {
    const src = await database('backup_src');
    const dst = await database('backup_dst');
    await seed(src.url, 138, ['hoa', 'tuan']);
    await seed(dst.url, 139, ['khac']); // what a restore replaces: other rows of the same schema
    const out = join(dir, 'tinh.dump');
    const r = await backup('--db', src.url, '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`vào ${out} (PostgreSQL, lược đồ phiên bản ${PG_LATEST_VERSION}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('PGDMP'); // pg_dump's custom format

    await run('pg_restore', ['--clean', '--if-exists', '-d', dst.url, out]);
    const want = await rows(src.url);
    expect(want.users).toHaveLength(2);
    expect(want.points).toHaveLength(6);
    expect(want.outages).toHaveLength(1);
    expect(await rows(dst.url)).toEqual(want);
    // The restored database opens as it is: same version, nothing to migrate, the same inventory.
    const a = await openStore(src.url);
    const b = await openStore(dst.url);
    try {
      expect(await b.loadInventory()).toEqual(await a.loadInventory());
      expect((await b.listUsers()).map((u) => u.name)).toEqual(['hoa', 'tuan']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses an existing --out, a database of no diemcau schema and a missing pg_dump: nothing written', async () => {
    const src = await database('backup_refuse');
    await seed(src.url, 140, ['hoa']);
    const out = join(dir, 'hom-qua.dump');
    writeFileSync(out, 'bản sao lưu hôm qua');
    const taken = await backup('--db', src.url, '--out', out);
    expect(taken).toMatchObject({ code: 1, out: '' });
    expect(taken.err).toContain('đã có: không ghi đè');
    expect(readFileSync(out, 'utf8')).toBe('bản sao lưu hôm qua');

    const empty = await database('backup_empty');
    const foreign = await backup('--db', empty.url, '--out', join(dir, 'x.dump'));
    expect(foreign).toMatchObject({
      code: 1,
      err: 'Cơ sở dữ liệu PostgreSQL này không phải của diemcau (không có bảng schema_version).\n',
    });

    const path = process.env.PATH;
    process.env.PATH = dir; // no pg_dump on it
    try {
      const none = await backup('--db', src.url, '--out', join(dir, 'x.dump'));
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/^Không tìm thấy pg_dump: cài gói postgresql-client/);
    } finally {
      process.env.PATH = path;
    }
    expect(
      readdirSync(dir)
        .filter((f) => f !== 'tinh.dump')
        .sort(),
    ).toEqual(['hom-qua.dump']);
  });

  it('reports pg_dump failing (exit code and its message) and leaves nothing', async () => {
    const src = await database('backup_denied');
    await seed(src.url, 141, ['hoa']);
    // A role that may read the version but not the tables: pg_dump stops at the first table it cannot lock.
    const role = `${src.name}_r`;
    await adminQuery(`CREATE ROLE ${role} LOGIN`);
    try {
      await adminQuery(`GRANT CONNECT ON DATABASE ${src.name} TO ${role}`);
      const c = new Client({ connectionString: src.url });
      await c.connect();
      await c.query(`GRANT SELECT ON schema_version TO ${role}`).finally(() => c.end());
      const url = new URL(src.url);
      url.username = role;
      const out = join(dir, 'denied.dump');
      const r = await backup('--db', url.toString(), '--out', out);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^pg_dump thất bại \(mã thoát 1\): pg_dump: error: .*permission denied/);
      expect(readdirSync(dir).some((f) => f.includes('denied'))).toBe(false);
    } finally {
      await src.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('gives libpq the URL without its password, and the password (decoded) as PGPASSWORD', () => {
    expect(
      libpqTarget('postgres://diemcau:m%E1%BA%ADt%40kh%E1%BA%A9u@db.tinh.vn:5432/diemcau?sslmode=require'),
    ).toEqual({
      url: 'postgres://diemcau@db.tinh.vn:5432/diemcau?sslmode=require',
      env: { PGPASSWORD: 'mật@khẩu' },
    });
    expect(libpqTarget('postgres://postgres@127.0.0.1/x')).toEqual({ url: 'postgres://postgres@127.0.0.1/x', env: {} });
  });
});
