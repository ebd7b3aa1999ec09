// Which store a `--db` value names: a SQLite file (a path, or `sqlite:PATH`) or a PostgreSQL database
// (`postgres://…`). Every command that takes `--db` opens its store here.
import type { Logger } from 'pino';
import { asyncStore } from './async';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite';
import type { Store } from './types';

export type StoreSpec = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export function parseStoreSpec(spec: string): StoreSpec {
  if (/^postgres(ql)?:\/\//i.test(spec)) return { kind: 'postgres', url: spec };
  if (spec.startsWith('sqlite:')) return { kind: 'sqlite', file: spec.slice('sqlite:'.length) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) throw new Error(`unsupported database ${spec}`);
  return { kind: 'sqlite', file: spec };
}

export interface OpenStoreOptions {
  logger?: Logger;
  sqlite?: SqliteStoreOptions;
  pgMax?: number;
}

export async function openStore(spec: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const s = parseStoreSpec(spec);
  if (s.kind === 'sqlite') return asyncStore(openSqliteStore(s.file, { logger: opts.logger, ...opts.sqlite }));
  const { openPgStore } = await import('./pg/index');
  return openPgStore(s.url, { logger: opts.logger, max: opts.pgMax });
}
