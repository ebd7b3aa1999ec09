// The report's issuer settings in PostgreSQL (SQLite's migration 7; sqlite-settings.ts): one row,
// replaced whole, its JSON kept as written.
import type { ReportSettingsRow } from '../types';
import type { PgDb } from './db';

export class PgSettings {
  constructor(private readonly db: PgDb) {}

  async getReportSettings(): Promise<ReportSettingsRow | undefined> {
    const [r] = await this.db.rows<{ json: string; updatedBy: string; updatedAt: number }>(
      'SELECT json, updated_by AS "updatedBy", updated_at AS "updatedAt" FROM report_settings WHERE id = 1',
    );
    return r && { settings: JSON.parse(r.json) as unknown, updatedBy: r.updatedBy, updatedAt: r.updatedAt };
  }

  async saveReportSettings(row: ReportSettingsRow | null): Promise<void> {
    if (row === null) {
      await this.db.run('DELETE FROM report_settings WHERE id = 1');
      return;
    }
    await this.db.run(
      `INSERT INTO report_settings (id, json, updated_by, updated_at) VALUES (1, $1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET json = excluded.json, updated_by = excluded.updated_by,
         updated_at = excluded.updated_at`,
      [JSON.stringify(row.settings), row.updatedBy, row.updatedAt],
    );
  }
}
