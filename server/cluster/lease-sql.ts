// The monitor lease's SQL: its one-row table, the lock key, and the statements of acquire, heartbeat,
// release and takeover (docs/FAILOVER.md). Kept apart from the state machine in lease.ts.

/** First half of the advisory-lock key ("dcml"); the second half is the lease table's OID. */
export const LOCK_CLASS = 0x64636d6c;

/** The lock that serialises `CREATE TABLE IF NOT EXISTS` (two racing creators fail on pg_type). */
const CREATE_LOCK = 0;

/** Channel a clean release is announced on, so standbys try at once instead of at their next retry. */
export const RELEASE_CHANNEL = 'diemcau_monitor_lease';

/**
 * The table, in the session's current schema. `holder_pid` (the holder's backend) is beyond the first
 * design: a takeover terminates the lock's holder only when it is the one whose heartbeat went stale,
 * never a candidate that got the lock a moment ago and has not written its row yet.
 */
export const CREATE_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS monitor_lease (
  id int PRIMARY KEY CHECK (id = 1),
  epoch bigint NOT NULL,
  holder text,
  holder_pid int,
  acquired_at timestamptz,
  heartbeat_at timestamptz
);
INSERT INTO monitor_lease (id, epoch) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`;

export const CREATE_LOCK_SQL = `SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${CREATE_LOCK})`;

/** The table's OID (as text: an oid may exceed int4), the second half of the lock key. */
export const TABLE_OID_SQL = `SELECT 'monitor_lease'::regclass::oid::text AS oid`;

/**
 * Per-session settings of the lease's connection (all of context `user` on PostgreSQL 15: no superuser
 * needed). Keepalives: the server ends the session of a vanished machine after max(5 s, ttl) of
 * silence (idle + 3 probes 1 s apart; never sooner than the ttl, so never before the holder itself
 * has given up), releasing its lock. Timeouts: a candidate frozen inside its acquire transaction, or
 * blocked there behind a frozen writer's row lock, cannot sit on the lock past `ttlMs` without its
 * row. Heartbeats commit without waiting for the disk (a lost one costs nothing); the claim of an
 * epoch turns it back on (CLAIM_DURABLY_SQL), since an epoch must never repeat after a crash.
 */
export function sessionSettingsSql(ttlMs: number): string {
  const ms = Math.max(1, Math.round(ttlMs));
  const idle = Math.max(2, Math.ceil(ms / 1000) - 3);
  return [
    `SET tcp_keepalives_idle = ${idle}`,
    'SET tcp_keepalives_interval = 1',
    'SET tcp_keepalives_count = 3',
    `SET tcp_user_timeout = ${Math.max(5000, ms)}`,
    `SET idle_in_transaction_session_timeout = ${ms}`,
    `SET lock_timeout = ${ms}`,
    'SET synchronous_commit = off',
  ].join('; ');
}

export const CLAIM_DURABLY_SQL = 'SET LOCAL synchronous_commit = on';

/** $1 LOCK_CLASS, $2 the table OID folded into int4. Runs inside the acquire transaction. */
export const TRY_LOCK_SQL = 'SELECT pg_try_advisory_lock($1::int, $2::int) AS ok';

/** $1 the instance. The new epoch comes back; `now()` is the transaction's start, by PostgreSQL's clock. */
export const CLAIM_SQL = `
UPDATE monitor_lease
   SET epoch = epoch + 1, holder = $1, holder_pid = pg_backend_pid(), acquired_at = now(), heartbeat_at = now()
 WHERE id = 1
RETURNING epoch::text AS epoch`;

/** $1 the holder's epoch: 0 rows means someone else holds a newer one. */
export const HEARTBEAT_SQL = 'UPDATE monitor_lease SET heartbeat_at = now() WHERE id = 1 AND epoch = $1';

export const UNLOCK_SQL = 'SELECT pg_advisory_unlock($1::int, $2::int) AS ok';
export const NOTIFY_SQL = `NOTIFY ${RELEASE_CHANNEL}`;
export const LISTEN_SQL = `LISTEN ${RELEASE_CHANNEL}`;

/**
 * Terminates the lock's holder when its heartbeat is older than $3 ms by PostgreSQL's clock and it is
 * the holder the row names. $1 LOCK_CLASS, $2 the table OID (unsigned, as pg_locks shows it). Waits up
 * to 1 s for the backend to exit, so the lock is free when this returns a row with `terminated`.
 */
export const TAKEOVER_SQL = `
SELECT l.pid, pg_terminate_backend(l.pid, 1000) AS terminated,
       (extract(epoch FROM clock_timestamp() - m.heartbeat_at) * 1000)::float8 AS stale_ms
  FROM pg_locks l
  JOIN monitor_lease m ON m.id = 1
 WHERE l.locktype = 'advisory'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2
   AND l.granted
   AND l.pid = m.holder_pid
   AND m.heartbeat_at < clock_timestamp() - make_interval(secs => $3::float8 / 1000)`;

/** An OID (0 … 2^32−1) as the int4 that pg_try_advisory_lock(int, int) takes. */
export function oidToInt4(oid: number): number {
  return oid > 0x7fffffff ? oid - 0x1_0000_0000 : oid;
}
