// Point lists (CSV, XLSX) → previewed, then applied, inventory points: the public surface of this folder.
export { previewImport, previewTable, countRows, type InventoryView } from './preview';
export { applyImport } from './apply';
export { readTable, type Table } from './table';
export { parseCsv, writeCsv, decodeCsvBytes, detectDelimiter, type Delimiter, type CsvTable } from './csv';
export { readXlsx, writeXlsx, XLSX_MIME, type Sheet } from './xlsx';
export { columnOf, findHeader, COLUMN_LABELS } from './headers';
export { derivedCode } from './codes';
export { readLevel, LEVEL_WORDS } from './levels';
export { UnitResolver } from './units';
export {
  ImportFileError,
  ImportRefusedError,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  type ImportFileProblem,
} from './errors';
