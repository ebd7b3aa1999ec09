// The inventory's points as a sheet that the importer reads back unchanged: the importer's own
// columns with its Vietnamese headers, the unit by id (exact) and by name (for people), several
// backups, endpoints (shared/endpoint-cell.ts), technicians and phones one per line in their cells.
// Leaders and other contacts, and codec API targets (they carry credentials' references), are not in
// a point list; the importer keeps them as they are.
import { formatEndpointCell, formatLineEntry } from '../../shared/endpoint-cell';
import type { ImportColumn } from '../../shared/import';
import type { Point, Unit } from '../../shared/schemas';
import { COLUMN_LABELS } from '../importer/headers';
import { LEVEL_WORDS } from '../importer/levels';
import { writeCsv, type Delimiter } from '../importer/csv';
import { writeXlsx } from '../importer/xlsx';

export const EXPORT_COLUMNS: readonly ImportColumn[] = [
  'code',
  'name',
  'level',
  'unit',
  'unitId',
  'room',
  'address',
  'host',
  'backupHost',
  'endpoint',
  'technician',
  'phone',
  'agent',
];

export interface ExportSource {
  units: readonly Unit[];
  points: readonly Point[];
}

/** Units depth first from the roots, so a district's points follow it and its communes follow those. */
export function unitOrder(units: readonly Unit[]): Map<string, number> {
  const children = new Map<string | null, Unit[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    const parent = u.parent !== null && ids.has(u.parent) ? u.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), u]);
  }
  const order = new Map<string, number>();
  const visit = (parent: string | null): void => {
    for (const u of children.get(parent) ?? []) {
      if (order.has(u.id)) continue;
      order.set(u.id, order.size);
      visit(u.id);
    }
  };
  visit(null);
  return order;
}

function cells(p: Point, unit: Unit | undefined): Record<ImportColumn, string> {
  const technicians = p.contacts.filter((c) => c.role === 'technician');
  const primary = p.targets.find((t) => t.role === 'primary');
  return {
    code: p.code,
    name: p.name,
    level: LEVEL_WORDS[p.level],
    unit: unit?.name ?? '',
    unitId: p.unit,
    parentUnit: '',
    room: p.room ?? '',
    address: p.address ?? '',
    host: primary ? formatLineEntry(primary) : '',
    backupHost: p.targets
      .filter((t) => t.role === 'backup')
      .map(formatLineEntry)
      .join('\n'),
    endpoint: formatEndpointCell(p.targets),
    technician: technicians.map((c) => c.name).join('\n'),
    // Kept in step with the names line by line; a name without a phone has an empty line.
    phone: technicians.some((c) => c.phone) ? technicians.map((c) => c.phone ?? '').join('\n') : '',
    // [AG1] The point's own agent (a unit's or a target's is not the point's: kept by the importer).
    agent: p.agent ?? '',
  };
}

/** Header row and one row per point. */
export function pointRows(src: ExportSource): string[][] {
  const units = new Map(src.units.map((u) => [u.id, u]));
  const order = unitOrder(src.units);
  const points = [...src.points].sort(
    (a, b) =>
      (order.get(a.unit) ?? Infinity) - (order.get(b.unit) ?? Infinity) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const header = EXPORT_COLUMNS.map((c) => COLUMN_LABELS[c]);
  return [header, ...points.map((p) => EXPORT_COLUMNS.map((c) => cells(p, units.get(p.unit))[c]))];
}

export function exportPointsCsv(src: ExportSource, delimiter: Delimiter = ','): string {
  return writeCsv(pointRows(src), delimiter);
}

export function exportPointsXlsx(src: ExportSource): Promise<Buffer> {
  return writeXlsx('Điểm cầu', pointRows(src));
}
