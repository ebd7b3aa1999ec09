// The monitor's run log and blind spans in PostgreSQL (SQLite's migrations 2 and 5;
// sqlite-accounts.ts keeps them beside the accounts). A start reads the previous run and inserts the
// new one under a lock, as SQLite's IMMEDIATE transaction does, so two starts never share a gap.
import type { BlindReason, GapRow, MonitorRunRow } from '../types';
import { bound, type PgDb } from './db';

const RUN_COLUMNS = `id, started_at AS "startedAt", heartbeat_at AS "heartbeatAt", stopped_at AS "stoppedAt",
  gap_from AS "gapFrom"`;

export class PgRuns {
  constructor(private readonly db: PgDb) {}

  async startRun(at: number): Promise<MonitorRunRow> {
    const start = Math.round(at);
    return this.db.tx(async (sql) => {
      await sql.lock('runs');
      const [last] = await sql.rows<{ alive: number }>(
        'SELECT coalesce(stopped_at, heartbeat_at) AS alive FROM monitor_runs ORDER BY id DESC LIMIT 1',
      );
      const gapFrom = last !== undefined && last.alive < start ? last.alive : null;
      const [row] = await sql.rows<MonitorRunRow>(
        `INSERT INTO monitor_runs (started_at, heartbeat_at, gap_from) VALUES ($1, $1, $2) RETURNING ${RUN_COLUMNS}`,
        [start, gapFrom],
      );
      return row!;
    });
  }

  async heartbeatRun(id: number, at: number): Promise<void> {
    await this.db.run('UPDATE monitor_runs SET heartbeat_at = greatest(started_at, $1) WHERE id = $2', [
      Math.round(at),
      id,
    ]);
  }

  async stopRun(id: number, at: number): Promise<void> {
    await this.db.run(
      `UPDATE monitor_runs SET stopped_at = greatest(started_at, $1), heartbeat_at = greatest(started_at, $1)
       WHERE id = $2`,
      [Math.round(at), id],
    );
  }

  async addBlindSpan(from: number, to: number, reason: BlindReason): Promise<void> {
    const a = Math.round(from);
    const b = Math.round(to);
    if (b > a)
      await this.db.run('INSERT INTO monitor_blind (gap_from, gap_to, reason) VALUES ($1, $2, $3)', [a, b, reason]);
  }

  async listGaps(from: number, to: number): Promise<GapRow[]> {
    return this.db.rows<GapRow>(
      `SELECT "from", "to", reason FROM (
         SELECT gap_from AS "from", started_at AS "to", 'stopped' AS reason, id, 0 AS k FROM monitor_runs
           WHERE gap_from IS NOT NULL AND gap_from < $2 AND started_at > $1
         UNION ALL
         SELECT gap_from, gap_to, reason, id, 1 FROM monitor_blind WHERE gap_from < $2 AND gap_to > $1
       ) g ORDER BY "from", k, id`,
      [bound(from, '>'), bound(to, '<')],
    );
  }
}
