// The report as one workbook: summary (with the meeting's particulars above it), per unit, per point,
// outages, checklist and roll call. Numbers stay numbers (percentages and RTTs with two decimals,
// durations as Excel durations shown `1 giờ 04 phút 29 giây`); instants are text in Asia/Ho_Chi_Minh, since a spreadsheet
// cell has no time zone.
import ExcelJS from 'exceljs';
import type { MeetingReport } from '../../shared/report';
import { formatDateTime } from '../../shared/time';
import { PHASE_WORDS, STATUS_WORDS } from './labels';
import {
  checklistTable,
  formatInstant,
  outageGroupsTable,
  outagesTable,
  pointsTable,
  regionsTable,
  rollCallTable,
  summaryTable,
  unitsTable,
  type ColumnKind,
  type ExportTable,
} from './tables';

export const REPORT_TITLE = 'Báo cáo kết quả bảo đảm kỹ thuật hội nghị trực tuyến';
const DAY_MS = 86_400_000;

const NUM_FMT: Partial<Record<ColumnKind, string>> = {
  int: '0',
  pct: '0.00',
  ms: '0.00',
  // Still an Excel duration (it adds up), written `1 giờ 04 phút 29 giây`: `1:04:29` reads as a time of day.
  duration: '[h] "giờ" mm "phút" ss "giây"',
};

function addTable(ws: ExcelJS.Worksheet, t: ExportTable): number {
  const headerRow = ws.addRow(t.columns.map((c) => c.header));
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'top' };
  for (const values of t.rows) {
    ws.addRow(
      values.map((v, i) => {
        const kind = t.columns[i]?.kind ?? 'text';
        if (v === null || typeof v === 'string') return v ?? '';
        if (kind === 'duration') return v / DAY_MS;
        if (kind === 'datetime') return formatInstant(v);
        return v;
      }),
    );
  }
  t.columns.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    const fmt = NUM_FMT[c.kind];
    if (fmt) column.numFmt = fmt;
    const longest = Math.max(...t.rows.slice(0, 200).map((r) => String(r[i] ?? '').length), c.kind === 'text' ? 8 : 10);
    column.width = Math.min(48, Math.max(c.kind === 'text' ? 10 : 12, Math.min(c.header.length, 24), longest + 2));
  });
  return headerRow.number;
}

function sheet(wb: ExcelJS.Workbook, t: ExportTable): void {
  const ws = wb.addWorksheet(t.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  addTable(ws, t);
}

export async function reportXlsx(r: MeetingReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'diemcau';
  wb.title = REPORT_TITLE;
  const summary = summaryTable(r);
  const ws = wb.addWorksheet(summary.sheet);
  ws.addRow([REPORT_TITLE]).font = { bold: true, size: 14 };
  ws.addRow([r.scope ? `${r.meeting.title} — ${r.scope.name}` : r.meeting.title]).font = { bold: true };
  for (const ph of ['lineTest', 'live'] as const) {
    const p = r.phases[ph];
    ws.addRow([
      `${PHASE_WORDS[ph]}: ${formatDateTime(Date.parse(p.from))} – ${formatDateTime(Date.parse(p.to))} (${STATUS_WORDS[p.status]})`,
    ]);
  }
  ws.addRow([
    `Lập lúc ${formatDateTime(Date.parse(r.generatedAt))}${r.source === 'snapshot' ? ' (số liệu lưu khi hội nghị kết thúc)' : ''}`,
  ]);
  ws.addRow([]);
  const header = addTable(ws, summary);
  ws.views = [{ state: 'frozen', ySplit: header }];
  ws.getColumn(1).width = 28;
  for (const t of [
    ...((r.regions?.length ?? 0) >= 2 ? [regionsTable(r)] : []),
    unitsTable(r),
    pointsTable(r),
    outagesTable(r),
    outageGroupsTable(r),
    checklistTable(r),
    rollCallTable(r),
  ])
    sheet(wb, t);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
