// PostgreSQL's errors as the store's callers know them from SQLite. A constraint violation names its
// kind the way SQLite does ("UNIQUE constraint failed: …", "CHECK constraint failed: …"), keeping
// PostgreSQL's own message and SQLSTATE; a lost or refused connection, which pg reports without a
// code, gets SQLSTATE class 08 so health.ts `isStorageFault` treats it like a full disk: retried.

/** SQLSTATE of integrity violations → SQLite's name for them. */
const CONSTRAINTS: Record<string, string> = {
  '23502': 'NOT NULL',
  '23503': 'FOREIGN KEY',
  '23505': 'UNIQUE',
  '23514': 'CHECK',
};

/** pg's own messages for a connection that failed, closed or could not be made (pg 8: no code). */
const LOST = [
  /^Connection terminated/,
  /^Client has encountered a connection error/,
  /^Client was closed and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout/,
];

/** An error of the PostgreSQL store: `code` is a SQLSTATE (PostgreSQL's, or 08006 for a lost connection). */
export class PgStoreError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'PgStoreError';
  }
}

interface PgErrorFields {
  code?: unknown;
  severity?: unknown;
  detail?: unknown;
  constraint?: unknown;
  table?: unknown;
}

/** The error a store method throws for what pg threw. */
export function storeError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof PgStoreError) return err;
  const e = err as Error & PgErrorFields;
  if (typeof e.code === 'string' && typeof e.severity === 'string') {
    const kind = CONSTRAINTS[e.code];
    if (kind === undefined) return err;
    const where =
      typeof e.table === 'string' ? `${e.table}${typeof e.constraint === 'string' ? ` (${e.constraint})` : ''}` : '';
    const detail = typeof e.detail === 'string' ? ` ${e.detail}` : '';
    return new PgStoreError(`${kind} constraint failed: ${where} — ${e.message}.${detail}`, e.code, { cause: err });
  }
  if (e.code === undefined && LOST.some((re) => re.test(e.message))) {
    return new PgStoreError(`PostgreSQL connection failed: ${e.message}`, '08006', { cause: err });
  }
  return err;
}
