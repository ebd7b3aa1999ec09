// The CLI's readable summary of a parsed invitation, in Vietnamese, with the source text of each
// value underneath so the technician can check it against the document.
import type { InvitationContact, ParsedInvitation } from '../../shared/invitation';
import type { Level } from '../../shared/schemas';
import { formatDateTime } from '../../shared/time';

const LEVEL_NAMES: Record<Level, string> = { province: 'tỉnh', district: 'huyện', commune: 'xã' };
const NONE = '—';

function when(instant: string | null): string {
  return instant === null ? NONE : formatDateTime(Date.parse(instant));
}

/** "0913294787" → "0913 294 787", "02383844123" → "0238 3844 123". */
export function formatPhone(digits: string): string {
  if (digits.length === 10) return `${digits.slice(0, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
  if (digits.length === 11) return `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
  return digits;
}

function contactLine(c: InvitationContact): string {
  return [c.name, c.organization, c.phone === null ? null : formatPhone(c.phone)].filter((x) => x !== null).join(' — ');
}

export function formatInvitationSummary({ draft, evidence }: ParsedInvitation): string {
  const online = draft.kind === 'online';
  const start = draft.start
    ? when(draft.start)
    : draft.startDate
      ? `${draft.startDate.split('-').toReversed().join('/')} (chưa rõ giờ)`
      : NONE;
  const rows: [string, string][] = [
    ['Tên hội nghị', draft.title || NONE],
    ['Hình thức', online ? 'trực tuyến' : 'trực tiếp (không có điểm cầu)'],
    ['Bắt đầu', start],
  ];
  if (online) {
    rows.push(
      ['Chạy thử đường truyền', when(draft.lineTest)],
      ['Hạn gửi danh sách điểm cầu', when(draft.registrationDeadline)],
      ['Cấp có điểm cầu', draft.levels.length ? draft.levels.map((l) => LEVEL_NAMES[l]).join(', ') : NONE],
    );
  }
  rows.push([online ? 'Điểm cầu chính' : 'Địa điểm', draft.venue ?? NONE]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = rows.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);
  lines.push(draft.contacts.length ? 'Liên hệ:' : `${'Liên hệ:'.padEnd(width)}${NONE}`);
  for (const c of draft.contacts) lines.push(`  - ${contactLine(c)}`);

  const sources: [string, string | undefined][] = [
    ['Hình thức', evidence.kind],
    ['Bắt đầu', evidence.start ?? evidence.startDate],
    ['Chạy thử', evidence.lineTest],
    ['Hạn đăng ký', evidence.registrationDeadline],
    ['Cấp', evidence.levels?.join(' | ')],
    ['Địa điểm', evidence.venue],
  ];
  const shown = sources.filter((s): s is [string, string] => s[1] !== undefined);
  if (shown.length > 0) {
    lines.push('', 'Trích từ văn bản (để đối chiếu):');
    for (const [k, v] of shown) lines.push(`  ${k}: «${v}»`);
  }
  lines.push('', 'Đây là bản nháp: hãy kiểm tra lại trước khi tạo hội nghị.');
  return `${lines.join('\n')}\n`;
}
