// The alert outbox of the in-memory Store (tests/helpers/memory-store.ts), with the SQLite outbox's
// rules: an incident stored once, routed once, a pending delivery claimed by one sender at a time.
import { randomBytes } from 'node:crypto';
import type { Incident } from '../../server/alerts/incident';
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
} from '../../server/store/alert-types';

interface Stored extends DeliveryRow {
  claimedUntil: number | null;
}

export class MemoryAlertsDb {
  readonly incidents = new Map<string, { incident: Incident; routedAt: number | null }>();
  readonly deliveries = new Map<number, Stored>();
  readonly attempts: AttemptRow[] = [];
  readonly acks = new Map<string, AckRow>();
  key: Buffer | null = null;
  nextId = 1;
}

const view = ({ claimedUntil: _c, ...d }: Stored): DeliveryRow => ({ ...d });

export class MemoryAlerts implements SyncAlertStore {
  constructor(private readonly db: MemoryAlertsDb) {}

  addIncident(incident: Incident): boolean {
    if (incident.kind === 'digest') throw new Error('CHECK constraint failed: kind IN (open, recovered, test)');
    if (this.db.incidents.has(incident.id)) return false;
    this.db.incidents.set(incident.id, { incident: structuredClone(incident), routedAt: null });
    return true;
  }

  getIncident(id: string): Incident | undefined {
    const i = this.db.incidents.get(id);
    return i && structuredClone(i.incident);
  }

  unroutedIncidents(limit: number): Incident[] {
    return [...this.db.incidents.values()]
      .filter((i) => i.routedAt === null)
      .sort((a, b) => a.incident.at - b.incident.at || (a.incident.id < b.incident.id ? -1 : 1))
      .slice(0, limit)
      .map((i) => structuredClone(i.incident));
  }

  routeIncident(id: string, at: number, deliveries: readonly NewDelivery[]): boolean {
    const i = this.db.incidents.get(id);
    if (!i || i.routedAt !== null) return false;
    i.routedAt = at;
    for (const d of deliveries) {
      const key = d.recipient?.address ?? '';
      const same = (x: Stored) => x.incident === id && x.channel === d.channel && (x.recipient?.address ?? '') === key;
      if ([...this.db.deliveries.values()].some(same)) continue;
      const row: Stored = {
        id: this.db.nextId++,
        channel: d.channel,
        recipient: d.recipient ? { ...d.recipient } : null,
        level: d.level ?? 0,
        incident: id,
        // addIncident refused digests, as the SQLite CHECK does (issue 17 point 4).
        incidentKind: i.incident.kind as DeliveryRow['incidentKind'],
        createdAt: at,
        status: 'pending',
        attempts: 0,
        maxAttempts: d.maxAttempts,
        nextAt: Math.round(d.dueAt ?? at),
        lastError: null,
        sentAt: null,
        claimedUntil: null,
      };
      this.db.deliveries.set(row.id, row);
    }
    return true;
  }

  incidentDeliveries(incident: string): DeliveryRow[] {
    return [...this.db.deliveries.values()].filter((d) => d.incident === incident).map(view);
  }

  private cancelOf(incident: string): number {
    let n = 0;
    for (const d of this.db.deliveries.values()) {
      if (d.incident === incident && d.level > 0 && d.status === 'pending' && d.attempts === 0) {
        d.status = 'cancelled';
        d.nextAt = null;
        d.claimedUntil = null;
        n += 1;
      }
    }
    return n;
  }

  acknowledge(a: AckRow): { ack: AckRow; first: boolean; cancelled: number } {
    const had = this.db.acks.get(a.incident);
    if (had) return { ack: { ...had }, first: false, cancelled: 0 };
    this.db.acks.set(a.incident, { ...a, at: Math.round(a.at) });
    return { ack: { ...this.db.acks.get(a.incident)! }, first: true, cancelled: this.cancelOf(a.incident) };
  }

  getAck(incident: string): AckRow | undefined {
    const a = this.db.acks.get(incident);
    return a && { ...a };
  }

  openIncidentsOf(outages: readonly number[]): string[] {
    const asked = new Set(outages);
    return [...this.db.incidents.values()]
      .filter((i) => i.incident.kind === 'open' && i.incident.outages.some((o) => asked.has(o)))
      .toSorted((x, y) => x.incident.at - y.incident.at || (x.incident.id < y.incident.id ? -1 : 1))
      .map((i) => i.incident.id);
  }

  cancelEscalations(outages: readonly number[], incidents: readonly string[] = []): number {
    let n = 0;
    for (const { incident } of this.db.incidents.values()) {
      if (
        incident.kind === 'open' &&
        (incident.outages.some((o) => outages.includes(o)) || incidents.includes(incident.id))
      )
        n += this.cancelOf(incident.id);
    }
    return n;
  }

  ackKey(): Buffer {
    this.db.key ??= randomBytes(32);
    return this.db.key;
  }

  claimDue(channel: string, now: number, leaseUntil: number, limit: number): DeliveryRow[] {
    const due = [...this.db.deliveries.values()]
      .filter(
        (d) =>
          d.status === 'pending' &&
          d.channel === channel &&
          d.nextAt !== null &&
          d.nextAt <= now &&
          (d.claimedUntil === null || d.claimedUntil <= now),
      )
      .sort((a, b) => a.nextAt! - b.nextAt! || a.id - b.id)
      .slice(0, limit);
    for (const d of due) d.claimedUntil = leaseUntil;
    return due.map(view);
  }

  nextDueAt(channel: string): number | null {
    let best: number | null = null;
    for (const d of this.db.deliveries.values()) {
      if (d.status !== 'pending' || d.channel !== channel || d.nextAt === null) continue;
      const at = Math.max(d.nextAt, d.claimedUntil ?? 0);
      if (best === null || at < best) best = at;
    }
    return best;
  }

  recordAttempt(o: AttemptOutcome): DeliveryRow {
    const d = this.db.deliveries.get(o.delivery);
    if (!d) throw new Error(`no alert delivery ${o.delivery}`);
    d.attempts += 1;
    this.db.attempts.push({ delivery: d.id, n: d.attempts, at: o.at, ms: Math.round(o.ms), ok: o.ok, error: o.error });
    d.status = o.ok ? 'sent' : o.nextAt === null ? 'failed' : 'pending';
    d.nextAt = o.ok ? null : o.nextAt;
    d.lastError = o.error;
    d.sentAt = o.ok ? o.at : null;
    d.claimedUntil = null;
    return view(d);
  }

  getDelivery(id: number): DeliveryRow | undefined {
    const d = this.db.deliveries.get(id);
    return d && view(d);
  }

  listDeliveries(q: DeliveryQuery): DeliveryRow[] {
    const limit = Math.min(Math.max(1, Math.floor(q.limit ?? DEFAULT_DELIVERY_LIMIT)), MAX_DELIVERY_LIMIT);
    return [...this.db.deliveries.values()]
      .filter((d) => q.channel === undefined || d.channel === q.channel)
      .sort((a, b) => b.id - a.id)
      .slice(0, limit)
      .map(view);
  }

  listAttempts(delivery: number): AttemptRow[] {
    return this.db.attempts.filter((a) => a.delivery === delivery).map((a) => ({ ...a }));
  }

  countDeliveries(): DeliveryCount[] {
    const counts = new Map<string, DeliveryCount>();
    for (const d of this.db.deliveries.values()) {
      const key = `${d.channel}\u0000${d.status}`;
      const c = counts.get(key) ?? { channel: d.channel, status: d.status, n: 0 };
      c.n += 1;
      counts.set(key, c);
    }
    return [...counts.values()].sort((a, b) => (a.channel + a.status < b.channel + b.status ? -1 : 1));
  }
}
