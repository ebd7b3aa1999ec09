// What is kept, and for how long ([RP13], docs/REPORT.md "Retention"): raw 10 s rollups 90 days by
// default (about 1 GB per 10,000 points per 4-hour meeting; they are what the report and the charts
// are computed from), meeting report snapshots for ever (a few hundred kB each, the record the centre
// signs). Outage records and their notes are never purged. A daily job purges; before it does, every
// meeting whose window has closed gets its snapshot, so no report loses its figures to the purge.
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Store } from '../store/types';
import type { ReportArchiver } from './archive';

export const DAY_MS = 86_400_000;

export interface RetentionPolicy {
  /** Days raw rollups are kept; null: for ever. */
  rollupDays: number | null;
  /** Days meeting report snapshots are kept; null: for ever. */
  reportDays: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rollupDays: 90, reportDays: null };

export interface PurgeResult {
  at: number;
  rollups: number;
  reports: number;
}

export interface RetentionDeps {
  store: Pick<Store, 'purgeRollups' | 'purgeReportSnapshots'>;
  archiver: Pick<ReportArchiver, 'runDue'>;
  clock: Clock;
  logger: Logger;
  policy?: Partial<RetentionPolicy>;
  /** First purge this long after start (default 5 min), then every `intervalMs` (default a day). */
  firstDelayMs?: number;
  intervalMs?: number;
}

export class RetentionJob {
  readonly policy: RetentionPolicy;
  private first: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  last: PurgeResult | null = null;

  constructor(private readonly d: RetentionDeps) {
    this.policy = { ...DEFAULT_RETENTION, ...d.policy };
  }

  start(): void {
    if (this.first || this.timer) return;
    this.first = setTimeout(
      () => {
        this.first = null;
        void this.purge().catch(() => undefined);
        this.timer = setInterval(() => void this.purge().catch(() => undefined), this.d.intervalMs ?? DAY_MS);
        this.timer.unref();
      },
      this.d.firstDelayMs ?? 5 * 60_000,
    );
    this.first.unref();
  }

  stop(): void {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    this.first = null;
    this.timer = null;
  }

  /** Snapshots first, then the purge. */
  async purge(): Promise<PurgeResult> {
    await this.d.archiver.runDue();
    const now = this.d.clock.now();
    const { rollupDays, reportDays } = this.policy;
    try {
      const rollups = rollupDays === null ? 0 : await this.d.store.purgeRollups(now - rollupDays * DAY_MS);
      const reports = reportDays === null ? 0 : await this.d.store.purgeReportSnapshots(now - reportDays * DAY_MS);
      this.last = { at: now, rollups, reports };
      this.d.logger.info({ rollups, reports, policy: this.policy }, 'retention: purged');
      return this.last;
    } catch (err) {
      this.d.logger.error({ err }, 'retention: the purge failed; retried at the next run');
      throw err;
    }
  }
}
