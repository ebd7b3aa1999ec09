// The PostgreSQL store's connection: a pg Pool whose every client works in the store's schema and
// reads int8 as a JS number, plus the two ways the feature files reach it — one statement, or one
// transaction on one pooled client (BEGIN … COMMIT, ROLLBACK on any error: a throw writes nothing).
import { Pool, TypeOverrides, type PoolClient, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import { FencedError, fenceCheck } from '../../cluster/fence';
import { storeError } from './errors';

/** What a feature file runs statements on: the pool (autocommit) or a transaction's client. */
export interface Sql {
  rows<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Rows changed (UPDATE, DELETE, INSERT … ON CONFLICT DO NOTHING). */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /** Takes a transaction-scoped advisory lock named `name` within this store's schema. */
  lock(name: string): Promise<void>;
}

export interface PgDbOptions {
  logger: Logger;
  max: number;
  schema: string;
  /**
   * The monitor's lease (docs/FAILOVER.md): every statement runs in a transaction that first checks
   * this epoch is still the lease's (server/cluster/fence.ts), so a monitor that lost the lease writes
   * nothing more; sessions end a transaction left idle longer than `ttlMs`.
   */
  fence?: { epoch: number; ttlMs: number };
  /** A write refused by the fence: this writer is no longer the monitor (its process should end). */
  onFenced?: (err: Error) => void;
  /** Longest a statement may run (default STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
}

/**
 * A statement still running after this is cancelled (SQLSTATE 57014, a storage fault: retried). Nothing
 * the store does takes near it (the largest report's queries take seconds); a statement waiting on a lock
 * that a stuck session holds would otherwise hold the outage log's queue forever.
 */
export const STATEMENT_TIMEOUT_MS = 60_000;

/** Schema names go into a connection option and into SQL unquoted: plain identifiers only. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export class PgDb implements Sql {
  readonly pool: Pool;
  readonly schema: string;
  private readonly logger: Logger;
  private closed = false;
  private readonly fence: { epoch: number; ttlMs: number } | null;
  private readonly onFenced: ((err: Error) => void) | undefined;

  /** The lease was taken again by this same monitor (after PostgreSQL restarted): its new epoch. */
  refence(epoch: number): void {
    if (this.fence) this.fence.epoch = epoch;
  }

  constructor(url: string, o: PgDbOptions) {
    if (!IDENTIFIER.test(o.schema)) {
      throw new Error(`PostgreSQL schema "${o.schema}": use lower-case letters, digits and _ (at most 63)`);
    }
    this.schema = o.schema;
    this.logger = o.logger;
    this.fence = o.fence ? { ...o.fence } : null;
    this.onFenced = o.onFenced;
    // Scoped to this pool: pg's global parsers stay as they are for anyone else in the process.
    const types = new TypeOverrides();
    // int8 (ids, ms instants, counts) as numbers: every value the store keeps is below 2^53.
    types.setTypeParser(20, (v: string) => Number(v));
    this.pool = new Pool({
      connectionString: url,
      max: o.max,
      types,
      // Every unqualified name resolves in the store's schema, on every pooled connection.
      options:
        `-c search_path=${o.schema} -c statement_timeout=${Math.max(1, Math.round(o.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS))}` +
        (o.fence ? ` -c idle_in_transaction_session_timeout=${Math.max(1, Math.round(o.fence.ttlMs))}` : ''),
      application_name: 'diemcau',
      keepAlive: true,
      // A write while PostgreSQL is unreachable fails in bounded time (a storage fault), never hangs.
      connectionTimeoutMillis: 10_000,
    });
    // An idle client whose backend went away (restart, pg_terminate_backend): the pool drops it and
    // opens a new one on next use. Without a listener the error would end the process.
    this.pool.on('error', (err) =>
      o.logger.warn({ err }, 'store: PostgreSQL connection lost; reconnecting on next use'),
    );
  }

  /** A lock key unique to this schema, so two stores in one database lock apart. */
  lockKey(name: string): string {
    return `diemcau:${this.schema}:${name}`;
  }

  async rows<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<R[]> {
    if (this.fence) return this.tx((sql) => sql.rows<R>(text, params));
    this.checkOpen();
    try {
      return (await this.pool.query<R>(text, params as unknown[])).rows;
    } catch (err) {
      throw storeError(err);
    }
  }

  async run(text: string, params?: readonly unknown[]): Promise<number> {
    if (this.fence) return this.tx((sql) => sql.run(text, params));
    this.checkOpen();
    try {
      return (await this.pool.query(text, params as unknown[])).rowCount ?? 0;
    } catch (err) {
      throw storeError(err);
    }
  }

  /** Outside a transaction an advisory xact lock would end with its statement: refuse it. */
  lock(name: string): Promise<void> {
    return Promise.reject(new Error(`store: lock "${name}" is only meaningful inside a transaction`));
  }

  /** Runs `fn` in one transaction on one client; any throw rolls everything back and is rethrown. */
  async tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    this.checkOpen();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw storeError(err);
    }
    let broken: Error | undefined;
    // A checked-out client whose backend dies emits 'error': unheard, it would end the process. The
    // query in flight fails on its own; this only marks the client so it is not given out again.
    const onError = (err: Error): void => {
      broken ??= err;
      this.logger.warn({ err }, 'store: PostgreSQL connection lost in a transaction; it is rolled back');
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      if (this.fence) {
        try {
          await fenceCheck(client, this.fence.epoch);
        } catch (err) {
          if (err instanceof FencedError) this.onFenced?.(err);
          throw err;
        }
      }
      const out = await fn(clientSql(client, this));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection itself is gone: the server rolled back; the client must not be reused.
        broken = rollbackErr as Error;
      }
      throw storeError(err);
    } finally {
      client.release(broken);
      client.off('error', onError);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('The PostgreSQL store is not open (closed)');
  }
}

function clientSql(client: PoolClient, db: PgDb): Sql {
  const query = async (text: string, params?: readonly unknown[]) => {
    try {
      return await client.query(text, params as unknown[]);
    } catch (err) {
      throw storeError(err);
    }
  };
  return {
    rows: async <R extends QueryResultRow>(text: string, params?: readonly unknown[]) =>
      (await query(text, params)).rows as R[],
    run: async (text, params) => (await query(text, params)).rowCount ?? 0,
    lock: async (name) => {
      await query('SELECT pg_advisory_xact_lock(hashtext($1))', [db.lockKey(name)]);
    },
  };
}

/** The largest magnitude passed as an int8 bound: far beyond any instant, well inside int8. */
const BOUND = 9e18;

/**
 * A range bound for an int8 column, rounded so the comparison keeps SQLite's meaning with a
 * fractional value (`col < 5.5` is `col < 6`); NaN compares as NULL (no row), as SQLite binds it.
 * `op` is the comparison as written in the SQL, column on the left.
 */
export function bound(v: number, op: '<' | '<=' | '>' | '>='): number | null {
  if (Number.isNaN(v)) return null;
  const c = Math.max(-BOUND, Math.min(BOUND, v));
  return op === '<' || op === '>=' ? Math.ceil(c) : Math.floor(c);
}
