// A file refused as a whole (wrong encoding, not a spreadsheet, no header, missing columns…): nothing
// of it is read, nothing applied. Row problems are not errors: they are listed in the preview.
import { UserError, type Said } from '../errors';
import { words } from '../../shared/words';

export type ImportFileProblem =
  | 'empty'
  | 'too-large'
  | 'encoding'
  | 'unsupported-type'
  | 'bad-file'
  | 'no-header'
  | 'missing-columns'
  | 'duplicate-columns'
  | 'no-rows'
  | 'too-many-rows'
  | 'too-many-cells'
  | 'too-complex';

export class ImportFileError extends UserError {
  constructor(
    readonly problem: ImportFileProblem,
    message: Said,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }

  /** The HTTP status a route answers with: 413 for a file over any size budget. */
  get status(): number {
    if (OVER_BUDGET.has(this.problem)) return 413;
    if (this.problem === 'unsupported-type') return 415;
    return 400;
  }
}

const OVER_BUDGET = new Set<ImportFileProblem>(['too-large', 'too-many-rows', 'too-many-cells', 'too-complex']);

/** 5 MB holds ~40,000 rows of CSV: more than the largest national meeting's points. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
/** Rows a file may have besides its data rows (titles, header, blank lines) before it is refused. */
export const EXTRA_ROWS = 100;
/** A point list has about 15 columns; a row of thousands is a stray cell far to the right. */
export const MAX_IMPORT_COLUMNS = 200;
/** Cells in all (rows × columns of every sheet): 50,000 rows of 40 columns. */
export const MAX_IMPORT_CELLS = 2_000_000;
/** Excel's own limit for the text of a cell. */
export const MAX_CELL_CHARS = 32_767;

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).replace('.', ',');

export function tooLarge(bytes: number): ImportFileError {
  return new ImportFileError(
    'too-large',
    words(
      `Tệp quá lớn (${mb(bytes)} MB, tối đa ${mb(MAX_IMPORT_BYTES)} MB). Hãy chia danh sách thành nhiều tệp.`,
      `File too large (${mb(bytes)} MB, at most ${mb(MAX_IMPORT_BYTES)} MB). Split the list into several files.`,
    ),
  );
}

export function tooManyRows(): ImportFileError {
  return new ImportFileError(
    'too-many-rows',
    words(
      `Tệp có hơn ${MAX_IMPORT_ROWS + EXTRA_ROWS} dòng, tối đa ${MAX_IMPORT_ROWS} dòng dữ liệu. Hãy chia thành nhiều tệp.`,
      `The file has over ${MAX_IMPORT_ROWS + EXTRA_ROWS} rows, at most ${MAX_IMPORT_ROWS} data rows. Split it into several files.`,
    ),
  );
}

export function tooManyColumns(row: number, columns: number): ImportFileError {
  return new ImportFileError(
    'too-many-cells',
    words(
      `Dòng ${row} có ${columns} cột, tối đa ${MAX_IMPORT_COLUMNS}. Hãy xoá các cột thừa (kể cả ô trống có định dạng) ở bên phải.`,
      `Row ${row} has ${columns} columns, at most ${MAX_IMPORT_COLUMNS}. Delete the extra columns (formatted empty cells too) on the right.`,
    ),
  );
}

/** `cells` counted in full, or (`more`) the count at which reading stopped. */
export function tooManyCells(cells: number, more = false): ImportFileError {
  return new ImportFileError(
    'too-many-cells',
    words(
      `Tệp có ${more ? 'hơn ' : ''}${cells} ô (dòng × cột), tối đa ${MAX_IMPORT_CELLS}. ` +
        'Hãy xoá các dòng, cột thừa hoặc chia thành nhiều tệp.',
      `The file has ${more ? 'over ' : ''}${cells} cells (rows × columns), at most ${MAX_IMPORT_CELLS}. ` +
        'Delete extra rows and columns or split it into several files.',
    ),
  );
}

export function cellTooLong(row: number, column: number, chars: number): ImportFileError {
  return new ImportFileError(
    'too-many-cells',
    words(
      `Ô ở dòng ${row}, cột ${column} dài ${chars} ký tự, tối đa ${MAX_CELL_CHARS} (giới hạn của Excel).`,
      `The cell at row ${row}, column ${column} is ${chars} characters long, at most ${MAX_CELL_CHARS} (Excel's limit).`,
    ),
  );
}

/** An apply refused because rows still have errors (and the caller did not ask for the valid rows only). */
export class ImportRefusedError extends UserError {
  readonly status = 409;
  constructor(message: Said) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}
