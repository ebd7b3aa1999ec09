import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncStore } from '../../../server/store/async';
import { LATEST_VERSION, migrate, migrations, schemaVersion } from '../../../server/store/migrations';
import { openSqliteStore } from '../../../server/store/sqlite';
import { storeContract } from './contract';
import { outage, point, province, rollup } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'diemcau-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileFor = (name: string) => join(dir, `${name}.sqlite`);

// The contract through asyncStore, as every caller reaches the SQLite store.
storeContract('SQLite', (db) => asyncStore(openSqliteStore(fileFor(db))));

/** The schema as SQLite records it, to compare before and after. */
const schemaOf = (db: Database.Database) =>
  db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();

describe('SQLite store', () => {
  it('uses a WAL journal, persisted in the file', () => {
    const file = fileFor('wal');
    openSqliteStore(file).close();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(schemaVersion(raw)).toBe(LATEST_VERSION);
    } finally {
      raw.close();
    }
  });

  it('keeps an outage written just before the process is SIGKILLed', async () => {
    const file = fileFor('crash');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('crash-child.ts', import.meta.url)), file],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, sig) => resolve(sig)),
    );
    expect(err).toBe('');
    expect(signal).toBe('SIGKILL');
    // The killed process never checkpointed: the rows live only in the WAL until the next open.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const wrote = JSON.parse(out) as { closed: unknown; open: unknown };
    const store = openSqliteStore(file);
    try {
      expect(store.openOutages()).toEqual([wrote.open]);
      expect(store.listOutages({})).toEqual([wrote.open, wrote.closed]);
    } finally {
      store.close();
    }
  });

  it('throws on a write it could not make, and has written nothing', () => {
    const file = fileFor('busy');
    const store = openSqliteStore(file, { busyTimeoutMs: 50 });
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      expect(() => store.openOutage(outage())).toThrow(/locked|busy/i);
      expect(() => store.writeRollups([rollup()])).toThrow(/locked|busy/i);
      expect(() => store.saveInventory({ upsertUnits: [province] })).toThrow(/locked|busy/i);
      other.exec('ROLLBACK');
      expect(store.listOutages({})).toEqual([]);
      expect(store.listRollups('P1', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(store.loadInventory().units).toEqual([]);
      store.openOutage(outage());
      expect(store.listOutages({})).toHaveLength(1);
    } finally {
      other.close();
      store.close();
    }
  });

  it('closes idempotently and refuses use after close', () => {
    const store = openSqliteStore(fileFor('closed'));
    store.close();
    store.close();
    expect(() => store.openOutage(outage())).toThrow(/not open/);
  });
});

describe('migrations', () => {
  it('are idempotent: reopening or re-running them changes neither schema nor data', () => {
    const file = fileFor('migrate');
    const store = openSqliteStore(file);
    store.saveInventory({ upsertUnits: [province], upsertPoints: [point('P1')] });
    store.openOutage(outage());
    store.close();

    const raw = new Database(file);
    try {
      const schema = schemaOf(raw);
      expect(migrate(raw)).toBe(LATEST_VERSION);
      expect(migrate(raw)).toBe(LATEST_VERSION);
      expect(schemaOf(raw)).toEqual(schema);
      expect(raw.prepare('SELECT count(*) AS n FROM points').get()).toEqual({ n: 1 });
    } finally {
      raw.close();
    }
    const again = openSqliteStore(file);
    expect(again.listOutages({})).toHaveLength(1);
    again.close();
  });

  it('roll a failing migration back entirely, keeping the previous version', () => {
    const raw = new Database(fileFor('migrate-fail'));
    try {
      const broken = [
        ...migrations,
        { version: LATEST_VERSION + 1, description: 'broken', sql: 'CREATE TABLE extra (x INTEGER); SELEC oops;' },
      ];
      expect(() => migrate(raw, undefined, broken)).toThrow(/syntax error/);
      expect(schemaVersion(raw)).toBe(LATEST_VERSION);
      expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").all()).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('refuse a file from a newer diemcau without touching it', () => {
    const file = fileFor('newer');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`);
    raw.close();
    expect(() => openSqliteStore(file)).toThrow(/newer/);
    const check = new Database(file, { readonly: true });
    try {
      expect(schemaVersion(check)).toBe(LATEST_VERSION + 1);
      expect(schemaOf(check)).toEqual([]);
    } finally {
      check.close();
    }
    expect(existsSync(file)).toBe(true);
  });
});
