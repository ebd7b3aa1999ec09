// Every target's tracker, mapped to points: a point's state is its primary target's, `backup` its
// (first) backup target's. Tracks which points changed for the coalescing hub and announces
// point-level transitions (primary only) to the outage recorder.
import type { Logger } from 'pino';
import type { Point, PointState, PointStatus } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import type { ProbeResult } from '../probe/types';
import { TargetTracker, emptyFields, nanToNull, type TargetFields } from './tracker';
import { DEFAULT_STATUS, type StatusConfig, type Transition } from './types';

/** A transition of a point's primary target, i.e. of the point itself. */
export interface PointTransition extends Transition {
  point: string;
}

export type PointTransitionListener = (t: PointTransition) => void;

export interface StatusBoardOptions {
  clock: Clock;
  logger: Logger;
  config?: StatusConfig;
}

/** A point's status as plain numbers, NaN for "none" (the allocation-free form of PointStatus). */
export interface PointFields extends TargetFields {
  backup: PointState | null;
}

export const emptyPointFields = (): PointFields => ({ ...emptyFields(), backup: null });

interface PointEntry {
  code: string;
  primary: string;
  backup: string | null;
  /** In `changed` (not yet drained). */
  dirty: boolean;
}

interface Binding {
  entry: PointEntry;
  role: 'primary' | 'backup';
}

interface HostEntry {
  tracker: TargetTracker;
  bindings: Binding[];
}

export class StatusBoard {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly config: StatusConfig;
  private readonly hosts = new Map<string, HostEntry>();
  private readonly points = new Map<string, PointEntry>();
  /**
   * Points changed since the last drain, each once (its `dirty` flag); slots beyond `changedCount` are
   * stale. At 1 Hz nearly every point changes every second: a Set cleared four times a second would
   * rebuild its hash table each time, and that garbage lives long enough to reach the old generation.
   */
  private readonly changed: PointEntry[] = [];
  private changedCount = 0;
  private readonly listeners = new Set<PointTransitionListener>();

  constructor(opts: StatusBoardOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.config = opts.config ?? DEFAULT_STATUS;
  }

  /**
   * Replaces the inventory. Trackers of hosts still present are kept (their state and windows go on);
   * points that are new or whose targets changed are marked changed.
   */
  setPoints(points: readonly Point[]): void {
    const hosts = new Map<string, HostEntry>();
    const next = new Map<string, PointEntry>();
    for (const p of points) {
      const primary = p.targets.find((t) => t.role === 'primary')?.host;
      if (primary === undefined) continue; // the schema forbids it; be safe with unparsed input
      const backup = p.targets.find((t) => t.role === 'backup')?.host ?? null;
      // The entry is kept (a pending change stays pending); a new or re-targeted point is changed.
      const old = this.points.get(p.code);
      const entry = old ?? { code: p.code, primary, backup, dirty: false };
      if (!old || old.primary !== primary || old.backup !== backup) {
        entry.primary = primary;
        entry.backup = backup;
        this.mark(entry);
      }
      next.set(p.code, entry);
      for (const t of p.targets) {
        let h = hosts.get(t.host);
        if (!h) {
          h = { tracker: this.hosts.get(t.host)?.tracker ?? new TargetTracker(t.host, this.config), bindings: [] };
          hosts.set(t.host, h);
        }
        // Only the first backup target is shown; further ones are probed but not bound.
        if (t.role === 'primary' || t.host === backup) {
          if (!h.bindings.some((b) => b.entry === entry && b.role === t.role)) {
            h.bindings.push({ entry, role: t.role });
          }
        }
      }
    }
    this.hosts.clear();
    for (const [k, v] of hosts) this.hosts.set(k, v);
    this.points.clear();
    for (const [k, v] of next) this.points.set(k, v);
  }

  /** Feeds a probe result; results for hosts no longer in the inventory are ignored. */
  observe(r: ProbeResult): void {
    const h = this.hosts.get(r.host);
    if (!h) return;
    this.after(h, h.tracker.observe(r.t, r.rtt), true);
  }

  /**
   * The engine lost these hosts (or the monitor could not observe them since `at`): they become unknown
   * (not down) until results flow again.
   */
  gap(hosts: Iterable<string>, at: number = this.clock.now()): void {
    const now = at;
    for (const host of hosts) {
      const h = this.hosts.get(host);
      if (h) this.after(h, h.tracker.gap(now), false);
    }
  }

  /** Every host the board tracks (for a gap of them all). */
  hostNames(): IterableIterator<string> {
    return this.hosts.keys();
  }

  /** The point's status in wire form, or undefined for an unknown code. */
  status(code: string): PointStatus | undefined {
    const s = this.read(code, SCRATCH);
    return s ? roundedStatus(code, s) : undefined;
  }

  /**
   * The point's status into `out` without allocating (unrounded; NaN where `status` has null), or
   * undefined for an unknown code. The hub's per-tick comparison reads through this.
   */
  read(code: string, out: PointFields): PointFields | undefined {
    const p = this.points.get(code);
    if (!p) return undefined;
    this.hosts.get(p.primary)!.tracker.read(out);
    out.backup = this.backupState(p);
    return out;
  }

  /** Send time of the newest probe of the point's primary target, null before any. */
  probedAt(code: string): number | null {
    const p = this.points.get(code);
    return p === undefined ? null : this.hosts.get(p.primary)!.tracker.lastProbeAt;
  }

  /** Statuses of all points, in inventory order. */
  statuses(): PointStatus[] {
    const out: PointStatus[] = [];
    for (const code of this.points.keys()) out.push(this.status(code)!);
    return out;
  }

  /** Codes whose status changed since the last drain. */
  drainChanged(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.changedCount; i++) {
      const e = this.changed[i]!;
      e.dirty = false;
      // A point removed from the inventory since it changed is not reported.
      if (this.points.get(e.code) === e) out.push(e.code);
    }
    this.changedCount = 0;
    return out;
  }

  /** Listens to point-level transitions; returns the unsubscribe function. */
  onTransition(listener: PointTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private backupState(p: PointEntry): PointState | null {
    return p.backup === null ? null : this.hosts.get(p.backup)!.tracker.state;
  }

  /**
   * A primary's every result changes its point's status (rtt, loss…); a backup's result matters to
   * the board only when the backup's state changes.
   */
  private after(h: HostEntry, tr: Transition | null, dataChanged: boolean): void {
    for (const b of h.bindings) {
      if (b.role === 'backup') {
        if (tr) this.mark(b.entry);
        continue;
      }
      if (dataChanged || tr) this.mark(b.entry);
      if (tr) this.emit({ ...tr, point: b.entry.code });
    }
  }

  private mark(e: PointEntry): void {
    if (e.dirty) return;
    e.dirty = true;
    this.changed[this.changedCount++] = e;
  }

  // A failing listener (e.g. a store error) must not stop the probe pipeline feeding the board.
  private emit(t: PointTransition): void {
    for (const l of this.listeners) {
      try {
        l(t);
      } catch (err) {
        this.logger.error({ err, point: t.point, to: t.to }, 'point transition listener failed');
      }
    }
  }
}

const SCRATCH = emptyPointFields();

/** A point's fields (NaN for none) as the PointStatus the API and the dashboards get. */
export function toPointStatus(code: string, f: PointFields): PointStatus {
  return {
    code,
    state: f.state,
    rtt: nanToNull(f.rtt),
    loss: nanToNull(f.loss),
    jitter: nanToNull(f.jitter),
    since: Number.isNaN(f.since) ? null : toWireInstant(f.since),
    backup: f.backup,
  };
}

/** The status as the API gives it: loss to 0.01 %, jitter to the µs. Rounds `f` in place. */
export function roundedStatus(code: string, f: PointFields): PointStatus {
  f.loss = round(f.loss, 2);
  f.jitter = round(f.jitter, 3);
  return toPointStatus(code, f);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
