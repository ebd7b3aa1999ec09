// The report as tables, one definition for every export: CSV, the XLSX sheets and the PDF print the
// same columns from the same numbers, each in its own format (docs/REPORT.md).
import {
  CAUSE_LABELS,
  REPORT_PHASES,
  type AggregateFigures,
  type MeetingReport,
  type PhaseFigures,
  type ReportTable,
} from '../../shared/report';
import { formatDateTime, formatTime } from '../../shared/time';
import { LEVEL_WORDS, PHASE_WORDS, RECORD_PHASE_WORDS, outageWords } from './labels';
import { groupKindWords, groupWhoWords, reportOutageGroups } from './outage-groups';
import { regionsTitle } from './regions';
import { ownRowName } from './tree';

/** How a column's values are written: text as is; numbers and times formatted per export. */
export type ColumnKind = 'text' | 'int' | 'pct' | 'ms' | 'duration' | 'datetime';
export type CellValue = string | number | null;

export interface Column {
  header: string;
  kind: ColumnKind;
}

export interface ExportTable {
  /** Sheet name in the workbook (≤ 31 characters). */
  sheet: string;
  title: string;
  columns: Column[];
  rows: CellValue[][];
}

const col = (header: string, kind: ColumnKind = 'text'): Column => ({ header, kind });

const FIGURE_COLUMNS: Column[] = [
  col('Thời gian theo dõi', 'duration'),
  col('Thông suốt (%)', 'pct'),
  col('Chập chờn, gồm chập chờn nặng (%)', 'pct'),
  col('Mất kết nối (%)', 'pct'),
  col('Chưa rõ (%)', 'pct'),
  col('Khả dụng trên thời gian đo được (%)', 'pct'),
  col('Số lần mất kết nối', 'int'),
  col('Số lần chập chờn nặng', 'int'),
  col('Thời gian mất kết nối', 'duration'),
  col('Lần mất kết nối dài nhất', 'duration'),
  col('Độ trễ trung vị (ms)', 'ms'),
  col('Độ trễ p95 (ms)', 'ms'),
  col('Tỷ lệ mất gói (%)', 'pct'),
];

function figureCells(f: PhaseFigures | null): CellValue[] {
  if (!f) return FIGURE_COLUMNS.map(() => null);
  return [
    f.periodMs,
    f.upPct,
    f.degradedPct,
    f.downPct,
    f.unknownPct,
    f.reachablePct,
    f.downCount,
    f.severeCount,
    f.downMs,
    f.longestDownMs,
    f.rttMedian,
    f.rttP95,
    f.lossPct,
  ];
}

/**
 * The figure columns of a unit or the meeting: its times are its points' added up (point-time), so the
 * headers of the two summed durations say so — 5 points over a 1-hour session are 5 hours monitored.
 */
const SUMMED_FIGURE_COLUMNS: Column[] = FIGURE_COLUMNS.map((c) =>
  c.header === 'Thời gian theo dõi' || c.header === 'Thời gian mất kết nối'
    ? { ...c, header: `${c.header} (cộng các điểm cầu)` }
    : c,
);

const AGGREGATE_COLUMNS: Column[] = [
  col('Số điểm cầu', 'int'),
  col('Điểm cầu có mất kết nối', 'int'),
  col('Điểm cầu chưa đo được', 'int'),
];
const aggregateCells = (f: AggregateFigures | null): CellValue[] =>
  f ? [f.points, f.pointsWithDown, f.pointsUnknown] : [null, null, null];

export function summaryTable(r: MeetingReport): ExportTable {
  return {
    sheet: 'Tổng hợp',
    title: 'Tổng hợp theo giai đoạn',
    columns: [col('Giai đoạn'), ...AGGREGATE_COLUMNS, ...SUMMED_FIGURE_COLUMNS],
    rows: REPORT_PHASES.map((ph) => [PHASE_WORDS[ph], ...aggregateCells(r.summary[ph]), ...figureCells(r.summary[ph])]),
  };
}

export function unitsTable(r: MeetingReport): ExportTable {
  return {
    sheet: 'Theo đơn vị',
    title: 'Theo đơn vị hành chính (gồm các đơn vị trực thuộc)',
    columns: [
      col('Mã đơn vị'),
      col('Đơn vị'),
      col('Cấp'),
      col('Giai đoạn'),
      ...AGGREGATE_COLUMNS,
      ...SUMMED_FIGURE_COLUMNS,
    ],
    rows: r.units.flatMap((u) =>
      REPORT_PHASES.map((ph) => [
        u.id,
        `${'  '.repeat(u.depth)}${u.name}`,
        LEVEL_WORDS[u.level],
        PHASE_WORDS[ph],
        ...aggregateCells(u[ph]),
        ...figureCells(u[ph]),
      ]),
    ),
  };
}

/**
 * [NV5] The meeting by region (the dashboard's overview's regions): its sheet is named after their
 * level, "Theo tỉnh" for provinces. Inventory order, as the overview; the PDF ranks them worst first.
 */
export function regionsTable(r: MeetingReport): ExportTable {
  const regions = r.regions ?? [];
  const sheet = regions.length > 0 ? regionsTitle(regions) : 'Theo khu vực';
  const columns = [
    col('Mã đơn vị'),
    col('Khu vực'),
    col('Cấp'),
    col('Giai đoạn'),
    ...AGGREGATE_COLUMNS,
    ...SUMMED_FIGURE_COLUMNS,
  ];
  if (regions.length === 0) {
    return { sheet, title: sheet, columns: [col(sheet)], rows: [['Báo cáo này chưa có số liệu theo khu vực.']] };
  }
  return {
    sheet,
    title: `${sheet} (các khu vực của hội nghị, như màn hình tổng quan)`,
    columns,
    rows: regions.flatMap((g) =>
      REPORT_PHASES.map((ph) => [
        g.id,
        g.own ? ownRowName(g.name) : g.name,
        LEVEL_WORDS[g.level],
        PHASE_WORDS[ph],
        ...aggregateCells(g[ph]),
        ...figureCells(g[ph]),
      ]),
    ),
  };
}

export function pointsTable(r: MeetingReport): ExportTable {
  return {
    sheet: 'Theo điểm cầu',
    title: 'Theo điểm cầu',
    columns: [
      col('Mã điểm cầu'),
      col('Tên điểm cầu'),
      col('Đơn vị'),
      col('Địa chỉ IP'),
      col('Giai đoạn'),
      ...FIGURE_COLUMNS,
    ],
    rows: r.points.flatMap((p) =>
      REPORT_PHASES.map((ph) => [p.code, p.name, p.unitName, p.host ?? '', PHASE_WORDS[ph], ...figureCells(p[ph])]),
    ),
  };
}

export function outagesTable(r: MeetingReport): ExportTable {
  return {
    sheet: 'Sự cố',
    title: 'Danh sách sự cố',
    columns: [
      col('Mã sự cố', 'int'),
      col('Mã điểm cầu'),
      col('Điểm cầu'),
      col('Đơn vị'),
      col('Loại'),
      col('Giai đoạn khi bắt đầu'),
      col('Bắt đầu', 'datetime'),
      col('Phát hiện', 'datetime'),
      col('Kết thúc', 'datetime'),
      col('Thời lượng', 'duration'),
      col('Trong chạy thử', 'duration'),
      col('Trong phiên họp', 'duration'),
      col('Nguyên nhân'),
      col('Ghi chú'),
      col('Người xác nhận'),
      col('Thời điểm xác nhận', 'datetime'),
      col('Bảo trì theo kế hoạch'), // issue 17 point 4
    ],
    rows: r.outages.map((o) => [
      o.id,
      o.point,
      o.pointName,
      o.unitName ?? '',
      outageWords(o),
      o.phase ? RECORD_PHASE_WORDS[o.phase] : '',
      Date.parse(o.startedAt),
      Date.parse(o.detectedAt),
      o.endedAt === null ? null : Date.parse(o.endedAt),
      o.durationMs,
      o.lineTestMs,
      o.liveMs,
      o.note?.cause ? CAUSE_LABELS[o.note.cause] : '',
      o.note?.note ?? '',
      o.note ? (o.note.acknowledgedByName ?? o.note.acknowledgedBy) : '',
      o.note ? Date.parse(o.note.acknowledgedAt) : null,
      o.planned ? o.planned.reason : '',
    ]),
  };
}

/** [AL15] The outages grouped by problem: one row per unit line, flapping line or point outage. */
export function outageGroupsTable(r: MeetingReport): ExportTable {
  const groups = r.outageGroups ?? reportOutageGroups(r);
  return {
    sheet: 'Sự cố theo nhóm',
    title: 'Sự cố theo nhóm (cả đơn vị mất đường truyền, chập chờn liên tục)',
    columns: [
      col('STT', 'int'),
      col('Loại'),
      col('Đơn vị'),
      col('Điểm cầu'),
      col('Số điểm cầu', 'int'),
      col('Số lần mất', 'int'),
      col('Bắt đầu', 'datetime'),
      col('Kết thúc', 'datetime'),
      col('Thời lượng', 'duration'),
      col('Mã sự cố'),
    ],
    rows: groups.map((g, i) => [
      i + 1,
      groupKindWords(g),
      g.unit?.name ?? '',
      groupWhoWords(g),
      g.points.length,
      g.drops,
      Date.parse(g.start),
      g.end === null ? null : Date.parse(g.end),
      g.durationMs,
      g.outages.join(', '),
    ]),
  };
}

function plain(sheet: string, t: ReportTable | null, empty: string): ExportTable {
  if (!t) return { sheet, title: sheet, columns: [col(sheet)], rows: [[empty]] };
  return { sheet, title: t.title, columns: t.columns.map((c) => col(c)), rows: t.rows };
}

export const checklistTable = (r: MeetingReport): ExportTable =>
  plain('Kiểm tra', r.checklist, 'Chưa có kết quả kiểm tra.');
export const rollCallTable = (r: MeetingReport): ExportTable => plain('Điểm danh', r.rollCall, 'Chưa có điểm danh.');

/** `21/11/2026 15:00:07` in Asia/Ho_Chi_Minh. */
export const formatInstant = (ms: number): string => `${formatDateTime(ms).slice(0, 10)} ${formatTime(ms)}`;
