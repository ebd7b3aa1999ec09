// XLSX through exceljs: every worksheet read as a grid of strings (what the cell shows, not how Excel
// stores it), and a single-sheet workbook written with every cell as text so that phone numbers keep
// their leading 0 when a technician edits the file.
import ExcelJS from 'exceljs';
import {
  cellTooLong,
  EXTRA_ROWS,
  ImportFileError,
  MAX_CELL_CHARS,
  MAX_IMPORT_CELLS,
  MAX_IMPORT_COLUMNS,
  tooManyCells,
  tooManyRows,
  MAX_IMPORT_ROWS,
} from './errors';
import { spend } from '../parsing/work';
import { checkXlsx, XLSX_IGNORED_NODES } from './xlsx-guard';
import { words } from '../../shared/words';

export interface Sheet {
  name: string;
  /** Row n of the sheet (1-based) is `rows[n - 1]`; empty cells are "". */
  rows: string[][];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const pad = (n: number): string => String(n).padStart(2, '0');

/** A cell's value as the text a person sees. Merged cells report their master's value. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    // Excel dates carry no zone; exceljs reads them as UTC.
    return `${pad(value.getUTCDate())}/${pad(value.getUTCMonth() + 1)}/${value.getUTCFullYear()}`;
  }
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('error' in value) return String(value.error);
  if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  return '';
}

/**
 * Every worksheet as a grid of text. The file is checked first (xlsx-guard.ts: zip budgets, ranges
 * exceljs would expand), exceljs stops at MAX_IMPORT_ROWS + EXTRA_ROWS row elements and
 * MAX_IMPORT_COLUMNS cells in one, and the grids of all sheets together hold at most
 * MAX_IMPORT_CELLS cells: one stray cell in column XFD would otherwise make every row 16,384 wide.
 */
export async function readXlsx(buf: Uint8Array): Promise<Sheet[]> {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  checkXlsx(bytes);
  const wb = new ExcelJS.Workbook();
  try {
    // maxRows and maxCols are read by exceljs's worksheet parser but missing from its types.
    const options: ExcelJS.XlsxReadOptions & { maxRows: number; maxCols: number } = {
      ignoreNodes: XLSX_IGNORED_NODES,
      maxRows: MAX_IMPORT_ROWS + EXTRA_ROWS,
      maxCols: MAX_IMPORT_COLUMNS,
    };
    await wb.xlsx.load(bytes as unknown as ExcelJS.Buffer, options);
  } catch (err) {
    const message = (err as Error).message;
    if (message.startsWith('Max row count')) throw tooManyRows();
    if (message.startsWith('Max column count')) {
      throw new ImportFileError(
        'too-many-cells',
        words(
          `Một dòng của tệp có hơn ${MAX_IMPORT_COLUMNS} ô, tối đa ${MAX_IMPORT_COLUMNS}. Hãy xoá các cột thừa ở bên phải.`,
          `A row of the file has over ${MAX_IMPORT_COLUMNS} cells, at most ${MAX_IMPORT_COLUMNS}. Delete the extra columns on the right.`,
        ),
      );
    }
    throw new ImportFileError(
      'bad-file',
      words(
        `Tệp .xlsx không hợp lệ hoặc bị hỏng (${message}). Hãy mở bằng Excel và lưu lại.`,
        `The .xlsx file is invalid or damaged (${message}). Open it in Excel and save it again.`,
      ),
    );
  }
  let total = 0;
  for (const ws of wb.worksheets) {
    if (ws.rowCount > MAX_IMPORT_ROWS + EXTRA_ROWS) {
      throw new ImportFileError(
        'too-many-rows',
        words(
          `Trang tính “${ws.name}” có ${ws.rowCount} dòng, tối đa ${MAX_IMPORT_ROWS}. Hãy chia thành nhiều tệp.`,
          `Sheet "${ws.name}" has ${ws.rowCount} rows, at most ${MAX_IMPORT_ROWS}. Split it into several files.`,
        ),
      );
    }
    if (ws.columnCount > MAX_IMPORT_COLUMNS) {
      throw new ImportFileError(
        'too-many-cells',
        words(
          `Trang tính “${ws.name}” có ${ws.columnCount} cột, tối đa ${MAX_IMPORT_COLUMNS}. ` +
            'Hãy xoá các cột thừa (kể cả ô trống có định dạng) ở bên phải.',
          `Sheet "${ws.name}" has ${ws.columnCount} columns, at most ${MAX_IMPORT_COLUMNS}. ` +
            'Delete the extra columns (formatted empty cells too) on the right.',
        ),
      );
    }
    total += ws.rowCount * ws.columnCount;
  }
  if (total > MAX_IMPORT_CELLS) throw tooManyCells(total);
  const sheets: Sheet[] = [];
  for (const ws of wb.worksheets) {
    const rows: string[][] = [];
    const width = ws.columnCount;
    spend(ws.rowCount * width);
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) {
        const text = cellText(row.getCell(c).value);
        if (text.length > MAX_CELL_CHARS) throw cellTooLong(r, c, text.length);
        cells.push(text);
      }
      rows.push(cells);
    }
    sheets.push({ name: ws.name, rows });
  }
  return sheets;
}

/** One sheet, a bold frozen header row, every cell text. */
export async function writeXlsx(sheetName: string, rows: readonly (readonly string[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'diemcau';
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const r of rows) ws.addRow([...r]);
  const header = rows[0] ?? [];
  header.forEach((h, i) => {
    const col = ws.getColumn(i + 1);
    col.numFmt = '@';
    const longest = Math.max(h.length, ...rows.slice(1, 200).map((r) => (r[i] ?? '').split('\n')[0]?.length ?? 0));
    col.width = Math.min(50, Math.max(10, longest + 2));
  });
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
