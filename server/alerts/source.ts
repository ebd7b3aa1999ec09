// A single outage's incident and the points' incident view. The incident engine
// (server/alerts/engine.ts) decides when a point's outage is its own incident (docs/SPEC.md AL1, AL11);
// the id is derived from the outage record, so a repeat is refused by the outbox, not sent twice.
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { formatDateTime } from '../../shared/time';
import type { OutageEvent } from '../status/outages';
import type { Incident, IncidentPoint } from './incident';

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
  const endpoint = r.class === 'endpoint';
  const what = endpoint
    ? 'thiết bị đầu cuối không phản hồi (đường truyền vẫn thông)'
    : r.type === 'down'
      ? 'mất kết nối'
      : 'chập chờn nặng';
  const text = open
    ? `${point.name}: ${what} từ ${formatDateTime(r.startedAt)}`
    : `${point.name}: đã kết nối lại lúc ${formatDateTime(r.endedAt ?? r.startedAt)}`;
  return {
    id: `outage-${r.id}-${open ? 'open' : 'recovered'}`,
    kind: open ? 'open' : 'recovered',
    severity: r.type === 'down' ? 'critical' : 'warning',
    type: endpoint ? 'endpoint' : r.type,
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
    group: { kind: 'point', unit: point.unit.id ? point.unit : null, drops: 1 },
    text,
  };
}
