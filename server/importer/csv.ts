// CSV as offices write it (RFC 4180 and what Excel does around it): quoted fields with "" escapes and
// embedded line breaks, CRLF/LF/CR line ends, a UTF-8 BOM, `,` or `;` (Excel in a Vietnamese locale
// writes `;`) or tab, an optional `sep=;` first line. Bytes that are not UTF-8 are refused, never
// guessed: Windows-1258 and TCVN3 files would otherwise come out as garbled names.
import { spend } from '../parsing/work';
import {
  cellTooLong,
  EXTRA_ROWS,
  ImportFileError,
  MAX_CELL_CHARS,
  MAX_IMPORT_CELLS,
  MAX_IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  tooManyCells,
  tooManyColumns,
  tooManyRows,
} from './errors';
import { words } from '../../shared/words';

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/**
 * Cells a spreadsheet would run as a formula get a leading `'` when written and lose it when read. Cells
 * already starting with `'`s before such a character get one more, so every value reads back as written.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** Bytes → text. UTF-8 (BOM optional) or UTF-16 with a BOM (Excel's "Unicode text"). */
export function decodeCsvBytes(buf: Uint8Array): string {
  if (buf.length === 0)
    throw new ImportFileError(
      'empty',
      words('Tệp rỗng: không có dữ liệu nào.', 'The file is empty: there is no data in it.'),
    );
  if (buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const line = lineOfFirstInvalidByte(body);
    throw new ImportFileError(
      'encoding',
      words(
        `Tệp không phải UTF-8 (byte lạ ở dòng ${line}; có lẽ là Windows-1258 hoặc TCVN3/ABC). ` +
          'Hãy mở tệp bằng Excel và lưu lại với kiểu “CSV UTF-8 (Comma delimited) (*.csv)”, hoặc lưu thành .xlsx.',
        `The file is not UTF-8 (a stray byte on line ${line}; Windows-1258 or TCVN3/ABC, probably). ` +
          'Open it in Excel and save it as "CSV UTF-8 (Comma delimited) (*.csv)", or as .xlsx.',
      ),
    );
  }
  if (text.includes('\u0000')) {
    throw new ImportFileError(
      'bad-file',
      words(
        'Tệp chứa ký tự NUL: không phải tệp CSV dạng văn bản (UTF-16 không có BOM?). Hãy lưu lại thành CSV UTF-8.',
        'The file holds NUL characters: not a text CSV file (UTF-16 without a BOM?). Save it as UTF-8 CSV.',
      ),
    );
  }
  return text;
}

function lineOfFirstInvalidByte(buf: Uint8Array): number {
  // Decode growing prefixes is quadratic; walk the UTF-8 structure instead.
  let line = 1;
  for (let i = 0; i < buf.length;) {
    const b = buf[i] ?? 0;
    if (b === 0x0a) line++;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) return line;
    for (let k = 1; k < len; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return line;
    i += len;
  }
  return line;
}

export interface CsvTable {
  delimiter: Delimiter;
  /** Records; row n of the file (1-based, as a spreadsheet numbers it) is `rows[n - 1]`. */
  rows: string[][];
}

/** Budgets of a parse (errors.ts): a file over one is refused as soon as it is met, not at the end. */
interface CsvBudget {
  rows: number;
  columns: number;
  cells: number;
  cellChars: number;
}

const IMPORT_BUDGET: CsvBudget = {
  rows: MAX_IMPORT_ROWS + EXTRA_ROWS,
  columns: MAX_IMPORT_COLUMNS,
  cells: MAX_IMPORT_CELLS,
  cellChars: MAX_CELL_CHARS,
};

/**
 * Text → records. Throws ImportFileError for an unterminated quote, and for a file over a budget
 * (rows, columns, cells, characters in a cell): a 5 MB file of separators or line ends would
 * otherwise become millions of cells before being refused.
 */
export function parseCsv(text: string, delimiter?: Delimiter): CsvTable {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let chosen = delimiter;
  const sep = /^sep=([,;\t])\r?\n/i.exec(body);
  if (sep) {
    chosen ??= sep[1] as Delimiter;
    body = body.slice(sep[0].length);
  }
  chosen ??= detectDelimiter(body);
  return { delimiter: chosen, rows: parseRecords(body, chosen, Infinity, IMPORT_BUDGET) };
}

// One pass, one character at a time, no regular expression: linear in the text whatever its quotes.
function parseRecords(text: string, delimiter: Delimiter, limit = Infinity, budget?: CsvBudget): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let quoteStartRow = 0;
  let atFieldStart = true;
  let cells = 0;
  const endField = (): void => {
    if (budget) {
      if (field.length > budget.cellChars) throw cellTooLong(rows.length + 1, row.length + 1, field.length);
      if (row.length >= budget.columns) throw tooManyColumns(rows.length + 1, row.length + 1);
      if (++cells > budget.cells) throw tooManyCells(budget.cells, true);
    }
    row.push(unguard(field));
    field = '';
    atFieldStart = true;
  };
  const endRow = (): void => {
    endField();
    if (budget && rows.length >= budget.rows) throw tooManyRows();
    rows.push(row);
    row = [];
  };
  const n = text.length;
  let i = 0;
  try {
    for (; i < n && rows.length < limit; i++) {
      const c = text[i] as string;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // Excel keeps what follows a closing quote (`"ab"c` → `abc`); so do we.
            quoted = false;
          }
        } else {
          field += c;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        quoteStartRow = rows.length + 1;
        atFieldStart = false;
      } else if (c === delimiter) {
        endField();
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && text[i + 1] === '\n') i++;
        endRow();
      } else {
        field += c;
        atFieldStart = false;
      }
    }
  } finally {
    // What was read, refused or not: a budget met early leaves the rest unread.
    spend(i);
  }
  if (quoted && rows.length < limit) {
    throw new ImportFileError(
      'bad-file',
      words(
        `Dấu ngoặc kép (") mở ở dòng ${quoteStartRow} không được đóng: tệp CSV bị lỗi định dạng.`,
        `The double quote (") opened on line ${quoteStartRow} is never closed: the CSV file is malformed.`,
      ),
    );
  }
  // A last line without a line end is a record; a final line end does not start an empty one.
  if ((field !== '' || row.length > 0) && rows.length < limit) endRow();
  return rows;
}

/** Strips the `'` that writeCsv puts before formula-like cells. */
function unguard(field: string): string {
  return field.startsWith("'") && FORMULA_START.test(field.slice(1)) ? field.slice(1) : field;
}

/**
 * The delimiter whose records agree most on a field count above one: title rows above the header have
 * one field whatever the delimiter, and an address such as "Thôn 1, xã A" breaks the agreement of `,`.
 */
export function detectDelimiter(text: string): Delimiter {
  const sample = text.slice(0, 64 * 1024);
  let best: Delimiter = ',';
  let bestScore = -1;
  let bestWidth = 0;
  for (const d of DELIMITERS) {
    let rows: string[][];
    try {
      rows = parseRecords(sample, d, 50);
    } catch {
      // The sample cut a quoted field in two (or the file has an unterminated quote, which the full
      // parse reports): judge by the first line alone.
      rows = [sample.split(/\r\n?|\n/, 1)[0]?.split(d) ?? []];
    }
    const counts = new Map<number, number>();
    for (const r of rows) if (r.length > 1) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let score = 0;
    let width = 0;
    for (const [w, c] of counts) {
      if (c > score || (c === score && w > width)) {
        score = c;
        width = w;
      }
    }
    if (score > bestScore || (score === bestScore && width > bestWidth)) {
      best = d;
      bestScore = score;
      bestWidth = width;
    }
  }
  return best;
}

function quote(field: string, delimiter: Delimiter): string {
  const guarded = FORMULA_START.test(field) ? `'${field}` : field;
  return /["\r\n]/.test(guarded) || guarded.includes(delimiter) || guarded !== guarded.trim()
    ? `"${guarded.replace(/"/g, '""')}"`
    : guarded;
}

/** Records → CSV text with CRLF line ends and a BOM (Excel needs it to read UTF-8). */
export function writeCsv(rows: readonly (readonly string[])[], delimiter: Delimiter = ','): string {
  return `\ufeff${rows.map((r) => r.map((f) => quote(f, delimiter)).join(delimiter)).join('\r\n')}\r\n`;
}
