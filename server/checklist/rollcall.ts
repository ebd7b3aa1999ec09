// The automatic roll calls: at T−10 min and at the session start the server writes down which points
// are connected and which are not, on its own ([RC1] [RC2]). A timer on the injected clock wakes at the
// next one due; a server that was not running then takes it as soon as it has seen the probes for a
// moment, with the real capture time ([RC4]).
import { Serial } from '../serial';
import type { Logger } from 'pino';
import { ROLL_CALL_MOMENTS } from '../../shared/checklist';
import { meetingTimes } from '../../shared/phase';
import type { Meeting, PointStatus } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { RollCallCaptureRow, Store } from '../store/types';
import { rollCallDue } from './rules';

export interface RollCallCapturerDeps {
  store: Pick<Store, 'saveRollCallCapture' | 'listRollCallCaptures'>;
  inventory: Inventory;
  /** Codes of the points taking part in a meeting (the monitor). */
  participation: { pointsOf(meetingId: string): ReadonlySet<string> };
  status: { status(code: string): PointStatus | undefined };
  clock: Clock;
  logger: Logger;
  /** After a start, states are unknown until the first probes answer: wait this long (default 10 s). */
  settleMs?: number;
  onCaptured?: (row: RollCallCaptureRow) => void;
}

/** The timer never sleeps longer than this, so a clock jump is noticed. */
const MAX_SLEEP_MS = 60_000;

export class RollCallCapturer {
  private startedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** `meeting\0moment` already stored (loaded per meeting at first sight). */
  private readonly taken = new Set<string>();
  private readonly loaded = new Set<string>();
  private readonly passes = new Serial();

  constructor(private readonly d: RollCallCapturerDeps) {}

  start(): void {
    this.startedAt = this.d.clock.now();
    void this.check();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.startedAt = null;
  }

  /**
   * Takes every roll call that is due, then sleeps until the next (the timer calls it; tests too).
   * One pass at a time: a call meanwhile runs after the pass under way.
   */
  check(): Promise<void> {
    return this.passes.run(() => this.checkNow());
  }

  private async checkNow(): Promise<void> {
    if (this.startedAt === null) return;
    const now = this.d.clock.now();
    const earliest = this.startedAt + (this.d.settleMs ?? 10_000);
    let next = Infinity;
    try {
      for (const m of this.d.inventory.listMeetings()) {
        const end = meetingTimes(m).plannedEnd;
        const due = rollCallDue(m);
        for (const moment of ROLL_CALL_MOMENTS) {
          const at = Math.max(due[moment], earliest);
          // [RC4] Past the planned end there is nobody left to call: no capture.
          if (at >= end || (await this.isTaken(m.id, moment))) continue;
          if (at > now) next = Math.min(next, at);
          else await this.capture(m, moment, due[moment], now);
        }
      }
    } catch (err) {
      this.d.logger.error({ err }, 'roll call check failed');
    } finally {
      if (this.startedAt !== null) this.schedule(next === Infinity ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, next - now));
    }
  }

  private async capture(m: Meeting, moment: RollCallCaptureRow['moment'], dueAt: number, now: number): Promise<void> {
    const codes = [...this.d.participation.pointsOf(m.id)].sort();
    const row: RollCallCaptureRow = {
      meeting: m.id,
      moment,
      dueAt,
      capturedAt: now,
      entries: codes.map((code) => {
        const s = this.d.status.status(code);
        // [RC7] "In the call" where the codec tells; otherwise the line's reachability says it all.
        return s?.inCall == null ? { code, state: s?.state ?? 'unknown' } : { code, state: s.state, inCall: s.inCall };
      }),
    };
    try {
      const stored = await this.d.store.saveRollCallCapture(row);
      this.taken.add(`${m.id}\u0000${moment}`);
      if (!stored) return; // another process took it first: theirs stands
      this.d.logger.info({ meeting: m.id, moment, late: now - dueAt, points: codes.length }, 'roll call taken');
      this.d.onCaptured?.(row);
    } catch (err) {
      // Not marked as taken: the next check (≤ 60 s, or the next inventory change) tries again.
      this.d.logger.error({ err, meeting: m.id, moment }, 'roll call not stored');
    }
  }

  private async isTaken(meetingId: string, moment: string): Promise<boolean> {
    if (!this.loaded.has(meetingId)) {
      for (const c of await this.d.store.listRollCallCaptures(meetingId))
        this.taken.add(`${meetingId}\u0000${c.moment}`);
      this.loaded.add(meetingId);
    }
    return this.taken.has(`${meetingId}\u0000${moment}`);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    // A few ms late rather than early: at exactly dueAt the capture is due.
    this.timer = setTimeout(() => void this.check(), Math.max(0, ms) + 5);
    this.timer.unref();
  }
}
