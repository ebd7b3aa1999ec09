// A file refused as a whole (wrong encoding, not a spreadsheet, no header, missing columns…): nothing
// of it is read, nothing applied. Row problems are not errors: they are listed in the preview.

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
  | 'too-many-rows';

export class ImportFileError extends Error {
  constructor(
    readonly problem: ImportFileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }

  /** The HTTP status a route answers with. */
  get status(): number {
    if (this.problem === 'too-large') return 413;
    if (this.problem === 'unsupported-type') return 415;
    return 400;
  }
}

/** 5 MB holds ~40,000 rows of CSV: more than the largest national meeting's points. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;

const mb = (n: number): string => (n / 1024 / 1024).toFixed(1).replace('.', ',');

export function tooLarge(bytes: number): ImportFileError {
  return new ImportFileError(
    'too-large',
    `Tệp quá lớn (${mb(bytes)} MB, tối đa ${mb(MAX_IMPORT_BYTES)} MB). Hãy chia danh sách thành nhiều tệp.`,
  );
}

/** An apply refused because rows still have errors (and the caller did not ask for the valid rows only). */
export class ImportRefusedError extends Error {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}
