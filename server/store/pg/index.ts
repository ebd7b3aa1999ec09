// The Store on PostgreSQL: a pool in the store's schema, migrated on open, the same contract as the
// SQLite store (tests/unit/store/contract.ts runs against both). One file per feature, as the SQLite
// store is split; this one only opens the pool and puts the parts together. See docs/STORE.md.
import pino, { type Logger } from 'pino';
import type { Store } from '../types';
import { PgAccounts } from './accounts';
import { PgAlerts } from './alerts';
import { PgChecklist } from './checklist';
import { PgDb } from './db';
import { PgDisplayLinks } from './displays';
import { PgAgents } from './agents';
import { PgInventory } from './inventory';
import { PgMaintenance } from './maintenance';
import { migratePg } from './migrations';
import { PgOutages } from './outages';
import { PgReport } from './report';
import { PgRollups } from './rollups';
import { PgRuns } from './runs';
import { PgSettings } from './settings';

export interface PgStoreOptions {
  logger?: Logger;
  /** Connections in the pool (default 10). */
  max?: number;
  /** The schema holding the store's tables (default `public`; created when absent). */
  schema?: string;
  /** Writes only under this lease epoch (the monitor process of a failover pair; docs/FAILOVER.md). */
  fence?: { epoch: number; ttlMs: number };
  /** A write the fence refused (a successor holds the lease). */
  onFenced?: (err: Error) => void;
  /** Longest a statement may run (default STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
}

/** An object's methods, bound to it, as plain properties (a class instance's spread would drop them). */
type Methods<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] };

function methods<T extends object>(part: T): Methods<T> {
  const out: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(part) as object)) {
    const fn = (part as Record<string, unknown>)[name];
    if (name !== 'constructor' && typeof fn === 'function') out[name] = fn.bind(part);
  }
  return out as Methods<T>;
}

/** Connects to `url`, brings the schema to the latest version, and returns the store. */
export async function openPgStore(url: string, opts: PgStoreOptions = {}): Promise<Store> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const db = new PgDb(url, {
    logger,
    max: opts.max ?? 10,
    schema: opts.schema ?? 'public',
    fence: opts.fence,
    onFenced: opts.onFenced,
    statementTimeoutMs: opts.statementTimeoutMs,
  });
  try {
    await migratePg(db, logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  const store: Store = {
    kind: 'postgres',
    ...methods(new PgInventory(db)),
    ...methods(new PgOutages(db)),
    ...methods(new PgRollups(db)),
    ...methods(new PgAccounts(db)),
    ...methods(new PgRuns(db)),
    ...methods(new PgChecklist(db)),
    ...methods(new PgReport(db)),
    ...methods(new PgSettings(db)),
    alerts: new PgAlerts(db),
    maintenance: new PgMaintenance(db),
    displayLinks: new PgDisplayLinks(db),
    agents: new PgAgents(db),
    refence: (epoch: number) => db.refence(epoch),
    close: () => db.close(),
  };
  return store;
}
