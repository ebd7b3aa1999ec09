// deploy/diemcau-backup.sh, the job of the nightly timer (docs/DEPLOY.md): one backup named by the
// time, then the backups older than the days kept removed; a failed backup removes nothing.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_VERSION, schemaVersion } from '../../../server/store/migrations';
import { openStore } from '../../../server/store/open';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'deploy', 'diemcau-backup.sh');
const dir = mkdtempSync(join(tmpdir(), 'dc-backup-timer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

function job(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      [SCRIPT],
      { cwd: ROOT, env: { ...process.env, DIEMCAU_BIN: join(ROOT, 'bin', 'diemcau.mjs'), ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, out: stdout, err: stderr }),
    );
  });
}

/** A file in the backup directory, last modified `daysAgo` days ago. */
function aged(backups: string, name: string, daysAgo: number): void {
  const file = join(backups, name);
  writeFileSync(file, 'cũ');
  const t = new Date(Date.now() - daysAgo * DAY);
  utimesSync(file, t, t);
}

describe('deploy/diemcau-backup.sh', () => {
  it('takes a backup named by the time, then removes the diemcau backups older than the days kept, and nothing else', async () => {
    const db = join(dir, 'diemcau.sqlite');
    await (await openStore(db)).close();
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    aged(backups, 'diemcau-20250101-023000.sqlite', 20);
    aged(backups, 'diemcau-20251120-023000.sqlite', 2);
    aged(backups, 'ghi-chu.txt', 40); // not a backup of this job's
    aged(backups, 'diemcau-20250101-023000.dump', 20); // PostgreSQL's, kept by a PostgreSQL job

    const r = await job({ DIEMCAU_DB: db, DIEMCAU_BACKUP_DIR: backups, DIEMCAU_BACKUP_KEEP_DAYS: '14' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Đã sao lưu');
    expect(r.out).toContain(`đã xóa bản sao lưu cũ: ${join(backups, 'diemcau-20250101-023000.sqlite')}`);
    const kept = ['diemcau-20250101-023000.dump', 'diemcau-20251120-023000.sqlite', 'ghi-chu.txt'];
    const left = readdirSync(backups);
    const fresh = left.filter((f) => !kept.includes(f));
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/^diemcau-\d{8}-\d{6}\.sqlite$/);
    expect(left.sort()).toEqual([...kept, fresh[0]!].sort());
    const copy = new Database(join(backups, fresh[0]!), { readonly: true });
    expect(schemaVersion(copy)).toBe(LATEST_VERSION);
    copy.close();
  });

  it('removes nothing when the backup fails, and exits with its code', async () => {
    const backups = join(dir, 'failing');
    mkdirSync(backups);
    aged(backups, 'diemcau-20250101-023000.sqlite', 20);
    const r = await job({ DIEMCAU_DB: join(dir, 'typo.sqlite'), DIEMCAU_BACKUP_DIR: backups });
    expect(r.code).toBe(1);
    expect(r.err).toContain('Không tìm thấy cơ sở dữ liệu');
    expect(readdirSync(backups)).toEqual(['diemcau-20250101-023000.sqlite']);

    const bad = await job({
      DIEMCAU_DB: join(dir, 'typo.sqlite'),
      DIEMCAU_BACKUP_DIR: backups,
      DIEMCAU_BACKUP_KEEP_DAYS: '2w',
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('DIEMCAU_BACKUP_KEEP_DAYS phải là số ngày');
  });
});
