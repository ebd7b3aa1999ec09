// The alert outbox in PostgreSQL (SQLite's migrations 8 and 10; sqlite-alerts.ts). Where SQLite says
// INSERT OR IGNORE this says ON CONFLICT DO NOTHING; a claim is one statement that skips rows another
// sender is claiming at that instant (SKIP LOCKED), so two senders never hold the same delivery.
import { randomBytes } from 'node:crypto';
import type { Incident } from '../../alerts/incident';
import {
  DEFAULT_DELIVERY_LIMIT,
  MAX_DELIVERY_LIMIT,
  type AckRow,
  type AlertStore,
  type AttemptOutcome,
  type AttemptRow,
  type DeliveryCount,
  type DeliveryQuery,
  type DeliveryRow,
  type NewDelivery,
} from '../alert-types';
import type { AsyncOf } from '../types';
import { bound, type PgDb, type Sql } from './db';

const DELIVERY = `d.id, d.channel, d.recipient, d.level, d.incident, i.kind AS "incidentKind", d.created_at AS "createdAt",
  d.status, d.attempts, d.max_attempts AS "maxAttempts", d.next_at AS "nextAt", d.last_error AS "lastError",
  d.sent_at AS "sentAt"`;
const FROM = 'alert_deliveries d JOIN alert_incidents i ON i.id = d.incident';
/** The `open` incidents carrying any of the outages $1 (text[] of ids, as the incident's JSON writes them). */
// IN (SELECT unnest): a hashed subplan, so the pass is linear however many outages are asked about
// (`= ANY($1)` compares each element with the whole array).
const OPEN_OF = `SELECT i.id FROM alert_incidents i WHERE i.kind = 'open' AND EXISTS (
  SELECT 1 FROM json_array_elements_text((i.json::json) -> 'outages') o WHERE o IN (SELECT unnest($1::text[])))`;
const CANCEL = `UPDATE alert_deliveries SET status = 'cancelled', next_at = NULL, claimed_until = NULL
  WHERE incident = ANY($1::text[]) AND level > 0 AND status = 'pending' AND attempts = 0`;

type RawDelivery = Omit<DeliveryRow, 'recipient'> & { recipient: string | null };
const toDelivery = (r: RawDelivery): DeliveryRow => ({
  ...r,
  recipient: r.recipient === null ? null : (JSON.parse(r.recipient) as DeliveryRow['recipient']),
});
const deliveryById = async (sql: Sql, id: number): Promise<DeliveryRow | undefined> => {
  const [r] = await sql.rows<RawDelivery>(`SELECT ${DELIVERY} FROM ${FROM} WHERE d.id = $1`, [id]);
  return r && toDelivery(r);
};

export class PgAlerts implements AsyncOf<AlertStore> {
  constructor(private readonly db: PgDb) {}

  async addIncident(incident: Incident): Promise<boolean> {
    // Instants may carry a fraction of a millisecond: the column is whole ms.
    const n = await this.db.run(
      'INSERT INTO alert_incidents (id, kind, at, json) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [incident.id, incident.kind, Math.round(incident.at), JSON.stringify(incident)],
    );
    return n > 0;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const [r] = await this.db.rows<{ json: string }>('SELECT json FROM alert_incidents WHERE id = $1', [id]);
    return r && (JSON.parse(r.json) as Incident);
  }

  async unroutedIncidents(limit: number): Promise<Incident[]> {
    const rows = await this.db.rows<{ json: string }>(
      'SELECT json FROM alert_incidents WHERE routed_at IS NULL ORDER BY at, id LIMIT $1',
      [limit],
    );
    return rows.map((r) => JSON.parse(r.json) as Incident);
  }

  async routeIncident(id: string, at: number, deliveries: readonly NewDelivery[]): Promise<boolean> {
    return this.db.tx(async (sql) => {
      if (
        (await sql.run('UPDATE alert_incidents SET routed_at = $1 WHERE id = $2 AND routed_at IS NULL', [at, id])) === 0
      ) {
        return false;
      }
      if (deliveries.length === 0) return true;
      const r = deliveries.map((d) => d.recipient ?? null);
      await sql.run(
        `INSERT INTO alert_deliveries (channel, incident, recipient_key, recipient, level, created_at, status,
           max_attempts, next_at)
         SELECT channel, $2, key, recipient, level, $3, 'pending', max_attempts, next_at
         FROM unnest($1::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::bigint[]) WITH ORDINALITY
           AS x(channel, key, recipient, level, max_attempts, next_at, n)
         ORDER BY n
         ON CONFLICT (incident, channel, recipient_key) DO NOTHING`,
        [
          deliveries.map((d) => d.channel),
          id,
          at,
          r.map((x) => (x === null ? '' : x.address)),
          r.map((x) => (x === null ? null : JSON.stringify(x))),
          deliveries.map((d) => d.level ?? 0),
          deliveries.map((d) => d.maxAttempts),
          deliveries.map((d) => Math.round(d.dueAt ?? at)),
        ],
      );
      return true;
    });
  }

  async incidentDeliveries(incident: string): Promise<DeliveryRow[]> {
    const rows = await this.db.rows<RawDelivery>(
      `SELECT ${DELIVERY} FROM ${FROM} WHERE d.incident = $1 ORDER BY d.id`,
      [incident],
    );
    return rows.map(toDelivery);
  }

  async acknowledge(a: AckRow): Promise<{ ack: AckRow; first: boolean; cancelled: number }> {
    return this.db.tx(async (sql) => {
      const first =
        (await sql.run(
          `INSERT INTO alert_acks (incident, at, by, via, delivery) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (incident) DO NOTHING`,
          [a.incident, Math.round(a.at), a.by, a.via, a.delivery],
        )) > 0;
      const cancelled = first ? await sql.run(CANCEL, [[a.incident]]) : 0;
      const [ack] = await sql.rows<AckRow>(
        'SELECT incident, at, by, via, delivery FROM alert_acks WHERE incident = $1',
        [a.incident],
      );
      return { ack: ack!, first, cancelled };
    });
  }

  async getAck(incident: string): Promise<AckRow | undefined> {
    const [r] = await this.db.rows<AckRow>(
      'SELECT incident, at, by, via, delivery FROM alert_acks WHERE incident = $1',
      [incident],
    );
    return r;
  }

  async openIncidentsOf(outages: readonly number[]): Promise<string[]> {
    if (outages.length === 0) return [];
    return (await this.db.rows<{ id: string }>(`${OPEN_OF} ORDER BY i.at, i.id`, [outages.map(String)])).map(
      (r) => r.id,
    );
  }

  async cancelEscalations(outages: readonly number[], incidents: readonly string[] = []): Promise<number> {
    if (outages.length === 0 && incidents.length === 0) return 0;
    return this.db.tx(async (sql) => {
      const open =
        outages.length === 0 ? [] : (await sql.rows<{ id: string }>(OPEN_OF, [outages.map(String)])).map((r) => r.id);
      const ids = [...new Set([...open, ...incidents])];
      return ids.length === 0 ? 0 : sql.run(CANCEL, [ids]);
    });
  }

  async ackKey(): Promise<Buffer> {
    const get = async () =>
      (await this.db.rows<{ key: Buffer }>("SELECT key FROM alert_keys WHERE name = 'ack'"))[0]?.key;
    const have = await get();
    if (have) return have;
    // Two servers may race here: the first key written wins and both read it back.
    await this.db.run("INSERT INTO alert_keys (name, key) VALUES ('ack', $1) ON CONFLICT (name) DO NOTHING", [
      randomBytes(32),
    ]);
    return (await get())!;
  }

  async claimDue(channel: string, now: number, leaseUntil: number, limit: number): Promise<DeliveryRow[]> {
    // The SELECT of the outer statement sees the rows as they were before the claim: only claimed_until,
    // which a DeliveryRow does not show, differs.
    const rows = await this.db.rows<RawDelivery>(
      `WITH due AS (
         SELECT id FROM alert_deliveries WHERE status = 'pending' AND channel = $1 AND next_at <= $2
           AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY next_at, id LIMIT $4 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE alert_deliveries SET claimed_until = $3 WHERE id IN (SELECT id FROM due) RETURNING id
       )
       SELECT ${DELIVERY} FROM ${FROM} WHERE d.id IN (SELECT id FROM claimed) ORDER BY d.next_at, d.id`,
      [channel, bound(now, '<='), leaseUntil, limit],
    );
    return rows.map(toDelivery);
  }

  async nextDueAt(channel: string): Promise<number | null> {
    // SQLite's two-argument max() is null when next_at is; greatest() would skip the null.
    const [r] = await this.db.rows<{ t: number | null }>(
      `SELECT min(CASE WHEN next_at IS NULL THEN NULL ELSE greatest(next_at, coalesce(claimed_until, 0)) END) AS t
       FROM alert_deliveries WHERE status = 'pending' AND channel = $1`,
      [channel],
    );
    return r?.t ?? null;
  }

  async recordAttempt(o: AttemptOutcome): Promise<DeliveryRow> {
    return this.db.tx(async (sql) => {
      const [row] = await sql.rows<{ attempts: number }>(
        'SELECT attempts FROM alert_deliveries WHERE id = $1 FOR UPDATE',
        [o.delivery],
      );
      if (row === undefined) throw new Error(`no alert delivery ${o.delivery}`);
      const n = row.attempts + 1;
      await sql.run('INSERT INTO alert_attempts (delivery, n, at, ms, ok, error) VALUES ($1, $2, $3, $4, $5, $6)', [
        o.delivery,
        n,
        o.at,
        Math.round(o.ms),
        o.ok,
        o.error,
      ]);
      const status = o.ok ? 'sent' : o.nextAt === null ? 'failed' : 'pending';
      await sql.run(
        `UPDATE alert_deliveries SET attempts = $1, status = $2, next_at = $3, last_error = $4, sent_at = $5,
           claimed_until = NULL WHERE id = $6`,
        [n, status, o.ok ? null : o.nextAt, o.error, o.ok ? o.at : null, o.delivery],
      );
      return (await deliveryById(sql, o.delivery))!;
    });
  }

  async getDelivery(id: number): Promise<DeliveryRow | undefined> {
    return deliveryById(this.db, id);
  }

  async listDeliveries(q: DeliveryQuery): Promise<DeliveryRow[]> {
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? DEFAULT_DELIVERY_LIMIT)), MAX_DELIVERY_LIMIT);
    const rows =
      q.channel === undefined
        ? await this.db.rows<RawDelivery>(`SELECT ${DELIVERY} FROM ${FROM} ORDER BY d.id DESC LIMIT $1`, [limit])
        : await this.db.rows<RawDelivery>(
            `SELECT ${DELIVERY} FROM ${FROM} WHERE d.channel = $1 ORDER BY d.id DESC LIMIT $2`,
            [q.channel, limit],
          );
    return rows.map(toDelivery);
  }

  async listAttempts(delivery: number): Promise<AttemptRow[]> {
    return this.db.rows<AttemptRow>(
      'SELECT delivery, n, at, ms, ok, error FROM alert_attempts WHERE delivery = $1 ORDER BY n',
      [delivery],
    );
  }

  async countDeliveries(): Promise<DeliveryCount[]> {
    return this.db.rows<DeliveryCount>(
      'SELECT channel, status, count(*) AS n FROM alert_deliveries GROUP BY channel, status ORDER BY channel, status',
    );
  }
}
