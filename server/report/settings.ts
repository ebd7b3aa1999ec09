// The report's issuer settings in force (docs/REPORT.md, DOC1): saved on the admin page (the store)
// over the config file's `report:` section over `serve --report-org` over nothing. Saving replaces the
// saved settings whole; a reset deletes them, and the file's are in force again.
import type { Logger } from 'pino';
import { DEFAULT_REPORT_SETTINGS, ReportSettings, type ReportSettingsView } from '../../shared/report-settings';
import { toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import { parseOrThrow } from '../errors';
import type { Store } from '../store/types';

export interface ReportSettingsDeps {
  store: Pick<Store, 'getReportSettings' | 'saveReportSettings'>;
  clock: Clock;
  logger?: Logger;
  /** The config file's `report:` section, already validated; null when the file has none. */
  file?: ReportSettings | null;
  /** `serve --report-org NAME`: the organisation when neither the page nor the file names one. */
  organization?: string | null;
}

export class ReportSettingsService {
  private readonly file: ReportSettings | null;
  private readonly fallback: ReportSettings;

  constructor(private readonly d: ReportSettingsDeps) {
    const org = d.organization?.trim() || null;
    const file = d.file ?? null;
    this.file = file && { ...file, organization: file.organization ?? org };
    this.fallback = this.file ?? { ...DEFAULT_REPORT_SETTINGS, organization: org };
  }

  /** The settings the next PDF is laid out with. */
  async current(): Promise<ReportSettings> {
    return (await this.view()).settings;
  }

  async view(): Promise<ReportSettingsView> {
    const row = await this.d.store.getReportSettings();
    if (row) {
      const parsed = ReportSettings.safeParse(row.settings);
      if (parsed.success) {
        return {
          settings: parsed.data,
          source: 'saved',
          file: this.file,
          updatedBy: row.updatedBy,
          updatedAt: toWireInstant(row.updatedAt),
        };
      }
      // Written by another version with other rules: the file's are used until someone saves again.
      this.d.logger?.warn({ issues: parsed.error.issues }, 'report settings: the saved row is not valid, ignored');
    }
    return {
      settings: this.fallback,
      source: this.file ? 'file' : 'default',
      file: this.file,
      updatedBy: null,
      updatedAt: null,
    };
  }

  /** Validates the whole body (nothing saved on any error) and saves it. */
  async save(actor: string, body: unknown): Promise<ReportSettingsView> {
    const settings = parseOrThrow(ReportSettings, body, ['body']);
    await this.d.store.saveReportSettings({ settings, updatedBy: actor, updatedAt: this.d.clock.now() });
    return await this.view();
  }

  /** Back to the config file's settings. */
  async reset(): Promise<ReportSettingsView> {
    await this.d.store.saveReportSettings(null);
    return await this.view();
  }
}
