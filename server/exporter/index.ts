// The inventory → files that the importer reads back unchanged.
export { pointRows, exportPointsCsv, exportPointsXlsx, EXPORT_COLUMNS, type ExportSource } from './points';
