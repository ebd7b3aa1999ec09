// Decides each target's cadence from the meetings' monitoring windows (docs/SPEC.md SC1–SC6).
// `planProbes` is pure; `Scheduler` re-plans at the next window boundary and on inventory updates.
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, nextBoundary, windowAt, type WindowConfig } from '../../shared/phase';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import type { Clock } from '../clock';
import { targetId } from '../../shared/targets';
import type { Target } from '../../shared/schemas';
import { childrenIndex, resolveParticipants } from './participants';

export interface CadenceConfig {
  /** Outside any monitoring window. */
  idleMs: number;
  /** In a line-test window. */
  lineTestMs: number;
  /** In a live window. */
  liveMs: number;
}

export const DEFAULT_CADENCE: CadenceConfig = { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 };

export interface Inventory {
  points: readonly Point[];
  units: readonly Unit[];
  meetings: readonly Meeting[];
}

export interface PlanInput extends Inventory {
  now: number;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
}

/** A target to probe at a cadence (the probe router gives it to its kind's engine). */
export interface PlannedTarget {
  /** targetId(target): kind + host + port (+ transport / URL). */
  id: string;
  target: Target;
  intervalMs: number;
}

export interface ProbePlan {
  /** One entry per distinct target (by id), sorted by id. */
  targets: PlannedTarget[];
  /** Point code → ids of the meetings whose window is open at `now`; points in none are absent. */
  openMeetings: Map<string, string[]>;
  /** The earliest instant after `now` at which any meeting's window or phase may change. */
  nextBoundary: number | null;
}

export function planProbes(input: PlanInput): ProbePlan {
  const cadence = input.cadence ?? DEFAULT_CADENCE;
  const windows = input.windows ?? DEFAULT_WINDOWS;
  const { points, units, meetings, now } = input;

  const pointInterval = new Map<string, number>();
  const openMeetings = new Map<string, string[]>();
  let next: number | null = null;
  let children: Map<string, string[]> | null = null;
  for (const m of meetings) {
    const b = nextBoundary(m, now, windows);
    if (b !== null && (next === null || b < next)) next = b;
    const w = windowAt(m, now, windows);
    if (w === null) continue;
    const interval = w === 'live' ? cadence.liveMs : cadence.lineTestMs;
    children ??= childrenIndex(units);
    for (const code of resolveParticipants(m, points, units, children)) {
      // SC3: overlapping meetings, the fastest cadence wins.
      pointInterval.set(code, Math.min(pointInterval.get(code) ?? Infinity, interval));
      const list = openMeetings.get(code);
      if (list) list.push(m.id);
      else openMeetings.set(code, [m.id]);
    }
  }

  const planned = new Map<string, PlannedTarget>();
  for (const p of points) {
    const interval = pointInterval.get(p.code) ?? cadence.idleMs;
    // SC4: every target of a point (backup line, endpoint) at its point's cadence; one shared by
    // points (the inventory forbids it, a plan may still see it mid-change), at the fastest.
    for (const t of p.targets) {
      const id = targetId(t);
      const had = planned.get(id);
      if (had) had.intervalMs = Math.min(had.intervalMs, interval);
      else planned.set(id, { id, target: t, intervalMs: interval });
    }
  }
  const targets = [...planned.values()];
  targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { targets, openMeetings, nextBoundary: next };
}

export interface SchedulerOptions {
  clock: Clock;
  logger: Logger;
  /** Called with the whole new target set whenever it differs from the last one delivered. */
  onPlan: (targets: PlannedTarget[]) => void;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  /** Longest sleep between re-plans, so a jump of the clock is noticed (default 60 s). */
  maxSleepMs?: number;
}

export class Scheduler {
  private inventory: Inventory | null = null;
  private current: ProbePlan | null = null;
  private delivered: PlannedTarget[] | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {}

  /** New inventory (points, units or meetings changed): re-plan now. */
  update(inventory: Inventory): ProbePlan | null {
    this.inventory = inventory;
    return this.replan();
  }

  /** The latest plan, or null before the first update. */
  plan(): ProbePlan | null {
    return this.current;
  }

  /** Re-plans at the clock's now, delivers the targets if they changed and re-arms the timer. */
  replan(): ProbePlan | null {
    if (this.stopped || !this.inventory) return null;
    const now = this.opts.clock.now();
    const plan = planProbes({ ...this.inventory, now, cadence: this.opts.cadence, windows: this.opts.windows });
    this.current = plan;
    if (!this.delivered || !sameTargets(this.delivered, plan.targets)) {
      try {
        this.opts.onPlan(plan.targets);
        this.delivered = plan.targets;
      } catch (err) {
        // Not marked delivered: the next re-plan tries again.
        this.opts.logger.error({ err }, 'applying the probe plan failed');
      }
    }
    this.arm(plan.nextBoundary, now);
    return plan;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(boundary: number | null, now: number): void {
    if (this.timer) clearTimeout(this.timer);
    const maxSleep = this.opts.maxSleepMs ?? 60_000;
    const delay = boundary === null ? maxSleep : Math.max(0, Math.min(boundary - now, maxSleep));
    this.timer = setTimeout(() => this.replan(), delay);
    this.timer.unref();
  }
}

function sameTargets(a: readonly PlannedTarget[], b: readonly PlannedTarget[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.id !== y.id || x.intervalMs !== y.intervalMs) return false;
    // Same identity, other settings (a codec's user, an HTTP target's expected status).
    if (x.target !== y.target && JSON.stringify(x.target) !== JSON.stringify(y.target)) return false;
  }
  return true;
}
