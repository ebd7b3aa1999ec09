// Sections V and VI of the PDF: the checklist and the roll call summarised (pdf-checklist.ts) —
// totals, then the exceptions grouped by what is wrong — each kept on one page (DOC6). The full
// per-point tables are in the workbook.
import type { ReportTable } from '../../shared/report';
import { summariseChecklist, summariseRollCall, type ExceptionGroup, type PointNote } from './pdf-checklist';
import type { PdfColumn } from './pdf-table';
import { SIZE, type Writer } from './pdf-writer';

const count = (n: number): string => n.toLocaleString('vi-VN');
/** Notes shown at most; the rest are in the workbook. */
export const MAX_NOTES = 8;
const FULL = 'Danh sách đầy đủ từng điểm cầu trong tệp Excel.';

interface Part {
  height(w: Writer): number;
  draw(w: Writer): void;
}

const para = (text: string, font = 'R', size: number = SIZE.text): Part => ({
  height: (w) => w.paraHeight(text, font, size) + 2,
  draw: (w) => {
    w.para(text, font, size);
    w.doc.y += 2;
  },
});

const table = (columns: PdfColumn[], rows: string[][], size: number = SIZE.table): Part => ({
  height: (w) => w.tableHeight(columns, rows, size) + 6,
  draw: (w) => {
    w.table(columns, rows, size);
    w.doc.y += 6;
  },
});

function exceptionParts(title: string, groups: ExceptionGroup[], notes: PointNote[], none: string): Part[] {
  if (groups.length === 0) return [para(none, 'I', SIZE.small)];
  const parts = [
    para(title, 'B', SIZE.small),
    table(
      [
        { header: 'Tình trạng', width: 26 },
        { header: 'Số điểm cầu', width: 9, align: 'right' },
        { header: 'Điểm cầu', width: 65 },
      ],
      groups.map((g) => [g.problem, count(g.points.length), g.points.join(', ')]),
      SIZE.note,
    ),
  ];
  if (notes.length > 0) {
    const shown = notes.slice(0, MAX_NOTES).map((n) => `${n.point}: ${n.note}`);
    const more = notes.length > MAX_NOTES ? ` … và ${count(notes.length - MAX_NOTES)} ghi chú khác.` : '';
    parts.push(para(`Ghi chú: ${shown.join('; ')}.${more}`, 'I', SIZE.note));
  }
  return parts;
}

/** Draws the parts, on a new page first when they do not fit the room left on this one. */
function section(w: Writer, heading: string, parts: Part[]): void {
  const headingHeight = 30;
  const total = headingHeight + parts.reduce((h, p) => h + p.height(w), 0);
  if (total > w.room && total <= w.bottom - w.top) w.newPage();
  w.heading(heading, 60);
  for (const p of parts) p.draw(w);
}

export function checklistSection(w: Writer, t: ReportTable | null): void {
  const heading = 'V. Kết quả kiểm tra trước hội nghị';
  const s = t && t.rows.length > 0 ? summariseChecklist(t) : null;
  if (!s) {
    section(w, heading, [para('Chưa có kết quả kiểm tra.', 'I')]);
    return;
  }
  section(w, heading, [
    para(
      `${s.title}: ${count(s.points)} điểm cầu; sẵn sàng ${count(s.ready)}, chưa sẵn sàng ${count(s.points - s.ready)}.`,
      'R',
      SIZE.small,
    ),
    table(
      [
        { header: 'Mục kiểm tra', width: 36 },
        { header: 'Đạt', width: 12, align: 'right' },
        { header: 'Không đạt', width: 14, align: 'right' },
        { header: 'Chưa kiểm tra', width: 16, align: 'right' },
        { header: 'Không áp dụng', width: 16, align: 'right' },
      ],
      s.items.map((i) => [
        i.required ? i.label : `${i.label} (không bắt buộc)`,
        count(i.pass),
        count(i.fail),
        count(i.pending),
        count(i.na),
      ]),
    ),
    ...exceptionParts(
      'Điểm cầu chưa sẵn sàng hoặc có mục không đạt',
      s.groups,
      s.notes,
      'Mọi điểm cầu đã sẵn sàng, không có mục nào không đạt.',
    ),
    para(FULL, 'I', SIZE.note),
  ]);
}

export function rollCallSection(w: Writer, t: ReportTable | null): void {
  const heading = 'VI. Điểm danh';
  const s = t && t.rows.length > 0 ? summariseRollCall(t) : null;
  if (!s) {
    section(w, heading, [para('Chưa có điểm danh.', 'I')]);
    return;
  }
  const c = s.confirmed;
  section(w, heading, [
    table(
      [
        { header: 'Thời điểm', width: 40 },
        { header: 'Đã kết nối', width: 15, align: 'right' },
        { header: 'Chưa kết nối', width: 15, align: 'right' },
        { header: 'Chưa điểm danh', width: 15, align: 'right' },
        { header: 'Không tham gia', width: 15, align: 'right' },
      ],
      s.moments.map((m) => [
        m.label,
        count(m.connected),
        count(m.notConnected),
        count(m.notCaptured),
        count(m.notTaking),
      ]),
    ),
    para(
      `Xác nhận của cán bộ kỹ thuật (${count(s.points)} điểm cầu): có mặt ${count(c.present)}, vắng ${count(c.absent)}, ` +
        `chưa xác nhận ${count(c.pending)}.`,
      'R',
      SIZE.small,
    ),
    ...exceptionParts('Điểm cầu vắng hoặc chưa kết nối', s.groups, s.notes, 'Không có điểm cầu vắng.'),
    para(FULL, 'I', SIZE.note),
  ]);
}
