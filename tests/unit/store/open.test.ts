// Which store a --db value names (server/store/open.ts): a path or sqlite:PATH is SQLite, a postgres://
// or postgresql:// URL PostgreSQL, anything else with a scheme is refused without echoing the URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, parseStoreSpec, StoreSpecError } from '../../../server/store/open';
import { outage } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'dc-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseStoreSpec', () => {
  it('takes a plain path, relative or absolute, as a SQLite file', () => {
    expect(parseStoreSpec('data/demo.sqlite')).toEqual({ kind: 'sqlite', file: 'data/demo.sqlite' });
    expect(parseStoreSpec('/var/lib/diemcau/tỉnh.sqlite')).toEqual({
      kind: 'sqlite',
      file: '/var/lib/diemcau/tỉnh.sqlite',
    });
    expect(parseStoreSpec(':memory:')).toEqual({ kind: 'sqlite', file: ':memory:' });
    // A drive letter is not a scheme.
    expect(parseStoreSpec('C:\\diemcau\\db.sqlite')).toEqual({ kind: 'sqlite', file: 'C:\\diemcau\\db.sqlite' });
  });

  it('takes sqlite:PATH as the file PATH', () => {
    expect(parseStoreSpec('sqlite:data/demo.sqlite')).toEqual({ kind: 'sqlite', file: 'data/demo.sqlite' });
    expect(parseStoreSpec('SQLite:/tmp/x.db')).toEqual({ kind: 'sqlite', file: '/tmp/x.db' });
  });

  it('takes postgres:// and postgresql:// URLs, whole, as PostgreSQL', () => {
    const url = 'postgres://diemcau:mật-khẩu@db.tinh.vn:5433/diemcau?sslmode=require';
    expect(parseStoreSpec(url)).toEqual({ kind: 'postgres', url });
    expect(parseStoreSpec('postgresql://127.0.0.1/diemcau')).toEqual({
      kind: 'postgres',
      url: 'postgresql://127.0.0.1/diemcau',
    });
    expect(parseStoreSpec('PostgreSQL://h/d')).toEqual({ kind: 'postgres', url: 'PostgreSQL://h/d' });
  });

  it('refuses any other scheme, naming the accepted forms and not the URL (it may hold a password)', () => {
    for (const spec of ['mysql://root:secret@h/db', 'sqlite:///abs.db', 'file://x.sqlite', 'redis://h:6379']) {
      let err: unknown;
      try {
        parseStoreSpec(spec);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreSpecError);
      const message = (err as Error).message;
      expect(message).toContain(`"${spec.slice(0, spec.indexOf(':')).toLowerCase()}://…"`);
      expect(message).toContain('a file path, sqlite:PATH, postgres://… or postgresql://…');
      expect(message).not.toContain(spec.slice(spec.indexOf('://') + 3));
    }
  });

  it('refuses an empty value', () => {
    expect(() => parseStoreSpec('')).toThrow(StoreSpecError);
    expect(() => parseStoreSpec('sqlite:')).toThrow(/no database given/);
  });
});

describe('openStore', () => {
  it('opens a SQLite file through the asynchronous Store', async () => {
    const store = await openStore(`sqlite:${join(dir, 'open.sqlite')}`, { sqlite: { checkpoint: 'inline' } });
    try {
      expect(store.kind).toBe('sqlite');
      const o = await store.openOutage(outage());
      expect(await store.getOutage(o.id)).toEqual(o);
    } finally {
      await store.close();
    }
  });

  it('rejects an unsupported spec without opening anything', async () => {
    await expect(openStore('mongodb://h/db')).rejects.toThrow(StoreSpecError);
  });
});
