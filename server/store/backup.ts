// Copies of a live database for `diemcau backup` (server/backup-cli.ts; docs/DEPLOY.md). SQLite: the
// online backup API from a consistent snapshot while the server goes on writing (WAL), then the copy
// is opened and checked. PostgreSQL: pg_dump's custom format, read back with `pg_restore --list`.
// Nothing here migrates: a backup must copy the schema as found, whatever this code's version.
import { spawn } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { UserError } from '../errors';
import { words } from '../../shared/words';
import { schemaVersion } from './migrations';

export interface BackupResult {
  kind: 'sqlite' | 'postgres';
  /** The schema version found in the source and in the copy. */
  version: number;
  bytes: number;
}

/** A backup that could not be made or did not check out; nothing is left under the --out name. */
export class BackupError extends UserError {
  constructor(vi: string, en: string) {
    super(words(vi, en));
    this.name = 'BackupError';
  }
}

// Pages per backup step: everything at once. In steps, each write of another connection between two
// steps restarts the copy from the first page, and a server writing every second could keep a large
// file from ever finishing. One step reads one WAL snapshot and never blocks the server's writers.
const ALL_PAGES = 0x7fffffff;

/** Copies the SQLite file `file` to `to` (which must not exist) and checks the copy. */
export async function backupSqlite(file: string, to: string): Promise<BackupResult> {
  let src: Database.Database;
  try {
    // Read-write, though only read: a read-only connection would leave -wal and -shm files behind
    // (owned by whoever ran the backup) when the server is stopped; this one removes them as it closes.
    src = new Database(file, { fileMustExist: true });
  } catch (err) {
    throw new BackupError(
      `Không mở được cơ sở dữ liệu ${file}: ${(err as Error).message}`,
      `Cannot open database ${file}: ${(err as Error).message}`,
    );
  }
  let version: number;
  try {
    src.pragma('busy_timeout = 5000');
    version = schemaVersion(src);
    if (version === 0) {
      throw new BackupError(
        `${file} không phải cơ sở dữ liệu của diemcau (chưa có lược đồ).`,
        `${file} is not a diemcau database (no schema).`,
      );
    }
    await src.backup(to, { progress: () => ALL_PAGES });
  } finally {
    src.close();
  }
  checkSqliteCopy(to, version);
  chmodSync(to, 0o600); // password hashes and the outage log: for the service's user only
  return { kind: 'sqlite', version, bytes: statSync(to).size };
}

/** The copy opens, is whole, has the source's schema version, and is one file (no -wal to forget). */
function checkSqliteCopy(to: string, version: number): void {
  const copy = new Database(to, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const found = schemaVersion(copy);
    if (found !== version) {
      throw new BackupError(
        `Bản sao có lược đồ phiên bản ${found}, khác bản gốc (${version}).`,
        `The copy has schema version ${found}, not the source's ${version}.`,
      );
    }
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new BackupError(`Bản sao bị hỏng: ${String(check)}`, `The copy is damaged: ${String(check)}`);
    }
  } finally {
    copy.close();
  }
}

/**
 * The URL libpq is given, without its password, and the password as PGPASSWORD: a command line is
 * readable by every user of the machine (ps), the environment is not.
 */
export function libpqTarget(url: string): { url: string; env: NodeJS.ProcessEnv } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not echoed: the text may hold a password.
    throw new BackupError('URL PostgreSQL trong --db không hợp lệ.', 'The PostgreSQL URL given to --db is not valid.');
  }
  if (u.password === '') return { url, env: {} };
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: { PGPASSWORD: password } };
}

/** The schema version recorded in the database at `url` (0: not a diemcau database). */
async function pgVersion(url: string): Promise<number> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    const t = await c.query<{ has: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS has");
    if (!t.rows[0]?.has) return 0;
    const r = await c.query<{ v: number }>('SELECT coalesce(max(version), 0)::int AS v FROM schema_version');
    return r.rows[0]?.v ?? 0;
  } catch (err) {
    throw new BackupError(
      `Không kết nối được PostgreSQL: ${(err as Error).message}`,
      `Cannot connect to PostgreSQL: ${(err as Error).message}`,
    );
  } finally {
    await c.end().catch(() => {});
  }
}

interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a PostgreSQL client program (never through a shell). */
function runTool(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new BackupError(
              `Không tìm thấy ${program}: cài gói postgresql-client (apt-get install postgresql-client), cùng phiên bản chính với máy chủ PostgreSQL hoặc mới hơn.`,
              `${program} not found: install postgresql-client (apt-get install postgresql-client), of the server's major version or newer.`,
            )
          : err,
      );
    });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Dumps the database at `url` to `to` (custom format) and reads the archive back. */
export async function backupPostgres(url: string, to: string): Promise<BackupResult> {
  const target = libpqTarget(url);
  const version = await pgVersion(url);
  if (version === 0) {
    throw new BackupError(
      'Cơ sở dữ liệu PostgreSQL này không phải của diemcau (không có bảng schema_version).',
      'This PostgreSQL database is not a diemcau database (no schema_version table).',
    );
  }
  const dump = await runTool('pg_dump', ['--format=custom', '--file', to, target.url], target.env);
  if (dump.code !== 0) {
    throw new BackupError(
      `pg_dump thất bại (mã thoát ${dump.code}): ${dump.stderr.trim()}`,
      `pg_dump failed (exit code ${dump.code}): ${dump.stderr.trim()}`,
    );
  }
  chmodSync(to, 0o600);
  const list = await runTool('pg_restore', ['--list', to], {});
  if (list.code !== 0 || !/ TABLE \S+ schema_version /.test(list.stdout)) {
    throw new BackupError(
      `pg_restore --list không đọc được bản sao lưu: ${list.stderr.trim() || 'thiếu bảng schema_version'}`,
      `pg_restore --list cannot read the dump: ${list.stderr.trim() || 'no schema_version table'}`,
    );
  }
  return { kind: 'postgres', version, bytes: statSync(to).size };
}
