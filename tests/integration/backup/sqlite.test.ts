// `diemcau backup` on SQLite: copies taken by the real command, in a process of its own, from the file a
// real `diemcau serve` is writing (its monitor flushes rollups every 10 s), each one whole, of the
// same schema version, holding the accounts and points, and later copies holding the later writes.
// An existing --out is refused and left as it was.
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackupCli } from '../../../server/backup-cli';
import { main } from '../../../server/cli';
import { LATEST_VERSION, schemaVersion } from '../../../server/store/migrations';
import { api, login, meetingNow, tinyProvince, waitFor } from '../../helpers/app';
import { startServe } from '../../helpers/serve';
import { openStore } from '../../../server/store/open';
import { mountTmpfs, type Tmpfs } from '../faults/tmpfs';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'diemcau.mjs');
const dir = mkdtempSync(join(tmpdir(), 'dc-backup-'));
const rootSkip = process.getuid?.() === 0 ? null : 'needs root to mount a tmpfs';
let child: ChildProcess | null = null;
let small: Tmpfs | null = null;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  small?.unmount();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process, as `diemcau backup …`. */
async function backup(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runBackupCli(args, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

interface Copy {
  version: number;
  integrity: string;
  journal: string;
  users: string[];
  points: string[];
  buckets: number;
}

function readCopy(file: string): Copy {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      version: schemaVersion(db),
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      journal: db.pragma('journal_mode', { simple: true }) as string,
      users: db.prepare('SELECT name FROM users ORDER BY name').pluck().all() as string[],
      points: db.prepare('SELECT code FROM points ORDER BY code').pluck().all() as string[],
      buckets: db.prepare('SELECT count(*) FROM rollups').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

describe('diemcau backup (SQLite)', () => {
  it(
    'copies the file of a running serve, again and again while its monitor writes: every copy whole, same schema version, with the users and points and the rollups written so far',
    { timeout: 120_000 },
    async () => {
      const { units, points } = tinyProvince(137, 6);
      const serveDir = join(dir, 'serve');
      mkdirSync(serveDir);
      const started = await startServe({
        dir: serveDir,
        inventory: { units, points, meetings: [meetingNow('LIVE', 'live')] },
        user: { name: 'qt', password: 'quản-trị-thử', role: 'admin' },
      });
      child = started.child;
      const t = { url: started.url, cookie: await login(started.url, 'qt', 'quản-trị-thử') };
      // The monitor's first rollup flush (every 10 s) has landed in the live file.
      const live = () => readCopy(started.db).buckets;
      await waitFor('the first rollups written', () => live() > 0, 30_000);

      const copies: Copy[] = [];
      const until = Date.now() + 15_000; // past at least one more flush
      for (let i = 0; Date.now() < until || i < 3; i++) {
        const out = join(dir, `copy-${i}.sqlite`);
        // The command as an operator runs it: a process of its own beside the server's two.
        const r = await run(process.execPath, [BIN, 'backup', '--db', started.db, '--out', out]);
        expect(r.stdout).toContain(`vào ${out} (SQLite, lược đồ phiên bản ${LATEST_VERSION}`);
        expect(statSync(out).mode & 0o777).toBe(0o600);
        copies.push(readCopy(out));
        const health = await api(t, 'GET', '/api/health');
        expect(health.json).toMatchObject({ ok: true, storage: 'ok' });
      }
      for (const c of copies) {
        expect(c).toMatchObject({ version: LATEST_VERSION, integrity: 'ok', journal: 'delete', users: ['qt'] });
        expect(c.points).toEqual(points.map((p) => p.code).sort());
        expect(c.buckets).toBeGreaterThan(0);
      }
      // Later copies hold later writes: the copies follow the live file, not a stale main file.
      const counts = copies.map((c) => c.buckets);
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.at(-1)!).toBeGreaterThan(counts[0]!);
      // Nothing but the copies: no temporary file, no -wal or -shm beside them.
      expect(readdirSync(dir).filter((f) => f !== 'serve')).toEqual(copies.map((_, i) => `copy-${i}.sqlite`).sort());
      // The server went on writing after the last copy.
      const last = counts.at(-1)!;
      await waitFor('a rollup flush after the copies', () => live() > last, 30_000);
    },
  );

  it('refuses an existing --out and leaves it untouched (exit 1), whatever the database', async () => {
    const db = join(dir, 'serve', 'diemcau.sqlite');
    const out = join(dir, 'kept.sqlite');
    writeFileSync(out, 'bản sao lưu hôm qua');
    const before = readdirSync(dir).sort();
    const r = await backup('--db', db, '--out', out);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toBe(`Tệp ${out} đã có: không ghi đè. Chọn tên khác, hoặc tự xóa tệp cũ nếu chắc chắn.\n`);
    expect(readFileSync(out, 'utf8')).toBe('bản sao lưu hôm qua');
    expect(readdirSync(dir).sort()).toEqual(before);
    // A directory is refused the same way.
    expect((await backup('--db', db, '--out', dir)).code).toBe(1);
  });

  it('refuses what it cannot copy: a missing file, a file of no diemcau schema, a missing directory, bad usage', async () => {
    const missing = await backup('--db', join(dir, 'typo.sqlite'), '--out', join(dir, 'x.sqlite'));
    expect(missing).toMatchObject({ code: 1, err: `Không tìm thấy cơ sở dữ liệu ${join(dir, 'typo.sqlite')}.\n` });
    const empty = join(dir, 'empty.sqlite');
    new Database(empty).close();
    const foreign = await backup('--db', empty, '--out', join(dir, 'x.sqlite'));
    expect(foreign).toMatchObject({
      code: 1,
      err: `${empty} không phải cơ sở dữ liệu của diemcau (chưa có lược đồ).\n`,
    });
    const noDir = await backup('--db', empty, '--out', join(dir, 'none', 'x.sqlite'));
    expect(noDir).toMatchObject({ code: 1, err: `Không có thư mục ${join(dir, 'none')}.\n` });
    expect(readdirSync(dir).filter((f) => f.startsWith('x.') || f.includes('partial'))).toEqual([]);
    rmSync(empty);

    expect((await backup('--db', empty)).code).toBe(2);
    const bogus = await backup('--db', empty, '--out', 'x', '--force');
    expect(bogus.code).toBe(2);
    expect(bogus.err).toMatch(/^Không có tùy chọn “--force”/);
    const mysql = await backup('--db', 'mysql://u:mật-khẩu@h/db', '--out', join(dir, 'x.sqlite'));
    expect(mysql).toMatchObject({ code: 1 });
    expect(mysql.err).toContain('“mysql://…”');
    expect(mysql.err).not.toContain('mật-khẩu');
  });

  it('[WE8] says its refusals in English with DIEMCAU_LANG=en, and is listed in the usage', async () => {
    const before = process.env.DIEMCAU_LANG;
    process.env.DIEMCAU_LANG = 'en';
    try {
      const out = join(dir, 'kept.sqlite');
      expect((await backup('--db', 'x.sqlite', '--out', out)).err).toBe(
        `${out} exists: not overwritten. Choose another name, or remove the old file yourself if you are sure.\n`,
      );
    } finally {
      if (before === undefined) delete process.env.DIEMCAU_LANG;
      else process.env.DIEMCAU_LANG = before;
    }
    let usage = '';
    await main(['help'], { stdout: { write: (s: string) => (usage += s) }, stderr: process.stderr } as never);
    expect(usage).toContain('diemcau backup --db FILE|URL --out FILE');
  });
});

describe.skipIf(rootSkip !== null)(
  `diemcau backup onto a full disk${rootSkip ? ` (skipped: ${rootSkip})` : ''}`,
  () => {
    it('fails with the reason (exit 1) and leaves nothing on the disk', async () => {
      const db = join(dir, 'big.sqlite');
      await (await openStore(db)).close();
      const fill = new Database(db);
      fill.exec('CREATE TABLE ballast (b BLOB)');
      const add = fill.prepare('INSERT INTO ballast VALUES (randomblob(65536))');
      for (let i = 0; i < 64; i++) add.run(); // ~4 MB, twice the room below
      fill.close();
      small = mountTmpfs(2);
      const out = join(small.dir, 'copy.sqlite');
      const r = await backup('--db', db, '--out', out);
      expect(r.code).toBe(1);
      expect(r.err).toBe('Sao lưu thất bại: database or disk is full\n');
      expect(readdirSync(small.dir)).toEqual([]);
    });
  },
);
