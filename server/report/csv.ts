// One table of the report as CSV (UTF-8 with BOM, CRLF): comma-separated with decimal points, or for a
// Vietnamese-locale Excel semicolon-separated with decimal commas. Durations in whole seconds (the
// header says "(giây)"): a machine-readable number that adds up and can never be read as a time of day,
// as `0:40` could. Instants dd/MM/yyyy HH:mm:ss in Asia/Ho_Chi_Minh. Text that would start a formula
// is defused by writeCsv.
import type { CsvTable, MeetingReport } from '../../shared/report';
import { writeCsv } from '../importer/csv';
import {
  checklistTable,
  formatInstant,
  outagesTable,
  pointsTable,
  regionsTable,
  rollCallTable,
  summaryTable,
  unitsTable,
  type CellValue,
  type ColumnKind,
  type ExportTable,
} from './tables';

export const CSV_BUILDERS: Record<CsvTable, (r: MeetingReport) => ExportTable> = {
  summary: summaryTable,
  regions: regionsTable,
  units: unitsTable,
  points: pointsTable,
  outages: outagesTable,
  checklist: checklistTable,
  rollcall: rollCallTable,
};

export function csvCell(v: CellValue, kind: ColumnKind, decimalComma: boolean): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  const dec = (s: string): string => (decimalComma ? s.replace('.', ',') : s);
  switch (kind) {
    case 'pct':
    case 'ms':
      return dec(v.toFixed(2));
    case 'duration':
      return String(Math.round(v / 1000));
    case 'datetime':
      return formatInstant(v);
    default:
      return String(v);
  }
}

/** `Thời lượng (giây)`, `Thời gian mất kết nối (cộng các điểm cầu, giây)`. */
const secondsHeader = (h: string): string => (h.endsWith(')') ? `${h.slice(0, -1)}, giây)` : `${h} (giây)`);

export function reportCsv(r: MeetingReport, which: CsvTable, semicolon = false): string {
  const t = CSV_BUILDERS[which](r);
  const rows = t.rows.map((row) => row.map((v, i) => csvCell(v, t.columns[i]?.kind ?? 'text', semicolon)));
  const header = t.columns.map((c) => (c.kind === 'duration' ? secondsHeader(c.header) : c.header));
  return writeCsv([header, ...rows], semicolon ? ';' : ',');
}
