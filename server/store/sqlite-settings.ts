// The report's issuer settings saved on the admin page (migration 7): one row, replaced whole.
// SqliteStore delegates to this class.
import type Database from 'better-sqlite3';
import type { ReportSettingsRow } from './types';

export class SqliteSettings {
  private readonly s;

  constructor(db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      get: p('SELECT json, updated_by AS updatedBy, updated_at AS updatedAt FROM report_settings WHERE id = 1'),
      put: p(
        `INSERT INTO report_settings (id, json, updated_by, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_by = excluded.updated_by,
           updated_at = excluded.updated_at`,
      ),
      delete: p('DELETE FROM report_settings WHERE id = 1'),
    };
  }

  get(): ReportSettingsRow | undefined {
    const row = this.s.get.get() as { json: string; updatedBy: string; updatedAt: number } | undefined;
    return row && { settings: JSON.parse(row.json) as unknown, updatedBy: row.updatedBy, updatedAt: row.updatedAt };
  }

  save(row: ReportSettingsRow | null): void {
    if (row === null) this.s.delete.run();
    else this.s.put.run(JSON.stringify(row.settings), row.updatedBy, row.updatedAt);
  }
}
