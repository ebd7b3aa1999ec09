// The checklist and the roll call as the PDF summarises them (DOC6): totals per item and per moment,
// and only the exceptions — points with an item failed or a required item not checked, points absent
// or not connected — grouped by what is wrong, so 79 points (or 400) fit on one page. The full
// per-point tables stay in the workbook (server/report/xlsx.ts). Read from the report's tables, whose
// words come from server/checklist/export.ts.
import type { ReportTable } from '../../shared/report';
import { RESULT_WORDS, ROLL_CALL_WORDS } from '../checklist/export';

const OPTIONAL = ' (không bắt buộc)';

export interface ItemTotals {
  label: string;
  required: boolean;
  pass: number;
  fail: number;
  pending: number;
  na: number;
}

/** Points that share the same problem. */
export interface ExceptionGroup {
  problem: string;
  points: string[];
}

export interface PointNote {
  point: string;
  note: string;
}

export interface ChecklistSummary {
  title: string;
  points: number;
  ready: number;
  items: ItemTotals[];
  /** Failures first, then the biggest groups. */
  groups: ExceptionGroup[];
  /** Notes of the points in the groups. */
  notes: PointNote[];
}

/** "Điểm cầu Xã Thạch Hạ" → "Xã Thạch Hạ": the column says they are points. */
export const shortName = (name: string): string => name.replace(/^Điểm cầu\s+/i, '');

const col = (t: ReportTable, test: (h: string) => boolean): number => t.columns.findIndex(test);

function groupsOf(problems: Map<string, { failed: boolean; points: string[] }>): ExceptionGroup[] {
  return [...problems.entries()]
    .sort((a, b) => Number(b[1].failed) - Number(a[1].failed) || b[1].points.length - a[1].points.length)
    .map(([problem, g]) => ({ problem, points: g.points }));
}

export function summariseChecklist(t: ReportTable): ChecklistSummary | null {
  const name = col(t, (h) => h === 'Tên điểm cầu');
  const ready = col(t, (h) => h === 'Sẵn sàng');
  const notes = col(t, (h) => h === 'Ghi chú');
  if (name < 0 || ready < 0 || notes <= ready) return null;
  const itemCols = t.columns.slice(ready + 1, notes).map((h, i) => ({
    index: ready + 1 + i,
    label: h.endsWith(OPTIONAL) ? h.slice(0, -OPTIONAL.length) : h,
    required: !h.endsWith(OPTIONAL),
  }));
  const items: ItemTotals[] = itemCols.map((c) => ({
    label: c.label,
    required: c.required,
    pass: 0,
    fail: 0,
    pending: 0,
    na: 0,
  }));
  const problems = new Map<string, { failed: boolean; points: string[] }>();
  const pointNotes: PointNote[] = [];
  let readyCount = 0;
  for (const row of t.rows) {
    if (row[ready] === 'Sẵn sàng') readyCount++;
    const failed: string[] = [];
    const pending: string[] = [];
    itemCols.forEach((c, i) => {
      const v = row[c.index];
      const totals = items[i]!;
      if (v === RESULT_WORDS.pass) totals.pass++;
      else if (v === RESULT_WORDS.fail) {
        totals.fail++;
        failed.push(c.label);
      } else if (v === RESULT_WORDS.na) totals.na++;
      else {
        totals.pending++;
        if (c.required) pending.push(c.label);
      }
    });
    if (failed.length === 0 && pending.length === 0) continue;
    const allPending = pending.length === itemCols.filter((c) => c.required).length && failed.length === 0;
    const problem = allPending
      ? 'Chưa kiểm tra mục nào'
      : [
          failed.length ? `Không đạt: ${failed.join(', ')}` : '',
          pending.length ? `Chưa kiểm tra: ${pending.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
    const g = problems.get(problem) ?? { failed: failed.length > 0, points: [] };
    g.points.push(shortName(row[name] ?? ''));
    problems.set(problem, g);
    if (row[notes]) pointNotes.push({ point: shortName(row[name] ?? ''), note: row[notes] });
  }
  return {
    title: t.title,
    points: t.rows.length,
    ready: readyCount,
    items,
    groups: groupsOf(problems),
    notes: pointNotes,
  };
}

export interface MomentTotals {
  /** The column's header: "Trước 10 phút — lúc 05/03/2026 14:50:00". */
  label: string;
  connected: number;
  notConnected: number;
  notCaptured: number;
  notTaking: number;
}

export interface RollCallSummary {
  points: number;
  moments: MomentTotals[];
  confirmed: { present: number; absent: number; pending: number };
  groups: ExceptionGroup[];
  notes: PointNote[];
}

export function summariseRollCall(t: ReportTable): RollCallSummary | null {
  const name = col(t, (h) => h === 'Tên điểm cầu');
  const before = col(t, (h) => h.startsWith('Trước 10 phút'));
  const start = col(t, (h) => h.startsWith('Khai mạc'));
  const mark = col(t, (h) => h === 'Xác nhận');
  const notes = col(t, (h) => h === 'Ghi chú');
  if ([name, before, start, mark].some((i) => i < 0)) return null;
  const moments: MomentTotals[] = [before, start].map((i) => ({
    label: t.columns[i]!,
    connected: 0,
    notConnected: 0,
    notCaptured: 0,
    notTaking: 0,
  }));
  const confirmed = { present: 0, absent: 0, pending: 0 };
  const problems = new Map<string, { failed: boolean; points: string[] }>();
  const pointNotes: PointNote[] = [];
  const add = (problem: string, failed: boolean, point: string): void => {
    const g = problems.get(problem) ?? { failed, points: [] };
    g.points.push(point);
    problems.set(problem, g);
  };
  for (const row of t.rows) {
    const values = [row[before] ?? '', row[start] ?? ''];
    values.forEach((v, i) => {
      const m = moments[i]!;
      if (v.startsWith('Đã kết nối')) m.connected++;
      else if (v.startsWith('Chưa kết nối')) m.notConnected++;
      else if (v === 'Không tham gia') m.notTaking++;
      else m.notCaptured++;
    });
    const status = row[mark];
    if (status === ROLL_CALL_WORDS.present) confirmed.present++;
    else if (status === ROLL_CALL_WORDS.absent) confirmed.absent++;
    else confirmed.pending++;
    const point = shortName(row[name] ?? '');
    // One group per point: the strongest of what is wrong with it.
    if (status === ROLL_CALL_WORDS.absent) add('Vắng (đã xác nhận)', true, point);
    else if (values[1]!.startsWith('Chưa kết nối')) add('Chưa kết nối lúc khai mạc', true, point);
    else if (values[0]!.startsWith('Chưa kết nối') && !values[1]!.startsWith('Đã kết nối')) {
      add('Chưa kết nối trước 10 phút', false, point);
    } else continue;
    if (notes >= 0 && row[notes]) pointNotes.push({ point, note: row[notes] });
  }
  return { points: t.rows.length, moments, confirmed, groups: groupsOf(problems), notes: pointNotes };
}
