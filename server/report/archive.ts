// Stores each meeting's report once its monitoring window has closed ([RP13]): from then on the report
// is that snapshot, kept as long as the retention says (for ever by default) while the rollups it came
// from are purged after their own retention. Checked every minute; one meeting at a time.
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, meetingTimes, type WindowConfig } from '../../shared/phase';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { Store } from '../store/types';
import { scheduleKey, type ReportService } from './service';

export interface ArchiverDeps {
  service: ReportService;
  store: Pick<Store, 'getReportSnapshot'>;
  inventory: Pick<Inventory, 'listMeetings'>;
  clock: Clock;
  logger: Logger;
  windows?: WindowConfig;
  /** Rollups older than this are gone: a meeting that closed before cannot be computed any more. */
  rollupRetentionMs?: number | null;
  intervalMs?: number;
}

const MIN = 60_000;

export class ReportArchiver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(private readonly d: ArchiverDeps) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runDue(), this.d.intervalMs ?? MIN);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Meetings whose window has closed and whose snapshot is missing or stale. */
  async due(now: number): Promise<string[]> {
    const w = this.d.windows ?? DEFAULT_WINDOWS;
    const out: string[] = [];
    for (const m of this.d.inventory.listMeetings()) {
      const closes = meetingTimes(m).plannedEnd + w.tailMin * MIN;
      if (now < closes) continue;
      const keep = this.d.rollupRetentionMs;
      if (keep != null && closes < now - keep) continue;
      const snap = await this.d.store.getReportSnapshot(m.id);
      if (!snap || snap.schedule !== scheduleKey(m)) out.push(m.id);
    }
    return out;
  }

  /** Archives every due meeting (one at a time); resolves with how many. Never throws. */
  runDue(): Promise<number> {
    this.running ??= this.archiveDue().finally(() => (this.running = null));
    return this.running;
  }

  private async archiveDue(): Promise<number> {
    let n = 0;
    for (const id of await this.due(this.d.clock.now())) {
      try {
        await this.d.service.archive(id);
        n++;
        this.d.logger.info({ meeting: id }, 'report: snapshot stored');
      } catch (err) {
        this.d.logger.error({ err, meeting: id }, 'report: the snapshot could not be stored');
      }
    }
    return n;
  }
}
