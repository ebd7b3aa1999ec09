// The alert outbox on the SQLite connection of the store (migration 8); SqliteStore hands it out as
// `store.alerts`. Both the monitor's process (incidents) and the server (routing, deliveries) write
// here; every multi-row change is one IMMEDIATE transaction.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Incident } from '../alerts/incident';
import {
  DEFAULT_DELIVERY_LIMIT,
  MAX_DELIVERY_LIMIT,
  type AckRow,
  type SyncAlertStore,
  type AttemptOutcome,
  type AttemptRow,
  type DeliveryCount,
  type DeliveryQuery,
  type DeliveryRow,
  type NewDelivery,
} from './alert-types';

const DELIVERY = `d.id, d.channel, d.recipient, d.level, d.incident, i.kind AS incidentKind, d.created_at AS createdAt, d.status,
  d.attempts, d.max_attempts AS maxAttempts, d.next_at AS nextAt, d.last_error AS lastError, d.sent_at AS sentAt`;
const FROM = 'alert_deliveries d JOIN alert_incidents i ON i.id = d.incident';

type RawDelivery = Omit<DeliveryRow, 'recipient'> & { recipient: string | null };
const toDelivery = (r: RawDelivery): DeliveryRow => ({
  ...r,
  recipient: r.recipient === null ? null : (JSON.parse(r.recipient) as DeliveryRow['recipient']),
});

interface RawAttempt {
  delivery: number;
  n: number;
  at: number;
  ms: number;
  ok: number;
  error: string | null;
}

export class SqliteAlerts implements SyncAlertStore {
  private readonly s;
  private readonly routeTx;
  private readonly claimTx;
  private readonly attemptTx;
  private readonly ackTx;
  private readonly cancelTx;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      addIncident: p('INSERT OR IGNORE INTO alert_incidents (id, kind, at, json) VALUES (?, ?, ?, ?)'),
      incident: p('SELECT json FROM alert_incidents WHERE id = ?').pluck(),
      unrouted: p('SELECT json FROM alert_incidents WHERE routed_at IS NULL ORDER BY at, id LIMIT ?').pluck(),
      markRouted: p('UPDATE alert_incidents SET routed_at = ? WHERE id = ? AND routed_at IS NULL'),
      insertDelivery: p(`INSERT OR IGNORE INTO alert_deliveries (channel, incident, recipient_key, recipient, level,
        created_at, status, max_attempts, next_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`),
      ofIncident: p(`SELECT ${DELIVERY} FROM ${FROM} WHERE d.incident = ? ORDER BY d.id`),
      insertAck: p('INSERT OR IGNORE INTO alert_acks (incident, at, by, via, delivery) VALUES (?, ?, ?, ?, ?)'),
      ack: p('SELECT incident, at, by, via, delivery FROM alert_acks WHERE incident = ?'),
      cancelOf: p(`UPDATE alert_deliveries SET status = 'cancelled', next_at = NULL, claimed_until = NULL
        WHERE incident = ? AND level > 0 AND status = 'pending' AND attempts = 0`),
      // The outages as one JSON array parameter: IN (subquery) is one ephemeral index, so the pass over the
      // open incidents' outages is linear, however many outages are asked about.
      openOfOutages: p(`SELECT i.id FROM alert_incidents i WHERE i.kind = 'open' AND EXISTS (
          SELECT 1 FROM json_each(i.json, '$.outages') o WHERE o.value IN (SELECT value FROM json_each(?)))
        ORDER BY i.at, i.id`).pluck(),
      key: p('SELECT key FROM alert_keys WHERE name = ?').pluck(),
      insertKey: p('INSERT OR IGNORE INTO alert_keys (name, key) VALUES (?, ?)'),
      due: p(`SELECT d.id FROM alert_deliveries d WHERE d.status = 'pending' AND d.channel = ? AND d.next_at <= ?
        AND (d.claimed_until IS NULL OR d.claimed_until <= ?) ORDER BY d.next_at, d.id LIMIT ?`).pluck(),
      claim: p('UPDATE alert_deliveries SET claimed_until = ? WHERE id = ?'),
      nextDue: p(`SELECT MIN(MAX(next_at, COALESCE(claimed_until, 0))) FROM alert_deliveries
        WHERE status = 'pending' AND channel = ?`).pluck(),
      delivery: p(`SELECT ${DELIVERY} FROM ${FROM} WHERE d.id = ?`),
      attempts: p('SELECT attempts FROM alert_deliveries WHERE id = ?').pluck(),
      insertAttempt: p('INSERT INTO alert_attempts (delivery, n, at, ms, ok, error) VALUES (?, ?, ?, ?, ?, ?)'),
      updateDelivery: p(`UPDATE alert_deliveries SET attempts = ?, status = ?, next_at = ?, last_error = ?, sent_at = ?,
        claimed_until = NULL WHERE id = ?`),
      listAll: p(`SELECT ${DELIVERY} FROM ${FROM} ORDER BY d.id DESC LIMIT ?`),
      listChannel: p(`SELECT ${DELIVERY} FROM ${FROM} WHERE d.channel = ? ORDER BY d.id DESC LIMIT ?`),
      listAttempts: p('SELECT delivery, n, at, ms, ok, error FROM alert_attempts WHERE delivery = ? ORDER BY n'),
      counts: p(
        'SELECT channel, status, COUNT(*) AS n FROM alert_deliveries GROUP BY channel, status ORDER BY channel, status',
      ),
    };
    this.routeTx = db.transaction((id: string, at: number, deliveries: readonly NewDelivery[]): boolean => {
      if (this.s.markRouted.run(at, id).changes === 0) return false;
      for (const d of deliveries) {
        const r = d.recipient ?? null;
        this.s.insertDelivery.run(
          d.channel,
          id,
          r === null ? '' : r.address,
          r === null ? null : JSON.stringify(r),
          d.level ?? 0,
          at,
          d.maxAttempts,
          Math.round(d.dueAt ?? at),
        );
      }
      return true;
    });
    this.ackTx = db.transaction((a: AckRow) => {
      const first = this.s.insertAck.run(a.incident, Math.round(a.at), a.by, a.via, a.delivery).changes > 0;
      const cancelled = first ? this.s.cancelOf.run(a.incident).changes : 0;
      return { ack: this.s.ack.get(a.incident) as AckRow, first, cancelled };
    });
    this.cancelTx = db.transaction((outages: readonly number[], incidents: readonly string[]): number => {
      const ids = new Set([...(this.s.openOfOutages.all(JSON.stringify(outages)) as string[]), ...incidents]);
      let n = 0;
      for (const id of ids) n += this.s.cancelOf.run(id).changes;
      return n;
    });
    this.claimTx = db.transaction((channel: string, now: number, leaseUntil: number, limit: number): DeliveryRow[] => {
      const ids = this.s.due.all(channel, now, now, limit) as number[];
      for (const id of ids) this.s.claim.run(leaseUntil, id);
      return ids.map((id) => toDelivery(this.s.delivery.get(id) as RawDelivery));
    });
    this.attemptTx = db.transaction((o: AttemptOutcome): DeliveryRow => {
      const before = this.s.attempts.get(o.delivery) as number | undefined;
      if (before === undefined) throw new Error(`no alert delivery ${o.delivery}`);
      const n = before + 1;
      this.s.insertAttempt.run(o.delivery, n, o.at, Math.round(o.ms), o.ok ? 1 : 0, o.error);
      const status = o.ok ? 'sent' : o.nextAt === null ? 'failed' : 'pending';
      this.s.updateDelivery.run(n, status, o.ok ? null : o.nextAt, o.error, o.ok ? o.at : null, o.delivery);
      return toDelivery(this.s.delivery.get(o.delivery) as RawDelivery);
    });
  }

  addIncident(incident: Incident): boolean {
    // Instants may carry a fraction of a millisecond (an outage's end is a probe's send time): the column is whole ms.
    return (
      this.s.addIncident.run(incident.id, incident.kind, Math.round(incident.at), JSON.stringify(incident)).changes > 0
    );
  }

  getIncident(id: string): Incident | undefined {
    const json = this.s.incident.get(id) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as Incident);
  }

  unroutedIncidents(limit: number): Incident[] {
    return (this.s.unrouted.all(limit) as string[]).map((j) => JSON.parse(j) as Incident);
  }

  routeIncident(id: string, at: number, deliveries: readonly NewDelivery[]): boolean {
    return this.routeTx.immediate(id, at, deliveries);
  }

  incidentDeliveries(incident: string): DeliveryRow[] {
    return (this.s.ofIncident.all(incident) as RawDelivery[]).map(toDelivery);
  }

  acknowledge(a: AckRow): { ack: AckRow; first: boolean; cancelled: number } {
    return this.ackTx.immediate(a);
  }

  getAck(incident: string): AckRow | undefined {
    return this.s.ack.get(incident) as AckRow | undefined;
  }

  openIncidentsOf(outages: readonly number[]): string[] {
    return outages.length === 0 ? [] : (this.s.openOfOutages.all(JSON.stringify(outages)) as string[]);
  }

  cancelEscalations(outages: readonly number[], incidents: readonly string[] = []): number {
    return outages.length === 0 && incidents.length === 0 ? 0 : this.cancelTx.immediate(outages, incidents);
  }

  ackKey(): Buffer {
    const have = this.s.key.get('ack') as Buffer | undefined;
    if (have) return have;
    // Two servers may race here: the first key written wins and both read it back.
    this.s.insertKey.run('ack', randomBytes(32));
    return this.s.key.get('ack') as Buffer;
  }

  claimDue(channel: string, now: number, leaseUntil: number, limit: number): DeliveryRow[] {
    return this.claimTx.immediate(channel, now, leaseUntil, limit);
  }

  nextDueAt(channel: string): number | null {
    return (this.s.nextDue.get(channel) as number | null) ?? null;
  }

  recordAttempt(o: AttemptOutcome): DeliveryRow {
    return this.attemptTx.immediate(o);
  }

  getDelivery(id: number): DeliveryRow | undefined {
    const r = this.s.delivery.get(id) as RawDelivery | undefined;
    return r && toDelivery(r);
  }

  listDeliveries(q: DeliveryQuery): DeliveryRow[] {
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? DEFAULT_DELIVERY_LIMIT)), MAX_DELIVERY_LIMIT);
    const rows = q.channel === undefined ? this.s.listAll.all(limit) : this.s.listChannel.all(q.channel, limit);
    return (rows as RawDelivery[]).map(toDelivery);
  }

  listAttempts(delivery: number): AttemptRow[] {
    return (this.s.listAttempts.all(delivery) as RawAttempt[]).map((r) => ({ ...r, ok: r.ok === 1 }));
  }

  countDeliveries(): DeliveryCount[] {
    return this.s.counts.all() as DeliveryCount[];
  }
}
