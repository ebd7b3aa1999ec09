// An .xlsx checked before exceljs reads it. exceljs inflates every entry and expands some ranges
// cell by cell: a merged range, a defined name ("Sheet1!$A$1:$XFD$1048576"), a data validation, a
// column range. A workbook of a few kB can thus ask for billions of steps or gigabytes. Here every
// entry is inflated once under the zip budgets (sizes, ratio, total; a lying size stops the inflate),
// and the ranges exceljs would expand are summed in one linear scan of the XML; the rest of those
// parts is not read at all (XLSX_IGNORED_NODES).
import { spend } from '../parsing/work';
import { forEachZipEntry, ZipError, ZipLimitError, zipLimitMessage, type ZipLimits } from '../invitation/zip';
import { ImportFileError, MAX_IMPORT_CELLS } from './errors';
import { words } from '../../shared/words';

/** A 50,000-row point list is ~40 MB of XML, deflated about 11 times. */
export const XLSX_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxRatio: 100,
  maxTotalBytes: 100 * 1024 * 1024,
};

/** Merged ranges per workbook: exceljs checks each new one against all before it (quadratic). */
export const MAX_MERGES = 10_000;

/**
 * Worksheet parts exceljs is told to skip: nothing of them is imported, and several expand a range
 * cell by cell (dataValidations, cols) or grow without bound. Merged cells are kept: a district cell
 * merged over its communes gives each of them its value.
 */
export const XLSX_IGNORED_NODES = [
  'cols',
  'dataValidations',
  'conditionalFormatting',
  'hyperlinks',
  'extLst',
  'drawing',
  'picture',
  'tableParts',
  'rowBreaks',
  'autoFilter',
  'pageSetup',
  'headerFooter',
  'printOptions',
  'sheetProtection',
  'pageMargins',
];

// Bounded repetitions only, and a range is a fixed shape: the scan is linear in the part.
const RANGE = /\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})/g;

function columnNumber(letters: string): number {
  let n = 0;
  for (const c of letters) n = n * 26 + (c.charCodeAt(0) - 64);
  return n;
}

/** Cells in the ranges written in `text` between `open` and `close` (e.g. the <mergeCells> list). */
function rangesIn(xml: string, open: string, close: string): { count: number; cells: number } {
  const from = xml.indexOf(open);
  if (from === -1) return { count: 0, cells: 0 };
  const to = xml.indexOf(close, from);
  const section = xml.slice(from, to === -1 ? xml.length : to);
  spend(section.length);
  let count = 0;
  let cells = 0;
  for (const m of section.matchAll(RANGE)) {
    const rows = Math.abs(Number(m[4]) - Number(m[2])) + 1;
    const columns = Math.abs(columnNumber(m[3] as string) - columnNumber(m[1] as string)) + 1;
    count++;
    cells += rows * columns;
  }
  return { count, cells };
}

/**
 * Refuses an .xlsx over the zip budgets, or whose merged ranges or defined names exceljs would expand
 * past MAX_IMPORT_CELLS, or that is not an archive this reader can check (then exceljs never sees it).
 */
export function checkXlsx(buf: Buffer): void {
  let merges = 0;
  let merged = 0;
  let named = 0;
  try {
    forEachZipEntry(
      buf,
      (name, data) => {
        if (name === 'xl/workbook.xml') {
          named += rangesIn(data.toString('utf8'), '<definedNames', '</definedNames>').cells;
        } else if (name.startsWith('xl/worksheets/') && name.endsWith('.xml')) {
          const r = rangesIn(data.toString('utf8'), '<mergeCells', '</mergeCells>');
          merges += r.count;
          merged += r.cells;
        }
      },
      XLSX_ZIP_LIMITS,
    );
  } catch (err) {
    if (err instanceof ZipLimitError) throw new ImportFileError('too-complex', zipLimitMessage(err, '.xlsx'));
    if (err instanceof ZipError) {
      throw new ImportFileError(
        'bad-file',
        words(
          `Tệp .xlsx không hợp lệ hoặc bị hỏng (${err.message}). Hãy mở bằng Excel và lưu lại.`,
          `The .xlsx file is invalid or damaged (${err.message}). Open it in Excel and save it again.`,
        ),
      );
    }
    throw err;
  }
  if (merges > MAX_MERGES || merged > MAX_IMPORT_CELLS) {
    throw new ImportFileError(
      'too-complex',
      words(
        `Tệp .xlsx có ${merges} vùng gộp ô (${merged} ô), tối đa ${MAX_MERGES} vùng và ${MAX_IMPORT_CELLS} ô. ` +
          'Hãy bỏ gộp ô (Merge) hoặc lưu lại thành CSV UTF-8.',
        `The .xlsx file has ${merges} merged ranges (${merged} cells), at most ${MAX_MERGES} ranges and ${MAX_IMPORT_CELLS} cells. ` +
          'Unmerge the cells or save it as UTF-8 CSV.',
      ),
    );
  }
  if (named > MAX_IMPORT_CELLS) {
    throw new ImportFileError(
      'too-complex',
      words(
        `Tệp .xlsx có vùng được đặt tên (Name Manager) phủ ${named} ô, tối đa ${MAX_IMPORT_CELLS}. ` +
          'Hãy xoá các tên vùng thừa hoặc lưu lại thành CSV UTF-8.',
        `The .xlsx file has named ranges (Name Manager) covering ${named} cells, at most ${MAX_IMPORT_CELLS}. ` +
          'Delete the extra names or save it as UTF-8 CSV.',
      ),
    );
  }
}
