// Which store a `--db` value names, and opening it: a file path (or `sqlite:PATH`) is the embedded
// SQLite store, a `postgres://` or `postgresql://` URL the PostgreSQL one (docs/STORE.md). Any other
// `scheme://` is refused rather than taken for a file name; the CLI puts the refusal in its own words.
import type { Logger } from 'pino';
import { asyncStore } from './async';
import { openPgStore } from './pg';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite';
import type { Store } from './types';

export type StoreSpec = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** A `--db` value that names no store this diemcau can open. The message is English; `scheme` is null for an empty value. */
export class StoreSpecError extends Error {
  constructor(
    message: string,
    readonly scheme: string | null,
  ) {
    super(message);
    this.name = 'StoreSpecError';
  }
}

const FORMS = 'a file path, sqlite:PATH, postgres://… or postgresql://…';
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** The store `spec` names. Throws StoreSpecError (naming only the scheme: a URL may hold a password). */
export function parseStoreSpec(spec: string): StoreSpec {
  const scheme = SCHEME.exec(spec)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', url: spec };
  if (scheme !== undefined) {
    throw new StoreSpecError(`unsupported database "${scheme}://…": use ${FORMS}`, scheme);
  }
  const file = /^sqlite:/i.test(spec) ? spec.slice('sqlite:'.length) : spec;
  if (file.trim() === '') throw new StoreSpecError(`no database given: use ${FORMS}`, null);
  return { kind: 'sqlite', file };
}

export interface OpenStoreOptions {
  logger?: Logger;
  /** SQLite's own options (the logger above is used when these name none). */
  sqlite?: SqliteStoreOptions;
  /** PostgreSQL: connections in the pool (default 10). */
  pgMax?: number;
  /** PostgreSQL: write only under this monitor lease epoch (docs/FAILOVER.md). */
  fence?: { epoch: number; ttlMs: number };
  onFenced?: (err: Error) => void;
}

/** Opens (creating and migrating as needed) the store `spec` names. */
export async function openStore(spec: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const s = parseStoreSpec(spec);
  if (s.kind === 'postgres')
    return openPgStore(s.url, { logger: opts.logger, max: opts.pgMax, fence: opts.fence, onFenced: opts.onFenced });
  return asyncStore(openSqliteStore(s.file, { ...opts.sqlite, logger: opts.sqlite?.logger ?? opts.logger }), 'sqlite');
}
