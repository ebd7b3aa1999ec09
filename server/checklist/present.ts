// Stored checklist rows (ms instants) → what clients see (ISO instants with +07:00).
import type {
  ChecklistHistoryEntry,
  ChecklistPoint,
  ChecklistTemplate,
  ItemMark,
  ItemResult,
  RollCallCapture,
  RollCallMark,
  RollCallStatus,
} from '../../shared/checklist';
import { isConnected } from '../../shared/checklist';
import type { Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import { unitOrder } from '../exporter/points';
import type { ChecklistTemplateRow, MarkHistoryRow, MarkRow, RollCallCaptureRow } from '../store/types';

export function presentTemplate(t: ChecklistTemplateRow): ChecklistTemplate {
  return { id: t.id, name: t.name, isDefault: t.isDefault, items: t.items, updatedAt: toWireInstant(t.updatedAt) };
}

/** An item's mark; a never-set item is pending at version 0. */
export function presentItem(point: string, item: string, m: MarkRow | null | undefined): ItemMark {
  if (!m) return { point, item, result: 'pending', note: null, by: null, at: null, version: 0 };
  return {
    point,
    item,
    result: m.value as ItemResult,
    note: m.note,
    by: m.actor,
    at: toWireInstant(m.at),
    version: m.version,
  };
}

export function presentRollCall(point: string, m: MarkRow | null | undefined): RollCallMark {
  if (!m) return { point, status: 'pending', note: null, by: null, at: null, version: 0 };
  return {
    point,
    status: m.value as RollCallStatus,
    note: m.note,
    by: m.actor,
    at: toWireInstant(m.at),
    version: m.version,
  };
}

export function presentHistory(h: MarkHistoryRow): ChecklistHistoryEntry {
  return {
    id: h.id,
    point: h.point,
    item: h.key,
    value: h.value,
    previous: h.previous,
    note: h.note,
    by: h.actor,
    at: toWireInstant(h.at),
    version: h.version,
    source: h.source,
  };
}

export function presentCapture(c: RollCallCaptureRow): RollCallCapture {
  return {
    moment: c.moment,
    dueAt: toWireInstant(c.dueAt),
    capturedAt: toWireInstant(c.capturedAt),
    entries: c.entries.map((e) => ({
      code: e.code,
      state: e.state,
      connected: isConnected(e.state),
      inCall: e.inCall ?? null,
    })),
  };
}

export function presentPoint(p: Point): ChecklistPoint {
  const tech = p.contacts.find((c) => c.role === 'technician');
  return {
    code: p.code,
    name: p.name,
    level: p.level,
    unit: p.unit,
    technician: tech ? { name: tech.name, phone: tech.phone ?? null } : null,
    hasBackup: p.targets.some((t) => t.role === 'backup'),
    hasCodec: p.targets.some((t) => t.kind === 'videoos' || t.kind === 'roomos'),
  };
}

/** Points in the order of the unit tree (depth first), then by code: a district's communes together. */
export function treeOrder(points: readonly Point[], units: readonly Unit[]): Point[] {
  const order = unitOrder(units);
  return [...points].sort(
    (a, b) =>
      (order.get(a.unit) ?? Infinity) - (order.get(b.unit) ?? Infinity) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
