// What the figures were measured on: they mean little without it.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const ROOT = join(import.meta.dirname, '..', '..');

function version(pkg: string): string {
  try {
    const json = JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {
      version: string;
    };
    return json.version;
  } catch {
    return 'absent';
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  /** 1-minute load average when the run began: other work on the machine slows every figure. */
  load: number;
  packages: Record<string, string>;
}

export function machine(): Machine {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
  db.close();
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    load: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    packages: {
      diemcau: own.version,
      'better-sqlite3': version('better-sqlite3'),
      SQLite: sqlite,
      pdfkit: version('pdfkit'),
      exceljs: version('exceljs'),
      'socket.io': version('socket.io'),
    },
  };
}
