// Planned work, the alert gate's verdicts and the daily digest in PostgreSQL (SQLite's migration 11;
// sqlite-maintenance.ts, maintenance-types.ts).
import type { Incident } from '../../alerts/incident';
import type {
  DigestRow,
  DigestSendRow,
  GatedRow,
  MaintenanceNew,
  MaintenanceRow,
  MaintenanceStore,
} from '../maintenance-types';
import type { AsyncOf } from '../types';
import { bound, type PgDb } from './db';

const ROW = `id, target_kind AS "targetKind", target, start, "end", reason, created_by AS "createdBy",
  created_at AS "createdAt"`;
const GATED = 'incident, action, maintenance, at, outages, digest_day AS "digestDay"';
const SEND = `day, channel, -id AS delivery, attempts, sent_at AS "sentAt", last_error AS "lastError",
  next_at AS "nextAt"`;

type RawGated = Omit<GatedRow, 'outages'> & { outages: string };
const gated = (r: RawGated): GatedRow => ({ ...r, outages: JSON.parse(r.outages) as number[] });

export class PgMaintenance implements AsyncOf<MaintenanceStore> {
  constructor(private readonly db: PgDb) {}

  async addMaintenance(m: MaintenanceNew): Promise<MaintenanceRow> {
    const [r] = await this.db.rows<{ id: number }>(
      `INSERT INTO maintenance (target_kind, target, start, "end", reason, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [m.targetKind, m.target, m.start, m.end, m.reason, m.createdBy, m.createdAt],
    );
    return { id: r!.id, ...m };
  }

  async updateMaintenance(id: number, m: MaintenanceNew): Promise<boolean> {
    const n = await this.db.run(
      `UPDATE maintenance SET target_kind = $1, target = $2, start = $3, "end" = $4, reason = $5, created_by = $6,
         created_at = $7 WHERE id = $8`,
      [m.targetKind, m.target, m.start, m.end, m.reason, m.createdBy, m.createdAt, id],
    );
    return n > 0;
  }

  async deleteMaintenance(id: number): Promise<boolean> {
    return (await this.db.run('DELETE FROM maintenance WHERE id = $1', [id])) > 0;
  }

  async getMaintenance(id: number): Promise<MaintenanceRow | undefined> {
    const [r] = await this.db.rows<MaintenanceRow>(`SELECT ${ROW} FROM maintenance WHERE id = $1`, [id]);
    return r;
  }

  async listMaintenance(from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER): Promise<MaintenanceRow[]> {
    return this.db.rows<MaintenanceRow>(
      `SELECT ${ROW} FROM maintenance WHERE "end" > $1 AND start < $2 ORDER BY start, id`,
      [bound(from, '>'), bound(to, '<')],
    );
  }

  async addGated(row: Omit<GatedRow, 'digestDay'>): Promise<boolean> {
    const n = await this.db.run(
      `INSERT INTO alert_gated (incident, action, maintenance, at, outages) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (incident) DO NOTHING`,
      [row.incident, row.action, row.maintenance, row.at, JSON.stringify(row.outages)],
    );
    return n > 0;
  }

  async gatedByOutage(outages: readonly number[]): Promise<GatedRow | undefined> {
    if (outages.length === 0) return undefined;
    // Compared as the JSON text of each id, which is how JSON.stringify wrote them.
    const [r] = await this.db.rows<RawGated>(
      `SELECT ${GATED} FROM alert_gated g WHERE EXISTS (
         SELECT 1 FROM json_array_elements_text(g.outages::json) o WHERE o = ANY($1::text[]))
       ORDER BY at, incident LIMIT 1`,
      [outages.map((o) => JSON.stringify(o))],
    );
    return r && gated(r);
  }

  async pendingDigest(before: number): Promise<GatedRow[]> {
    const rows = await this.db.rows<RawGated>(
      `SELECT ${GATED} FROM alert_gated WHERE action = 'digest' AND digest_day IS NULL AND at < $1
       ORDER BY at, incident`,
      [bound(before, '<')],
    );
    return rows.map(gated);
  }

  async createDigest(row: DigestRow, incidents: readonly string[]): Promise<boolean> {
    return this.db.tx(async (sql) => {
      const added = await sql.run(
        'INSERT INTO alert_digests (day, json, created_at) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING',
        [row.day, JSON.stringify(row.incident), row.createdAt],
      );
      if (added === 0) return false;
      if (incidents.length > 0) {
        await sql.run(
          'UPDATE alert_gated SET digest_day = $1 WHERE incident = ANY($2::text[]) AND digest_day IS NULL',
          [row.day, incidents],
        );
      }
      return true;
    });
  }

  async getDigest(day: string): Promise<DigestRow | undefined> {
    const [r] = await this.db.rows<{ day: string; json: string; createdAt: number }>(
      'SELECT day, json, created_at AS "createdAt" FROM alert_digests WHERE day = $1',
      [day],
    );
    return r && { day: r.day, incident: JSON.parse(r.json) as Incident, createdAt: r.createdAt };
  }

  async digestSends(day: string): Promise<DigestSendRow[]> {
    return this.db.rows<DigestSendRow>(`SELECT ${SEND} FROM alert_digest_sends WHERE day = $1 ORDER BY channel`, [day]);
  }

  async saveDigestSend(row: DigestSendRow): Promise<DigestSendRow> {
    const [r] = await this.db.rows<DigestSendRow>(
      `INSERT INTO alert_digest_sends (day, channel, attempts, sent_at, last_error, next_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (day, channel) DO UPDATE SET attempts = excluded.attempts, sent_at = excluded.sent_at,
         last_error = excluded.last_error, next_at = excluded.next_at
       RETURNING ${SEND}`,
      [row.day, row.channel, row.attempts, row.sentAt, row.lastError, row.nextAt],
    );
    return r!;
  }
}
