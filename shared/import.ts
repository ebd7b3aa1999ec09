// The point-list import as both ends see it: the preview of a file (every row with its parsed point or
// its errors, and the counts) and the report of an apply. The server builds these; the client parses
// them with the same schemas.
import { z } from 'zod';
import { Point } from './schemas';

/** The columns a point list can have; headers are mapped onto these (see server/importer/headers.ts). */
export const IMPORT_COLUMNS = [
  'code',
  'name',
  'level',
  'unit',
  'unitId',
  'parentUnit',
  'room',
  'address',
  'host',
  'backupHost',
  'endpoint',
  'technician',
  'phone',
  'agent',
] as const;
export const ImportColumn = z.enum(IMPORT_COLUMNS);
export type ImportColumn = z.infer<typeof ImportColumn>;

export const IMPORT_FORMATS = ['csv', 'xlsx'] as const;
export const ImportFormat = z.enum(IMPORT_FORMATS);
export type ImportFormat = z.infer<typeof ImportFormat>;

export const ROW_STATUSES = ['new', 'updated', 'unchanged', 'invalid'] as const;
export const RowStatus = z.enum(ROW_STATUSES);
export type RowStatus = z.infer<typeof RowStatus>;

/** One thing wrong with a row: the file's row number (1-based, as a spreadsheet shows it), the column, why. */
export const RowIssue = z.strictObject({
  row: z.number().int().min(1),
  /** Null when the problem is the row as a whole, or a kept target the file has no column for. */
  column: ImportColumn.nullable(),
  /** Stable machine-readable reason, e.g. `host.invalid`, `code.duplicate`, `unit.ambiguous`. */
  code: z.string(),
  /** What a technician reads (Vietnamese). */
  message: z.string(),
  /** The same in English, shown when the dashboard is in English. */
  messageEn: z.string().optional(),
});
export type RowIssue = z.infer<typeof RowIssue>;

export const PreviewRow = z.strictObject({
  row: z.number().int().min(1),
  status: RowStatus,
  /** The point this row would save; null when the row is invalid. */
  point: Point.nullable(),
  /** The cells as read, by column (only mapped columns). */
  cells: z.partialRecord(ImportColumn, z.string()),
  /** The code was derived from the unit and the name (no code in the file). */
  derivedCode: z.boolean(),
  errors: z.array(RowIssue),
});
export type PreviewRow = z.infer<typeof PreviewRow>;

export const ImportCounts = z.strictObject({
  new: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const ColumnMapping = z.strictObject({
  /** The header as written in the file. */
  header: z.string(),
  /** 1-based column index. */
  index: z.number().int().min(1),
  column: ImportColumn,
});
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const ImportPreview = z.strictObject({
  format: ImportFormat,
  /** The worksheet read (XLSX only). */
  sheet: z.string().nullable(),
  /** Row number of the header row (title rows above it are skipped). */
  headerRow: z.number().int().min(1),
  columns: z.array(ColumnMapping),
  /** Headers that map to no column; their cells are ignored. */
  ignoredHeaders: z.array(z.string()),
  rows: z.array(PreviewRow),
  counts: ImportCounts,
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportReport = z.strictObject({
  /** Whether the invalid rows were skipped on purpose. */
  validOnly: z.boolean(),
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.number().int(),
  /** Row numbers of the invalid rows left out (only with validOnly). */
  skippedRows: z.array(z.number().int()),
  counts: ImportCounts,
});
export type ImportReport = z.infer<typeof ImportReport>;

/** Vietnamese names of the columns, for messages, the export's header row and the dashboard's import preview. */
export const COLUMN_LABELS: Record<ImportColumn, string> = {
  code: 'Mã điểm cầu',
  name: 'Tên điểm cầu',
  level: 'Cấp',
  unit: 'Đơn vị',
  unitId: 'Mã đơn vị',
  parentUnit: 'Đơn vị cấp trên',
  room: 'Phòng họp',
  address: 'Địa chỉ',
  host: 'Địa chỉ IP',
  backupHost: 'IP dự phòng',
  endpoint: 'Thiết bị đầu cuối',
  technician: 'Cán bộ kỹ thuật',
  phone: 'Số điện thoại',
  agent: 'Trạm đo',
};

/** The columns' names in English, for messages and the preview in English. */
export const COLUMN_LABELS_EN: Record<ImportColumn, string> = {
  code: 'Point code',
  name: 'Point name',
  level: 'Level',
  unit: 'Unit',
  unitId: 'Unit id',
  parentUnit: 'Parent unit',
  room: 'Room',
  address: 'Address',
  host: 'IP address',
  backupHost: 'Backup IP',
  endpoint: 'Endpoint',
  technician: 'Technician',
  phone: 'Phone',
  agent: 'Probe agent',
};
