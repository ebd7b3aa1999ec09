// A meeting's checklist and roll call as files the centre can file or print: CSV (one table each) and
// one XLSX workbook with the checklist, the roll call and the full change history. Vietnamese headers
// and values; instants as dd/MM/yyyy HH:mm:ss in Asia/Ho_Chi_Minh.
import ExcelJS from 'exceljs';
import {
  ROLL_CALL_KEY,
  readiness,
  type ChecklistHistoryEntry,
  type ChecklistSnapshot,
  type ItemMark,
  type ItemResult,
  type RollCallStatus,
} from '../../shared/checklist';
import type { PointState } from '../../shared/schemas';
import { formatDateTime, formatTime } from '../../shared/time';
import { writeCsv } from '../importer/csv';

export const RESULT_WORDS: Record<ItemResult, string> = {
  pending: 'Chưa kiểm tra',
  pass: 'Đạt',
  fail: 'Không đạt',
  na: 'Không áp dụng',
};

export const ROLL_CALL_WORDS: Record<RollCallStatus, string> = {
  pending: 'Chưa xác nhận',
  present: 'Có mặt',
  absent: 'Vắng',
};

const STATE_WORDS: Record<PointState, string> = {
  up: 'thông suốt',
  degraded: 'chập chờn',
  severe: 'chập chờn nặng',
  down: 'mất kết nối',
  unknown: 'chưa rõ',
};

const when = (iso: string | null): string => {
  if (iso === null) return '';
  const ms = Date.parse(iso);
  return `${formatDateTime(ms)}:${formatTime(ms).slice(6)}`;
};

function unitNames(snap: ChecklistSnapshot): Map<string, string> {
  return new Map(snap.units.map((u) => [u.id, u.name]));
}

/** Header and one row per point: readiness, each item's result, the notes, the last change. */
export function checklistRows(snap: ChecklistSnapshot): string[][] {
  const units = unitNames(snap);
  const marks = new Map(snap.items.map((m) => [`${m.point}\u0000${m.item}`, m]));
  const items = snap.template.items;
  const header = [
    'Mã điểm cầu',
    'Tên điểm cầu',
    'Đơn vị',
    'Sẵn sàng',
    ...items.map((i) => (i.required ? i.label : `${i.label} (không bắt buộc)`)),
    'Ghi chú',
    'Cập nhật cuối',
  ];
  const rows = snap.points.map((p) => {
    const own = items.map((i) => marks.get(`${p.code}\u0000${i.key}`));
    const resultOf = (key: string): ItemResult => marks.get(`${p.code}\u0000${key}`)?.result ?? 'pending';
    const r = readiness(items, resultOf);
    const notes = own
      .map((m, i) => (m?.note ? `${items[i]!.label}: ${m.note}` : null))
      .filter((n) => n !== null)
      .join('; ');
    const last = own
      .filter((m): m is ItemMark => m?.at != null)
      .sort((a, b) => Date.parse(b.at!) - Date.parse(a.at!))[0];
    return [
      p.code,
      p.name,
      units.get(p.unit) ?? p.unit,
      r.ready ? 'Sẵn sàng' : 'Chưa sẵn sàng',
      ...own.map((m) => RESULT_WORDS[m?.result ?? 'pending']),
      notes,
      last ? `${when(last.at)} — ${last.by}` : '',
    ];
  });
  return [header, ...rows];
}

/** Header and one row per point: connected at T−10 and at the start, and the manual confirmation. */
export function rollCallRows(snap: ChecklistSnapshot): string[][] {
  const units = unitNames(snap);
  const byMoment = new Map(snap.rollCall.captures.map((c) => [c.moment, c]));
  const entry = (moment: 'before' | 'start', code: string): string => {
    const c = byMoment.get(moment);
    if (!c) return 'Chưa điểm danh';
    const e = c.entries.find((x) => x.code === code);
    if (!e) return 'Không tham gia';
    // [RC7] What the codec said of the call, where one is asked (the summary counts by the first words).
    const call = !e.connected || e.inCall === null ? '' : e.inCall ? ', đang trong hội nghị' : ', chưa vào hội nghị';
    return `${e.connected ? 'Đã kết nối' : 'Chưa kết nối'}${call} (${STATE_WORDS[e.state]})`;
  };
  const capturedAt = (moment: 'before' | 'start'): string => {
    const c = byMoment.get(moment);
    return c ? ` — lúc ${when(c.capturedAt)}` : '';
  };
  const marks = new Map(snap.rollCall.marks.map((m) => [m.point, m]));
  const header = [
    'Mã điểm cầu',
    'Tên điểm cầu',
    'Đơn vị',
    `Trước 10 phút${capturedAt('before')}`,
    `Khai mạc${capturedAt('start')}`,
    'Xác nhận',
    'Ghi chú',
    'Người xác nhận',
    'Thời điểm xác nhận',
  ];
  const rows = snap.points.map((p) => {
    const m = marks.get(p.code);
    return [
      p.code,
      p.name,
      units.get(p.unit) ?? p.unit,
      entry('before', p.code),
      entry('start', p.code),
      ROLL_CALL_WORDS[m?.status ?? 'pending'],
      m?.note ?? '',
      m?.by ?? '',
      when(m?.at ?? null),
    ];
  });
  return [header, ...rows];
}

function word(key: string, v: string | null): string {
  if (v === null) return '';
  return key === ROLL_CALL_KEY ? ROLL_CALL_WORDS[v as RollCallStatus] : RESULT_WORDS[v as ItemResult];
}

/** Every change, oldest first. */
export function historyRows(snap: ChecklistSnapshot, history: readonly ChecklistHistoryEntry[]): string[][] {
  const labels = new Map(snap.template.items.map((i) => [i.key, i.label]));
  const header = [
    'Thời điểm',
    'Mã điểm cầu',
    'Mục',
    'Giá trị',
    'Giá trị trước',
    'Ghi chú',
    'Người thực hiện',
    'Nguồn',
    'Phiên bản',
  ];
  const rows = history.map((h) => [
    when(h.at),
    h.point,
    h.item === ROLL_CALL_KEY ? 'Điểm danh' : (labels.get(h.item) ?? h.item),
    word(h.item, h.value),
    word(h.item, h.previous),
    h.note ?? '',
    h.by,
    h.source === 'auto' ? 'Tự động' : 'Thủ công',
    String(h.version),
  ]);
  return [header, ...rows];
}

export const exportChecklistCsv = (snap: ChecklistSnapshot): string => writeCsv(checklistRows(snap));
export const exportRollCallCsv = (snap: ChecklistSnapshot): string => writeCsv(rollCallRows(snap));

/** Three sheets (Danh mục kiểm tra, Điểm danh, Lịch sử thay đổi); every cell text, header bold and frozen. */
export async function exportChecklistXlsx(
  snap: ChecklistSnapshot,
  history: readonly ChecklistHistoryEntry[],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'diemcau';
  const sheets: [string, string[][]][] = [
    ['Danh mục kiểm tra', checklistRows(snap)],
    ['Điểm danh', rollCallRows(snap)],
    ['Lịch sử thay đổi', historyRows(snap, history)],
  ];
  for (const [name, rows] of sheets) {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const r of rows) ws.addRow(r);
    (rows[0] ?? []).forEach((h, i) => {
      const col = ws.getColumn(i + 1);
      col.numFmt = '@';
      const longest = Math.max(h.length, ...rows.slice(1, 200).map((r) => r[i]?.length ?? 0));
      col.width = Math.min(50, Math.max(8, longest + 2));
    });
    ws.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
