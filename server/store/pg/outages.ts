// The outage log in PostgreSQL (SQLite's migrations 1 and 12; sqlite.ts). Ids come from an identity
// column, so an id printed in a signed report is never reused, as with SQLite's AUTOINCREMENT.
import { closeTarget } from '../outage-ops';
import type { NewOutage, OutageOp, OutageQuery, OutageRow } from '../types';
import { bound, type PgDb, type Sql } from './db';

/** As sqlite.ts: the list's default and largest limit. */
export const DEFAULT_OUTAGE_LIMIT = 1000;
export const MAX_OUTAGE_LIMIT = 10_000;

export const OUTAGE_COLUMNS = `id, point, meeting, type, class, target, kind, phase, started_at AS "startedAt",
  detected_at AS "detectedAt", ended_at AS "endedAt"`;

export class PgOutages {
  constructor(private readonly db: PgDb) {}

  async openOutage(o: NewOutage): Promise<OutageRow> {
    return insertOutage(this.db, o);
  }

  async closeOutage(id: number, endedAt: number): Promise<void> {
    return closeOutage(this.db, id, endedAt);
  }

  /** One transaction, in order (the fence is checked once for the whole batch). */
  async writeOutages(ops: readonly OutageOp[]): Promise<(OutageRow | null)[]> {
    if (ops.length === 0) return [];
    return this.db.tx(async (sql) => {
      const out: (OutageRow | null)[] = [];
      for (const op of ops) {
        if (op.kind === 'open') out.push(await insertOutage(sql, op.outage));
        else {
          await closeOutage(sql, closeTarget(op, out), op.endedAt);
          out.push(null);
        }
      }
      return out;
    });
  }

  async openOutages(): Promise<OutageRow[]> {
    return this.db.rows<OutageRow>(
      `SELECT ${OUTAGE_COLUMNS} FROM outages WHERE ended_at IS NULL ORDER BY started_at, id`,
    );
  }

  async listOutages(q: OutageQuery): Promise<OutageRow[]> {
    const limit = q.limit ?? DEFAULT_OUTAGE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    // Outages are [startedAt, endedAt) intervals; an open one runs until further notice.
    const params: unknown[] = [
      bound(q.to ?? Number.MAX_SAFE_INTEGER, '<'),
      bound(q.from ?? Number.MIN_SAFE_INTEGER, '>'),
      Math.min(limit, MAX_OUTAGE_LIMIT),
    ];
    // Only the filters given, so each combination can use its own index.
    let filters = '';
    if (q.meeting !== undefined) filters += ` AND meeting = $${params.push(q.meeting)}`;
    if (q.point !== undefined) filters += ` AND point = $${params.push(q.point)}`;
    return this.db.rows<OutageRow>(
      `SELECT ${OUTAGE_COLUMNS} FROM outages
       WHERE started_at < $1 AND (ended_at IS NULL OR ended_at > $2)${filters}
       ORDER BY started_at DESC, id DESC LIMIT $3`,
      params,
    );
  }

  async getOutage(id: number): Promise<OutageRow | undefined> {
    const [row] = await this.db.rows<OutageRow>(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE id = $1`, [id]);
    return row;
  }

  async listMeetingOutages(meeting: string): Promise<OutageRow[]> {
    return this.db.rows<OutageRow>(`SELECT ${OUTAGE_COLUMNS} FROM outages WHERE meeting = $1 ORDER BY started_at, id`, [
      meeting,
    ]);
  }
}

async function insertOutage(sql: Pick<Sql, 'rows'>, o: NewOutage): Promise<OutageRow> {
  // Probe times may carry sub-millisecond fractions (fping prints µs); the columns are whole ms.
  const [row] = await sql.rows<OutageRow>(
    `INSERT INTO outages (point, meeting, type, class, target, kind, phase, started_at, detected_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${OUTAGE_COLUMNS}`,
    [
      o.point,
      o.meeting,
      o.type,
      o.class ?? 'line',
      o.target ?? null,
      o.kind ?? null,
      o.phase,
      Math.round(o.startedAt),
      Math.round(o.detectedAt),
    ],
  );
  return row!;
}

async function closeOutage(sql: Pick<Sql, 'rows' | 'run'>, id: number, endedAt: number): Promise<void> {
  const n = await sql.run('UPDATE outages SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL', [
    Math.round(endedAt),
    id,
  ]);
  if (n === 1) return;
  const [row] = await sql.rows('SELECT id FROM outages WHERE id = $1', [id]);
  throw new Error(row ? `outage ${id} is already closed` : `outage ${id} does not exist`);
}
