// Fencing: a write of the monitor is committed only under the lease's current epoch, so a holder that
// was paused, lost the lease and woke up again cannot write over its successor (docs/FAILOVER.md).
import type { ClientBase } from 'pg';

/**
 * Run first inside each write transaction. FOR SHARE holds the row until the commit: a successor's
 * acquire (which updates the row) waits for writes already checked, so none lands after its epoch.
 */
export const FENCE_SQL = 'SELECT epoch::text AS epoch FROM monitor_lease WHERE id = 1 FOR SHARE';

/** The writer's epoch is not the lease's: it must stop writing (its monitor is no longer the one). */
export class FencedError extends Error {
  constructor(
    readonly epoch: number,
    readonly current: number | null,
  ) {
    super(`write fenced: epoch ${epoch} is not the lease's (now ${current ?? 'none'})`);
    this.name = 'FencedError';
  }
}

/** Throws FencedError unless `epoch` is the lease's current one; `client` must be inside BEGIN. */
export async function fenceCheck(client: ClientBase, epoch: number): Promise<void> {
  // Outside a transaction the row lock would end with the statement and guard nothing.
  if (client.getTransactionStatus() !== 'T') throw new Error('fenceCheck needs an open transaction');
  const r = await client.query<{ epoch: string }>(FENCE_SQL);
  const row = r.rows[0];
  const current = row === undefined ? null : Number(row.epoch);
  if (current !== epoch) throw new FencedError(epoch, current);
}

/**
 * Settings for every session that makes fenced writes. A writer frozen inside its transaction keeps
 * the row FOR SHARE and with it the next holder's acquire waiting; PostgreSQL ends such a session after
 * `ttlMs` (the lease's ttl) so the takeover stays bounded.
 */
export function fencedSessionSql(ttlMs: number): string {
  return `SET idle_in_transaction_session_timeout = ${Math.max(1, Math.round(ttlMs))}`;
}
