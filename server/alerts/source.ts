// Incidents from outages: one when an outage opens, one when it ends (docs/ALERTS.md AL1). Runs beside
// the outage recorder, in the monitor's process (the only writer of outages), so each outage event
// becomes one incident whatever the number of servers; the incident's id is derived from the outage
// record, so a repeat is refused by the outbox, not sent twice. A grouping engine (issue 17's later
// points) replaces this class by another IncidentSink writer; nothing downstream changes.
import type { Logger } from 'pino';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { formatDateTime } from '../../shared/time';
import type { OutageEvent } from '../status/outages';
import type { Incident, IncidentPoint, IncidentSink } from './incident';

export interface InventoryLookup {
  point(code: string): Point | undefined;
  unit(id: string): Unit | undefined;
  meeting(id: string): Meeting | undefined;
}

const ROLE_ORDER: Record<string, number> = { technician: 0, leader: 1, other: 2 };

export function incidentPoint(code: string, inv: InventoryLookup): IncidentPoint {
  const p = inv.point(code);
  if (!p) return { code, name: code, unit: { id: '', name: '' }, contacts: [] };
  const unit = inv.unit(p.unit);
  const contacts = p.contacts
    .filter((c) => c.phone !== undefined)
    .sort((a, b) => (ROLE_ORDER[a.role] ?? 9) - (ROLE_ORDER[b.role] ?? 9))
    .map((c) => ({ name: c.name, role: c.role, phone: c.phone! }));
  return { code, name: p.name, unit: { id: p.unit, name: unit?.name ?? p.unit }, contacts };
}

/** The incident of an outage event. */
export function outageIncident(e: OutageEvent, inv: InventoryLookup): Incident {
  const r = e.row;
  const open = e.kind === 'opened';
  const meeting = r.meeting === null ? undefined : inv.meeting(r.meeting);
  const point = incidentPoint(r.point, inv);
  const what = r.type === 'down' ? 'mất kết nối' : 'chập chờn nặng';
  const text = open
    ? `${point.name}: ${what} từ ${formatDateTime(r.startedAt)}`
    : `${point.name}: đã kết nối lại lúc ${formatDateTime(r.endedAt ?? r.startedAt)}`;
  return {
    id: `outage-${r.id}-${open ? 'open' : 'recovered'}`,
    kind: open ? 'open' : 'recovered',
    severity: r.type === 'down' ? 'critical' : 'warning',
    type: r.type,
    at: open ? r.detectedAt : (r.endedAt ?? r.detectedAt),
    start: r.startedAt,
    end: r.endedAt,
    meeting: meeting
      ? { id: meeting.id, title: meeting.title }
      : r.meeting === null
        ? null
        : { id: r.meeting, title: r.meeting },
    phase: r.phase,
    outages: [r.id],
    points: [point],
    text,
  };
}

export interface OutageIncidentsOptions {
  sink: IncidentSink;
  inventory: InventoryLookup;
  logger: Logger;
  /** Incidents held while the store cannot write; beyond this the oldest are given up (and logged). */
  maxPending?: number;
}

/** Hears the outage recorder's events and writes their incidents; what the store refuses is retried. */
export class OutageIncidents {
  private readonly pending: Incident[] = [];

  constructor(private readonly o: OutageIncidentsOptions) {}

  /** The outage recorder's listener: called after the outage row is on disk. */
  readonly onOutage = (e: OutageEvent): void => {
    this.pending.push(outageIncident(e, this.o.inventory));
    const max = this.o.maxPending ?? 10_000;
    if (this.pending.length > max) {
      const lost = this.pending.splice(0, this.pending.length - max);
      this.o.logger.error({ lost: lost.map((i) => i.id) }, 'alert incidents given up: the store refused them too long');
    }
    this.flush();
  };

  /** Incidents not yet written (the store failed). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Writes what waits, in order; stops at the first failure (retried on the next call). */
  flush(): void {
    while (this.pending.length > 0) {
      const i = this.pending[0]!;
      try {
        this.o.sink.add(i);
      } catch (err) {
        this.o.logger.warn({ err, incident: i.id, pending: this.pending.length }, 'alert incident not written yet');
        return;
      }
      this.pending.shift();
    }
  }
}
