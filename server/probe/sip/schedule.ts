// When each SIP job probes: every intervalMs at a phase fixed by its id, so targets spread over the
// interval; unchanged jobs keep their timers across setJobs (docs/probes/sip.md SIP9).
import { performance } from 'node:perf_hooks';
import type { ProbeJob } from '../kinds';

interface Slot {
  job: ProbeJob;
  timer: NodeJS.Timeout | null;
  /** performance.now() of the next send. */
  next: number;
  busy: boolean;
}

/** A stable spread of targets over their interval (FNV-1a of the id). */
export function phaseOf(id: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % intervalMs;
}

const sameJob = (a: ProbeJob, b: ProbeJob): boolean =>
  a.id === b.id && a.intervalMs === b.intervalMs && JSON.stringify(a.target) === JSON.stringify(b.target);

export class JobSchedule {
  private readonly slots = new Map<string, Slot>();
  private closed = false;

  /**
   * `run` probes once; `current()` tells, when it ends, whether the job is still the one scheduled
   * (a result of a replaced or removed job is dropped).
   */
  constructor(private readonly run: (job: ProbeJob, current: () => boolean) => Promise<void>) {}

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Replaces the job set; returns the ids that are no longer scheduled at all. */
  set(next: ReadonlyMap<string, ProbeJob>): string[] {
    if (this.closed) return [];
    const removed: string[] = [];
    for (const [id, slot] of this.slots) {
      const job = next.get(id);
      if (job && sameJob(slot.job, job)) {
        slot.job = job; // a new timeout takes effect at the next send; the phase stays
        continue;
      }
      if (slot.timer) clearTimeout(slot.timer);
      this.slots.delete(id);
      if (!job) removed.push(id);
    }
    for (const [id, job] of next) {
      if (this.slots.has(id)) continue;
      const slot: Slot = { job, timer: null, next: performance.now() + phaseOf(id, job.intervalMs), busy: false };
      this.slots.set(id, slot);
      this.arm(slot);
    }
    return removed;
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots.values()) if (slot.timer) clearTimeout(slot.timer);
    this.slots.clear();
  }

  private arm(slot: Slot): void {
    slot.timer = setTimeout(() => this.fire(slot), Math.max(0, slot.next - performance.now()));
  }

  private fire(slot: Slot): void {
    const current = (): boolean => !this.closed && this.slots.get(slot.job.id) === slot;
    if (!current()) return;
    const now = performance.now();
    const interval = slot.job.intervalMs;
    slot.next += interval;
    // After a stall, skip the missed sends rather than firing them in a burst.
    if (slot.next <= now) slot.next += Math.ceil((now - slot.next) / interval) * interval;
    this.arm(slot);
    if (slot.busy) return; // the previous probe is still running (a stalled loop)
    slot.busy = true;
    void this.run(slot.job, current).finally(() => {
      slot.busy = false;
    });
  }
}
