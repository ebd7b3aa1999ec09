// The verify report as a plain-text table for a terminal or a signed-off log (Vietnamese, times in
// Asia/Ho_Chi_Minh to a tenth of a second).
import { formatTime } from '../../shared/time';
import type { DetectedOutage, EndpointReport, ExpectedOutage, VerifyReport } from './verify';

const time = (ms: number): string => `${formatTime(ms)}.${Math.floor((ms % 1000) / 100)}`;
const span = (start: number, end: number | null): string => `${time(start)} – ${end === null ? 'đang mở' : time(end)}`;
const err = (ms: number | null): string =>
  ms === null ? '' : `${ms >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(1).replace('.', ',')} s`;

const spanOf = (list: readonly (ExpectedOutage | DetectedOutage)[]): string =>
  list.length === 0 ? '—' : span(list[0]!.start, list[list.length - 1]!.end);
/** Marks outages the truth expects from consecutive seeded drops rather than a cut. */
const lossMark = (list: readonly ExpectedOutage[]): string =>
  list.some((e) => e.causes.includes('loss')) ? ' [mất gói liên tiếp]' : '';

type Rows = Pick<EndpointReport, 'matches' | 'missed' | 'short' | 'unobserved' | 'falseOutages'> &
  Partial<Pick<VerifyReport, 'ignored'>>;

export function formatVerifyReport(r: VerifyReport): string {
  const endpoint = r.endpoint ? ['', 'Sự cố thiết bị đầu cuối (đường truyền vẫn thông):', ...table(r.endpoint)] : [];
  const criteria = r.criteria.map((c) => `  [${c.ok ? 'đạt' : 'KHÔNG ĐẠT'}] ${c.id} ${c.description} — ${c.detail}`);
  return [
    ...table(r),
    ...endpoint,
    '',
    'Tiêu chí:',
    ...criteria,
    '',
    `Kết luận: ${r.ok ? 'ĐẠT' : 'KHÔNG ĐẠT'}`,
    '',
  ].join('\n');
}

function table(r: Rows): string[] {
  const rows: string[][] = [['Điểm cầu', 'Dự kiến (lab)', 'Phát hiện (monitor)', 'Lệch đầu', 'Lệch cuối', 'Kết quả']];
  const all = [
    ...r.matches.map((m) => ({
      t: m.expected[0]!.start,
      row: [
        m.point,
        spanOf(m.expected) + (m.expected.length > 1 ? ` (${m.expected.length} lần)` : '') + lossMark(m.expected),
        spanOf(m.detected) + (m.detected.length > 1 ? ` (${m.detected.length} lần)` : ''),
        err(m.startErrorMs),
        err(m.endErrorMs),
        m.problems.length ? `KHÔNG ĐẠT: ${m.problems.join('; ')}` : 'đạt',
      ],
    })),
    ...r.missed.map((e) => ({
      t: e.start,
      row: [e.point, span(e.start, e.end) + lossMark([e]), '—', '', '', 'KHÔNG ĐẠT: bỏ sót'],
    })),
    ...r.short.map((e) => ({ t: e.start, row: [e.point, span(e.start, e.end), '—', '', '', 'ngắn, không bắt buộc'] })),
    ...r.unobserved.map((e) => ({
      t: e.start,
      row: [e.point, span(e.start, e.end), '—', '', '', 'trong khoảng máy giám sát không quan sát được'],
    })),
    ...r.falseOutages.map((d) => ({
      t: d.start,
      row: [d.point, '—', span(d.start, d.end), '', '', 'KHÔNG ĐẠT: sự cố giả'],
    })),
    ...(r.ignored ?? []).map((d) => ({
      t: d.start,
      row: [
        d.point,
        '—',
        span(d.start, d.end),
        '',
        '',
        d.type === 'severe' ? 'suy giảm nặng (không tính)' : 'mất gói nặng (không tính)',
      ],
    })),
  ].sort((a, b) => a.t - b.t);
  rows.push(...all.map((x) => x.row));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => [...row[c]!].length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === row.length - 1 ? cell : cell + ' '.repeat(widths[c]! - [...cell].length))).join('  '),
  );
}
