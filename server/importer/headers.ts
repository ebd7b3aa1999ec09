// Header text → column. Vietnamese or English, any case, with or without diacritics or punctuation
// ("Xã/Phường", "XA PHUONG", "xã - phường"), with the synonyms district and commune lists really use.
// Spreadsheets often carry a title and a date above the header: the header is the first of the first
// rows that names enough known columns.
// The columns' names live in shared/import.ts: the dashboard shows the same words.
import { COLUMN_LABELS, COLUMN_LABELS_EN, type ColumnMapping, type ImportColumn } from '../../shared/import';

export { COLUMN_LABELS, COLUMN_LABELS_EN };
import { words, type Words } from '../../shared/words';
import { ImportFileError } from './errors';
import { foldWords } from './fold';

const SYNONYMS: Record<ImportColumn, readonly string[]> = {
  code: ['mã điểm cầu', 'mã', 'mã điểm', 'mã số điểm cầu', 'code', 'point code', 'id'],
  name: ['tên điểm cầu', 'tên', 'điểm cầu', 'tên điểm', 'name', 'point name', 'point', 'connection point'],
  level: ['cấp', 'cấp hành chính', 'cấp điểm cầu', 'cấp đơn vị', 'level'],
  unit: [
    'xã/phường',
    'xã/phường/thị trấn',
    'xã/phường/đặc khu',
    'xã',
    'phường',
    'đơn vị',
    'tên đơn vị',
    'đơn vị hành chính',
    'unit',
    'unit name',
    'commune',
    'ward',
  ],
  unitId: ['mã đơn vị', 'mã đơn vị hành chính', 'unit id', 'unit code'],
  parentUnit: [
    'huyện',
    'quận/huyện',
    'huyện/thị xã/thành phố',
    'huyện/thành phố/thị xã',
    'huyện/thành/thị',
    'đơn vị cấp trên',
    'district',
    'parent unit',
  ],
  room: ['phòng họp', 'phòng', 'địa điểm', 'địa điểm họp', 'hội trường', 'room', 'meeting room'],
  address: ['địa chỉ', 'địa chỉ điểm cầu', 'address'],
  host: [
    'địa chỉ ip',
    'ip',
    'ip chính',
    'địa chỉ ip chính',
    'ip/tên miền',
    'ip thiết bị',
    'đường truyền chính',
    'host',
    'ip address',
    'primary host',
  ],
  backupHost: [
    'ip dự phòng',
    'địa chỉ ip dự phòng',
    'đường truyền dự phòng',
    'dự phòng',
    'backup host',
    'backup ip',
    'backup',
  ],
  endpoint: [
    'thiết bị đầu cuối',
    'đầu cuối',
    'thiết bị đầu cuối (codec)',
    'codec',
    'endpoint',
    'endpoints',
    'room endpoint',
    'sip',
    'địa chỉ sip',
    'sip/h.323',
    'h.323',
    'sip uri',
  ],
  technician: [
    'cán bộ kỹ thuật',
    'cán bộ kĩ thuật',
    'kỹ thuật',
    'cán bộ phụ trách',
    'người phụ trách',
    'họ và tên',
    'họ tên',
    'technician',
    'contact',
  ],
  // [AG1] The remote probe agent that probes the point (docs/AGENTS.md); blank: its unit's, or the centre.
  agent: ['trạm đo', 'trạm đo từ xa', 'trạm giám sát', 'agent', 'probe agent', 'probe'],
  phone: ['số điện thoại', 'điện thoại', 'sđt', 'số đt', 'đt', 'điện thoại liên hệ', 'phone', 'phone number'],
};

/** Headers known to carry nothing to import (row numbers, notes): ignored without a remark. */
const KNOWN_IGNORED = new Set(['stt', 'tt', 'so tt', 'so thu tu', 'ghi chu', 'note', 'notes', 'no']);

const EXACT = new Map<string, ImportColumn>();
for (const [column, synonyms] of Object.entries(SYNONYMS) as [ImportColumn, readonly string[]][]) {
  for (const w of synonyms) EXACT.set(foldWords(w), column);
}

// Longer headers ("Số điện thoại cán bộ kỹ thuật", "Họ tên cán bộ kỹ thuật xã") by the words they hold;
// the first rule that matches wins, so the more specific rules come first.
const CONTAINS: readonly [RegExp, ImportColumn][] = [
  [/\b(dien thoai|sdt|phone)\b/, 'phone'],
  [/\b(du phong|backup)\b/, 'backupHost'],
  [/\b(dau cuoi|codec|endpoints?|sip|h 323|h323)\b/, 'endpoint'],
  [/\bma don vi\b/, 'unitId'],
  [/\bma diem cau\b/, 'code'],
  [/\b(ip|host)\b/, 'host'],
  [/\b(ky thuat|ki thuat|technician)\b/, 'technician'],
  [/\bten diem cau\b/, 'name'],
  [/\bphong hop\b/, 'room'],
  [/\bdia chi\b/, 'address'],
  [/\b(tram do|agent)\b/, 'agent'],
];

/** The column a header names, or null. */
export function columnOf(header: string): ImportColumn | null {
  const key = foldWords(header);
  if (key === '') return null;
  const exact = EXACT.get(key);
  if (exact) return exact;
  for (const [re, column] of CONTAINS) if (re.test(key)) return column;
  return null;
}

/** A column's name in both languages. */
export function columnWords(c: ImportColumn): Words {
  return { vi: COLUMN_LABELS[c], en: COLUMN_LABELS_EN[c] };
}

export interface HeaderMap {
  /** 1-based row number of the header. */
  row: number;
  columns: ColumnMapping[];
  ignored: string[];
}

const HEADER_SEARCH_ROWS = 20;

function mapRow(cells: readonly string[]): ColumnMapping[] {
  const out: ColumnMapping[] = [];
  cells.forEach((cell, i) => {
    const column = columnOf(cell);
    if (column) out.push({ header: cell.trim(), index: i + 1, column });
  });
  return out;
}

/** How strongly a row looks like the header (0: not at all). */
export function headerScore(cells: readonly string[]): number {
  const mapped = new Set(mapRow(cells).map((m) => m.column));
  if (!mapped.has('name') && !mapped.has('host')) return 0;
  return mapped.size >= 2 ? mapped.size : 0;
}

/** Finds the header among the first rows and maps it; throws ImportFileError when it cannot. */
export function findHeader(rows: readonly (readonly string[])[]): HeaderMap {
  const index = rows.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => headerScore(r) > 0);
  if (index < 0) {
    const first = rows.find((r) => r.some((c) => c.trim() !== ''));
    const shown = first
      ? first
          .filter((c) => c.trim() !== '')
          .map((c) => `“${c.trim()}”`)
          .join(', ')
      : '';
    throw new ImportFileError(
      'no-header',
      words(
        `Không tìm thấy dòng tiêu đề trong ${HEADER_SEARCH_ROWS} dòng đầu. Cần các cột ` +
          `“${COLUMN_LABELS.name}”, “Xã/Phường” (hoặc “${COLUMN_LABELS.unit}”) và “${COLUMN_LABELS.host}”.` +
          (shown ? ` Dòng đầu tiên có: ${shown.slice(0, 300)}.` : ''),
        `No header row in the first ${HEADER_SEARCH_ROWS} rows. The columns ` +
          `"${COLUMN_LABELS.name}", "Xã/Phường" (or "${COLUMN_LABELS.unit}") and "${COLUMN_LABELS.host}" are needed.` +
          (shown ? ` The first row has: ${shown.slice(0, 300)}.` : ''),
      ),
    );
  }
  const cells = rows[index] ?? [];
  const columns = mapRow(cells);
  const seen = new Map<ImportColumn, ColumnMapping>();
  for (const m of columns) {
    const prev = seen.get(m.column);
    if (prev) {
      throw new ImportFileError(
        'duplicate-columns',
        words(
          `Hai cột cùng là “${COLUMN_LABELS[m.column]}”: “${prev.header}” (cột ${prev.index}) và “${m.header}” ` +
            `(cột ${m.index}). Hãy đổi tên hoặc xoá một cột.`,
          `Two columns are both "${COLUMN_LABELS[m.column]}": "${prev.header}" (column ${prev.index}) and "${m.header}" ` +
            `(column ${m.index}). Rename or delete one of them.`,
        ),
      );
    }
    seen.set(m.column, m);
  }
  // A sheet of district points names the unit "Huyện": with no commune column it is the unit itself.
  const parent = seen.get('parentUnit');
  if (parent && !seen.has('unit') && !seen.has('unitId')) parent.column = 'unit';

  const missing: string[] = [];
  if (!seen.has('name')) missing.push(COLUMN_LABELS.name);
  if (!seen.has('unit') && !seen.has('unitId') && !parent) missing.push(`Xã/Phường (${COLUMN_LABELS.unit})`);
  if (!seen.has('host')) missing.push(COLUMN_LABELS.host);
  if (missing.length > 0) {
    const found = cells.filter((c) => c.trim() !== '').map((c) => `“${c.trim()}”`);
    throw new ImportFileError(
      'missing-columns',
      words(
        `Thiếu cột bắt buộc: ${missing.join(', ')} (dòng tiêu đề là dòng ${index + 1}, có các cột ${found.join(', ')}).`,
        `Required columns missing: ${missing.join(', ')} (the header is row ${index + 1}, with the columns ${found.join(', ')}).`,
      ),
    );
  }
  const ignored = cells
    .map((c, i) => ({ c: c.trim(), i }))
    .filter(({ c, i }) => c !== '' && !columns.some((m) => m.index === i + 1) && !KNOWN_IGNORED.has(foldWords(c)))
    .map(({ c }) => c);
  return { row: index + 1, columns, ignored };
}
