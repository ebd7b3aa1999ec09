// The printable A4 report, laid out as an administrative document (Nghị định 30/2020/NĐ-CP): the
// letterhead with the number and the date (pdf-letterhead.ts), the meeting, the summary, the charts
// (vector), the outages with their causes, the points in trouble, the checklist and roll call
// summarised (pdf-lists.ts), "Nơi nhận" and the signers. Liberation Serif is embedded
// (pdf-fonts.ts). Long lists are capped: the workbook has them whole, and the PDF says so.
import {
  CAUSE_LABELS,
  formatMs,
  formatPct,
  type AggregateFigures,
  type MeetingReport,
  type ReportPhase,
} from '../../shared/report';
import { DEFAULT_REPORT_SETTINGS, type ReportSettings } from '../../shared/report-settings';
import { formatDateTime, formatDurationWords, formatTime } from '../../shared/time';
import type { RollupRow } from '../store/types';
import { LEVEL_WORDS, PHASE_WORDS, STATUS_WORDS } from './labels';
import { groupKindWords, groupWhoWords, reportOutageGroups } from './outage-groups';
import { COLORS, barsChart, legend, pointChart, statesChart, type Bar, type SeriesPoint } from './pdf-charts';
import { pdfFonts, type PdfFonts } from './pdf-fonts';
import { closing, letterhead, pageNumbers } from './pdf-letterhead';
import { checklistSection, rollCallSection } from './pdf-lists';
import { regionsSection } from './pdf-regions';
import { SIZE, Writer } from './pdf-writer';
import { REPORT_TITLE } from './xlsx';

export interface PdfInput {
  report: MeetingReport;
  /** 10 s rollups of the charted points' primary targets over the charted phase (see chartedPoints). */
  samples: ReadonlyMap<string, readonly RollupRow[]>;
  /** Who issues it (shared/report-settings.ts); nothing set: dotted lines to fill in by hand. */
  settings?: ReportSettings;
  /** The document's number from the clerk; absent: blanks in "Số:      /BC-…". */
  number?: number | null;
  /** The date of the place-and-date line (ms); default the report's generatedAt. */
  issuedAt?: number;
  fonts?: PdfFonts;
}

export const MAX_OUTAGE_ROWS = 500;
export const MAX_POINT_ROWS = 40;
export const MAX_BARS = 30;
export const CHARTED_POINTS = 4;

/** The phase the charts and the "points in trouble" list are about: the session once it has begun. */
export function mainPhase(r: MeetingReport): ReportPhase | null {
  return r.summary.live ? 'live' : r.summary.lineTest ? 'lineTest' : null;
}

/** The points that get their own RTT/loss chart: the most downtime in the main phase, then degradation. */
export function chartedPoints(r: MeetingReport, n = CHARTED_POINTS): string[] {
  const ph = mainPhase(r);
  if (!ph) return [];
  return r.points
    .filter((p) => (p[ph]?.downMs ?? 0) + (p[ph]?.degradedMs ?? 0) > 0)
    .sort((a, b) => b[ph]!.downMs - a[ph]!.downMs || b[ph]!.degradedMs - a[ph]!.degradedMs)
    .slice(0, n)
    .map((p) => p.code);
}

const dt = (iso: string): string => formatDateTime(Date.parse(iso));
const count = (n: number): string => n.toLocaleString('vi-VN');

function summaryRows(r: MeetingReport): string[][] {
  const cells = (f: (a: AggregateFigures) => string): string[] =>
    (['lineTest', 'live'] as const).map((ph) => {
      const a = r.summary[ph];
      return a ? f(a) : STATUS_WORDS[r.phases[ph].status];
    });
  return [
    ['Số điểm cầu', ...cells((a) => count(a.points))],
    ['Thời gian theo dõi (mỗi điểm cầu)', ...cells((a) => formatDurationWords(a.points ? a.periodMs / a.points : 0))],
    ['Thông suốt', ...cells((a) => formatPct(a.upPct))],
    ['Chập chờn (gồm chập chờn nặng)', ...cells((a) => formatPct(a.degradedPct))],
    ['Mất kết nối', ...cells((a) => formatPct(a.downPct))],
    ['Chưa rõ (không đo được)', ...cells((a) => formatPct(a.unknownPct))],
    ['Khả dụng trên thời gian đo được', ...cells((a) => formatPct(a.reachablePct))],
    ['Số lần mất kết nối', ...cells((a) => `${count(a.downCount)} (${count(a.pointsWithDown)} điểm cầu)`)],
    ['Số lần chập chờn nặng', ...cells((a) => count(a.severeCount))],
    ['Tổng thời gian mất kết nối (cộng các điểm cầu)', ...cells((a) => formatDurationWords(a.downMs))],
    ['Lần mất kết nối dài nhất', ...cells((a) => formatDurationWords(a.longestDownMs))],
    ['Độ trễ trung vị / p95', ...cells((a) => `${formatMs(a.rttMedian)} / ${formatMs(a.rttP95)}`)],
    ['Tỷ lệ mất gói', ...cells((a) => formatPct(a.lossPct))],
    ['Điểm cầu chưa đo được', ...cells((a) => count(a.pointsUnknown))],
  ];
}

/** Units for the bar chart: the first level of the tree with two or more units, worst first if capped. */
function bars(r: MeetingReport, ph: ReportPhase): { bars: Bar[]; capped: number } {
  const depths = new Map<number, number>();
  for (const u of r.units) depths.set(u.depth, (depths.get(u.depth) ?? 0) + 1);
  const depth = [...depths.keys()].sort((a, b) => a - b).find((d) => depths.get(d)! >= 2) ?? 0;
  let list = r.units.filter((u) => u.depth === depth && u[ph]);
  const total = list.length;
  if (list.length > MAX_BARS) list = [...list].sort((a, b) => a[ph]!.upPct - b[ph]!.upPct).slice(0, MAX_BARS);
  return {
    bars: list.map((u) => ({
      label: u.name,
      up: u[ph]!.upPct,
      degraded: u[ph]!.degradedPct,
      down: u[ph]!.downPct,
      unknown: u[ph]!.unknownPct,
    })),
    capped: total > MAX_BARS ? total : 0,
  };
}

/** A point's rollups as chart points, merged into at most ~300 bins. */
export function seriesOf(rows: readonly RollupRow[], target: string | null, range: [number, number]): SeriesPoint[] {
  const bin = Math.max(10_000, Math.ceil((range[1] - range[0]) / 300 / 10_000) * 10_000);
  const acc = new Map<number, { sent: number; received: number; rtt: number; w: number }>();
  for (const r of rows) {
    if ((target !== null && r.target !== target) || r.t < range[0] || r.t >= range[1]) continue;
    const k = range[0] + Math.floor((r.t - range[0]) / bin) * bin;
    const a = acc.get(k) ?? { sent: 0, received: 0, rtt: 0, w: 0 };
    a.sent += r.sent;
    a.received += r.received;
    if (r.rttAvg !== null) {
      a.rtt += r.rttAvg * r.received;
      a.w += r.received;
    }
    acc.set(k, a);
  }
  return [...acc.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, a]) => ({
      t,
      rtt: a.w > 0 ? a.rtt / a.w : null,
      loss: a.sent > 0 ? (100 * (a.sent - a.received)) / a.sent : null,
    }));
}

/** The meeting's particulars under the title. */
function particulars(w: Writer, r: MeetingReport): void {
  const lt = r.phases.lineTest;
  const live = r.phases.live;
  w.para(
    `Chạy thử đường truyền: ${dt(lt.from)} – ${formatTime(Date.parse(lt.to)).slice(0, 5)} (${STATUS_WORDS[lt.status].toLowerCase()}).`,
  );
  w.para(`Phiên họp chính thức: ${dt(live.from)} – ${dt(live.to)} (${STATUS_WORDS[live.status].toLowerCase()}).`);
  w.para(
    `Số điểm cầu: ${count(r.points.length)}. Số liệu lập lúc ${dt(r.generatedAt)}` +
      (r.source === 'snapshot' ? ', lưu khi hội nghị kết thúc.' : '.'),
  );
  if (r.gaps.length > 0) {
    w.para(
      `Thời gian hệ thống giám sát không hoạt động (tính là chưa rõ): ${r.gaps
        .map((g) => `${dt(g.from)} – ${formatTime(Date.parse(g.to))}`)
        .join('; ')}.`,
      'I',
      SIZE.small,
    );
  }
}

function charts(w: Writer, r: MeetingReport, samples: PdfInput['samples']): void {
  const { doc, left, width } = w;
  const ch = { regular: 'R', bold: 'B' };
  w.heading('II. Biểu đồ');
  let n = 1;
  for (const ph of ['live', 'lineTest'] as const) {
    const t = r.timeline[ph];
    const p = r.phases[ph];
    if (!t || !p.coveredTo) continue;
    w.sub(`${n++}. Số điểm cầu theo trạng thái — ${PHASE_WORDS[ph]}`, 175);
    const y = doc.y;
    statesChart(doc, ch, { x: left, y, w: width, h: 130 }, t, r.points.length, [
      Date.parse(p.from),
      Date.parse(p.coveredTo),
    ]);
    legend(doc, ch, left + 34, y + 134, [
      [COLORS.up, 'Thông suốt'],
      [COLORS.degraded, 'Chập chờn'],
      [COLORS.down, 'Mất kết nối'],
      [COLORS.unknown, 'Chưa rõ'],
    ]);
    doc.y = y + 150;
  }
  const ph = mainPhase(r);
  if (!ph) {
    w.para('Chưa có số liệu.', 'I');
    return;
  }
  const b = bars(r, ph);
  if (b.bars.length > 0) {
    w.sub(
      `${n++}. Tỷ lệ thời gian thông suốt theo đơn vị — ${PHASE_WORDS[ph]}`,
      Math.min(300, b.bars.length * 13 + 45),
    );
    if (b.capped > 0) w.para(`${MAX_BARS} đơn vị có tỷ lệ thấp nhất trong ${count(b.capped)} đơn vị.`, 'I', 9);
    w.space(b.bars.length * 13 + 20);
    const end = barsChart(doc, ch, left, doc.y + 2, width, b.bars);
    legend(doc, ch, left, end + 4, [
      [COLORS.up, 'Thông suốt'],
      [COLORS.degraded, 'Chập chờn'],
      [COLORS.down, 'Mất kết nối'],
      [COLORS.unknown, 'Chưa rõ'],
    ]);
    doc.y = end + 18;
  }
  const charted = chartedPoints(r);
  const range = r.phases[ph];
  if (charted.length > 0 && range.coveredTo) {
    w.sub(
      `${n++}. Độ trễ (ms, đường) và mất gói (%, vùng) của các điểm cầu có sự cố nhiều nhất — ${PHASE_WORDS[ph]}`,
      160,
    );
    for (const code of charted) {
      const p = r.points.find((x) => x.code === code)!;
      const rows = samples.get(code) ?? [];
      w.space(130);
      doc.font('B').fontSize(9).text(`${p.name} (${p.unitName})`, left, doc.y, { width });
      const y = doc.y + 2;
      const span: [number, number] = [Date.parse(range.from), Date.parse(range.coveredTo)];
      if (rows.length === 0) {
        w.para('Số liệu chi tiết không còn lưu (đã quá thời hạn lưu trữ).', 'I', 9);
        continue;
      }
      const bands = r.outages
        .filter((o) => o.point === code)
        .map((o) => ({
          from: Date.parse(o.startedAt),
          to: o.endedAt ? Date.parse(o.endedAt) : span[1],
          type: o.type,
        }));
      pointChart(doc, ch, { x: left, y, w: width, h: 105 }, seriesOf(rows, p.target, span), bands, span);
      doc.y = y + 112;
    }
  }
}

/** Issue 17 point 4: the planned work within the meeting, one line per point and entry. */
function plannedWork(w: Writer, r: MeetingReport): void {
  for (const p of r.planned ?? []) {
    w.para(`Bảo trì theo kế hoạch — ${p.pointName}: ${dt(p.from)} – ${dt(p.to)} (${p.reason})`, 'I', 9);
  }
}

/** The note column: planned work first (issue 17 point 4), then the technicians' note. */
function outages(w: Writer, r: MeetingReport): void {
  w.heading('III. Danh sách sự cố');
  plannedWork(w, r);
  if (r.outages.length === 0) {
    w.para('Không có sự cố nào được ghi nhận.', 'I');
    return;
  }
  // [AL15] One row per problem: a district's line is one row, a bouncing line one "flapping" row.
  const groups = r.outageGroups ?? reportOutageGroups(r);
  const byId = new Map(r.outages.map((o) => [o.id, o]));
  const list = groups.slice(0, MAX_OUTAGE_ROWS);
  if (groups.length < r.outages.length) {
    w.para(
      `${count(r.outages.length)} lần gián đoạn được ghi nhận, gộp thành ${count(groups.length)} sự cố (cả đơn vị mất đường truyền, chập chờn liên tục); từng lần gián đoạn có trong tệp Excel.`,
      'I',
      9,
    );
  }
  if (groups.length > list.length) {
    w.para(
      `${MAX_OUTAGE_ROWS} sự cố đầu tiên trong ${count(groups.length)}; danh sách đầy đủ trong tệp Excel.`,
      'I',
      9,
    );
  }
  w.table(
    [
      { header: 'STT', width: 5, align: 'right' },
      { header: 'Điểm cầu', width: 16 },
      { header: 'Loại', width: 10 },
      { header: 'Bắt đầu', width: 12 },
      { header: 'Kết thúc', width: 12 },
      { header: 'Thời lượng', width: 13, align: 'right' },
      { header: 'Nguyên nhân', width: 14 },
      { header: 'Ghi chú', width: 18 },
    ],
    list.map((g, i) => {
      const notes = g.outages.map((id) => byId.get(id)?.note).filter((n) => !!n);
      const cause = notes.find((n) => n.cause)?.cause;
      return [
        String(i + 1),
        groupWhoWords(g),
        groupKindWords(g),
        dt(g.start),
        g.end ? dt(g.end) : 'Chưa kết thúc',
        formatDurationWords(g.durationMs),
        cause ? CAUSE_LABELS[cause] : notes.length > 0 ? 'Đã xác nhận' : '',
        // Issue 17 point 4: outages inside planned work say so, before the notes.
        [
          ...new Set([
            ...g.outages
              .map((id) => byId.get(id)?.planned)
              .filter((p) => !!p)
              .map((p) => `Bảo trì theo kế hoạch (${p.reason})`),
            ...notes.map((n) => n.note).filter((x) => !!x),
          ]),
        ].join('; '),
      ];
    }),
    SIZE.note - 1,
    (i) => (list[i]!.open ? '#fbe3d6' : i % 2 ? '#f6f7f9' : null),
  );
}

function troubled(w: Writer, r: MeetingReport): void {
  const ph = mainPhase(r);
  w.heading(`IV. Điểm cầu có sự cố hoặc chất lượng thấp${ph ? ` — ${PHASE_WORDS[ph]}` : ''}`);
  const list = ph ? r.points.filter((p) => p[ph] && p[ph].upPct < 100).sort((a, b) => a[ph]!.upPct - b[ph]!.upPct) : [];
  if (!ph || list.length === 0) {
    w.para('Tất cả điểm cầu thông suốt trong suốt thời gian theo dõi.', 'I');
    return;
  }
  if (list.length > MAX_POINT_ROWS) {
    w.para(`${MAX_POINT_ROWS} điểm cầu thấp nhất trong ${count(list.length)}; đầy đủ trong tệp Excel.`, 'I', 9);
  }
  w.table(
    [
      { header: 'Điểm cầu', width: 19 },
      { header: 'Đơn vị', width: 13 },
      { header: 'Thông suốt', width: 10, align: 'right' },
      { header: 'Chập chờn', width: 10, align: 'right' },
      { header: 'Mất kết nối', width: 10, align: 'right' },
      { header: 'Chưa rõ', width: 10, align: 'right' },
      { header: 'Số lần mất', width: 7, align: 'right' },
      { header: 'Trễ trung vị', width: 9, align: 'right' },
      { header: 'Mất gói', width: 10, align: 'right' },
    ],
    list.slice(0, MAX_POINT_ROWS).map((p) => {
      const f = p[ph]!;
      return [
        p.name,
        p.unitName,
        formatPct(f.upPct),
        formatPct(f.degradedPct),
        formatPct(f.downPct),
        formatPct(f.unknownPct),
        count(f.downCount),
        formatMs(f.rttMedian),
        formatPct(f.lossPct),
      ];
    }),
  );
  const units = r.units.filter((u) => u.depth > 0 && u.level !== 'commune' && u[ph]);
  if (units.length > 0 && units.length <= 60) {
    w.sub('Theo đơn vị');
    w.table(
      [
        { header: 'Đơn vị', width: 30 },
        { header: 'Cấp', width: 8 },
        { header: 'Số điểm cầu', width: 10, align: 'right' },
        { header: 'Thông suốt', width: 12, align: 'right' },
        { header: 'Mất kết nối', width: 12, align: 'right' },
        { header: 'Số lần mất', width: 10, align: 'right' },
        { header: 'Điểm cầu có mất kết nối', width: 14, align: 'right' },
      ],
      units.map((u) => {
        const f = u[ph]!;
        return [
          u.name,
          LEVEL_WORDS[u.level],
          count(f.points),
          formatPct(f.upPct),
          formatPct(f.downPct),
          count(f.downCount),
          count(f.pointsWithDown),
        ];
      }),
    );
  }
}

export function reportPdf(input: PdfInput): Promise<Buffer> {
  const r = input.report;
  // [NV5] A unit's report says whose: "… — Tỉnh Nghệ An".
  const title = r.scope ? `${r.meeting.title} — ${r.scope.name}` : r.meeting.title;
  const w = new Writer(input.fonts ?? pdfFonts(), {
    title: `${REPORT_TITLE} — ${title}`,
    subject: REPORT_TITLE,
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    w.doc.on('data', (c: Buffer) => chunks.push(c));
    w.doc.on('end', () => resolve(Buffer.concat(chunks)));
    w.doc.on('error', reject);
  });
  const settings = input.settings ?? DEFAULT_REPORT_SETTINGS;
  letterhead(
    w,
    { settings, number: input.number ?? null, issuedAt: input.issuedAt ?? Date.parse(r.generatedAt) },
    title,
  );
  particulars(w, r);
  w.heading('I. Tổng hợp');
  w.table(
    [
      { header: 'Chỉ tiêu', width: 40 },
      { header: PHASE_WORDS.lineTest, width: 30, align: 'right' },
      { header: PHASE_WORDS.live, width: 30, align: 'right' },
    ],
    summaryRows(r),
  );
  w.doc.moveDown(0.3);
  w.para(
    'Tỷ lệ tính theo thời gian của từng điểm cầu trong từng giai đoạn (ô 10 giây). Chập chờn: mất gói từ 1 %, độ trễ ' +
      'trung bình từ 100 ms hoặc độ dao động trễ (jitter) từ 20 ms; chưa rõ: hệ thống không đo được.',
    'I',
    SIZE.note,
  );
  regionsSection(w, r);
  charts(w, r, input.samples);
  outages(w, r);
  troubled(w, r);
  checklistSection(w, r.checklist);
  rollCallSection(w, r.rollCall);
  closing(w, settings);
  pageNumbers(w);
  w.doc.end();
  return done;
}
