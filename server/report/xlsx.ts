// The report as one workbook: summary (with the meeting's particulars above it), per unit, per point,
// outages, checklist and roll call. Numbers stay numbers (percentages and RTTs with two decimals,
// durations as Excel durations shown `1 giờ 04 phút 29 giây`); instants are text in Asia/Ho_Chi_Minh, since a spreadsheet
// cell has no time zone.
import { PassThrough } from 'node:stream';
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

/** Widths from the header and the first rows (the streamed sheet needs them before its rows). */
function columnsOf(t: ExportTable): Partial<ExcelJS.Column>[] {
  return t.columns.map((c, i) => {
    const longest = Math.max(...t.rows.slice(0, 200).map((r) => String(r[i] ?? '').length), c.kind === 'text' ? 8 : 10);
    const width = Math.min(48, Math.max(c.kind === 'text' ? 10 : 12, Math.min(c.header.length, 24), longest + 2));
    const numFmt = NUM_FMT[c.kind];
    return numFmt ? { width, style: { numFmt } } : { width };
  });
}

/** The table's header (bold) and rows, each committed as written: the rows never pile up in memory. */
function addTable(ws: ExcelJS.Worksheet, t: ExportTable): void {
  const headerRow = ws.addRow(t.columns.map((c) => c.header));
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'top' };
  headerRow.commit();
  const formats = t.columns.map((c) => NUM_FMT[c.kind]);
  for (const values of t.rows) {
    const row = ws.addRow(
      values.map((v, i) => {
        const kind = t.columns[i]?.kind ?? 'text';
        if (v === null || typeof v === 'string') return v ?? '';
        if (kind === 'duration') return v / DAY_MS;
        if (kind === 'datetime') return formatInstant(v);
        return v;
      }),
    );
    formats.forEach((fmt, i) => {
      if (fmt && typeof values[i] === 'number') row.getCell(i + 1).numFmt = fmt;
    });
    row.commit();
  }
}

function sheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, t: ExportTable): void {
  const ws = wb.addWorksheet(t.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columnsOf(t);
  addTable(ws, t);
  ws.commit();
}

export async function reportXlsx(r: MeetingReport): Promise<Buffer> {
  // Streamed: a national meeting's workbook (40,000 points, as many units) built as one in-memory
  // model took 75 s and most of a worker's heap; written row by row it is bounded (NV5).
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'diemcau';
  wb.title = REPORT_TITLE;
  const summary = summaryTable(r);
  const lines: string[] = [
    ...(['lineTest', 'live'] as const).map((ph) => {
      const p = r.phases[ph];
      return `${PHASE_WORDS[ph]}: ${formatDateTime(Date.parse(p.from))} – ${formatDateTime(Date.parse(p.to))} (${STATUS_WORDS[p.status]})`;
    }),
    `Lập lúc ${formatDateTime(Date.parse(r.generatedAt))}${r.source === 'snapshot' ? ' (số liệu lưu khi hội nghị kết thúc)' : ''}`,
  ];
  // Title, meeting, the lines, a blank row: the table's header comes next, frozen with what is above.
  const header = 2 + lines.length + 2;
  const ws = wb.addWorksheet(summary.sheet, { views: [{ state: 'frozen', ySplit: header }] });
  ws.columns = [{ ...columnsOf(summary)[0], width: 28 }, ...columnsOf(summary).slice(1)];
  const title = ws.addRow([REPORT_TITLE]);
  title.font = { bold: true, size: 14 };
  title.commit();
  const meeting = ws.addRow([r.scope ? `${r.meeting.title} — ${r.scope.name}` : r.meeting.title]);
  meeting.font = { bold: true };
  meeting.commit();
  for (const line of lines) ws.addRow([line]).commit();
  ws.addRow([]).commit();
  addTable(ws, summary);
  ws.commit();
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
  await wb.commit();
  return Buffer.concat(chunks);
}
