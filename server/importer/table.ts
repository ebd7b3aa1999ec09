// Uploaded bytes → a grid of cells. The bytes decide the format (an XLSX file is a ZIP; an old .xls is
// an OLE file), not the name or the Content-Type, which browsers and mail clients get wrong.
import type { ImportFormat } from '../../shared/import';
import { decodeCsvBytes, parseCsv } from './csv';
import { ImportFileError, MAX_IMPORT_BYTES, tooLarge } from './errors';
import { headerScore } from './headers';
import { readXlsx } from './xlsx';
import { words } from '../../shared/words';

export interface Table {
  format: ImportFormat;
  sheet: string | null;
  rows: string[][];
}

const startsWith = (buf: Uint8Array, bytes: readonly number[]): boolean => bytes.every((b, i) => buf[i] === b);

export async function readTable(buf: Uint8Array, filename?: string): Promise<Table> {
  if (buf.length > MAX_IMPORT_BYTES) throw tooLarge(buf.length);
  if (buf.length === 0)
    throw new ImportFileError(
      'empty',
      words('Tệp rỗng: không có dữ liệu nào.', 'The file is empty: there is no data in it.'),
    );
  const ext = filename?.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0]) || ext === '.xls') {
    throw new ImportFileError(
      'unsupported-type',
      words(
        'Tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại thành .xlsx hoặc “CSV UTF-8”.',
        'Excel 97–2003 files (.xls) are not supported: open it in Excel and save it as .xlsx or "CSV UTF-8".',
      ),
    );
  }
  if (ext === '.ods' || ext === '.numbers') {
    throw new ImportFileError(
      'unsupported-type',
      words(
        `Loại tệp ${ext} chưa được hỗ trợ: hãy lưu lại thành .xlsx hoặc CSV UTF-8.`,
        `${ext} files are not supported: save it as .xlsx or UTF-8 CSV.`,
      ),
    );
  }
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    const sheets = await readXlsx(buf);
    // The first sheet with a header; a workbook often opens on a cover or instructions sheet.
    const sheet = sheets.find((s) => s.rows.slice(0, 20).some((r) => headerScore(r) > 0)) ?? sheets[0];
    if (!sheet || sheet.rows.every((r) => r.every((c) => c.trim() === ''))) {
      throw new ImportFileError('empty', words('Tệp .xlsx không có dữ liệu nào.', 'The .xlsx file has no data in it.'));
    }
    return { format: 'xlsx', sheet: sheet.name, rows: sheet.rows };
  }
  const text = decodeCsvBytes(buf);
  if (text.trim() === '')
    throw new ImportFileError(
      'empty',
      words('Tệp rỗng: không có dữ liệu nào.', 'The file is empty: there is no data in it.'),
    );
  // parseCsv refuses a file over the row, column and cell budgets as soon as it meets one.
  const { rows } = parseCsv(text);
  return { format: 'csv', sheet: null, rows };
}
