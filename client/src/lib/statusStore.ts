// Live point statuses outside React. A delta touches a few of up to tens of thousands of points, so
// listeners are per point: a tile re-renders only when its own status object is replaced, and an
// unchanged status keeps its identity. Counts per state are kept incrementally.
import { POINT_STATES, type PointState, type PointStatus } from '../../../shared/schemas';
import type { Listener } from './observable';

export type StateCounts = Readonly<Record<PointState, number>>;

/** Point states as of one state version: a new object whenever any state changes. */
export interface StatesView {
  readonly version: number;
  stateOf(code: string): PointState;
  /** [TG5] The line answers, the room's endpoint does not (a problem of its own, the wall's order). */
  endpointDown(code: string): boolean;
}

/** [TG5] "Line up, endpoint not answering": the endpoint is down while the line is reachable. */
export function isEndpointDown(s: PointStatus | undefined): boolean {
  return s?.endpoint === 'down' && s.state !== 'down' && s.state !== 'unknown';
}

function emptyCounts(): Record<PointState, number> {
  return Object.fromEntries(POINT_STATES.map((s) => [s, 0])) as Record<PointState, number>;
}

function sameStatus(a: PointStatus, b: PointStatus): boolean {
  return (
    a.state === b.state &&
    a.rtt === b.rtt &&
    a.loss === b.loss &&
    a.jitter === b.jitter &&
    a.since === b.since &&
    a.backup === b.backup &&
    a.endpoint === b.endpoint &&
    a.inCall === b.inCall
  );
}

export class StatusStore {
  private statuses = new Map<string, PointStatus>();
  private codes = new Set<string>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly summaryListeners = new Set<Listener>();
  private countsValue: StateCounts = emptyCounts();
  private stateVersionValue = 0;
  private view: StatesView | null = null;
  private endpointDownValue = 0;

  /** Replace everything (a fresh snapshot). Points without a status count as unknown. */
  reset(codes: readonly string[], statuses: readonly PointStatus[]): void {
    this.codes = new Set(codes);
    this.statuses = new Map();
    for (const s of statuses) if (this.codes.has(s.code)) this.statuses.set(s.code, s);
    const counts = emptyCounts();
    for (const code of this.codes) counts[this.stateOf(code)] += 1;
    this.countsValue = counts;
    this.endpointDownValue = 0;
    for (const s of this.statuses.values()) if (isEndpointDown(s)) this.endpointDownValue += 1;
    this.stateVersionValue += 1;
    for (const set of this.listeners.values()) for (const l of Array.from(set)) l();
    this.notifySummary();
  }

  /** Apply changed statuses; returns the codes whose status really changed. Unknown codes are ignored. */
  apply(statuses: readonly PointStatus[]): string[] {
    const changed: string[] = [];
    let counts: Record<PointState, number> | null = null;
    let endpointMoved = false;
    for (const next of statuses) {
      if (!this.codes.has(next.code)) continue;
      const prev = this.statuses.get(next.code);
      if (prev && sameStatus(prev, next)) continue;
      const from = prev?.state ?? 'unknown';
      this.statuses.set(next.code, next);
      changed.push(next.code);
      if (from !== next.state) {
        counts ??= { ...this.countsValue };
        counts[from] -= 1;
        counts[next.state] += 1;
      }
      // The line may stay up while the endpoint goes down: views ordered by problems must see it.
      if (isEndpointDown(prev) !== isEndpointDown(next)) {
        endpointMoved = true;
        this.endpointDownValue += isEndpointDown(next) ? 1 : -1;
      }
    }
    if (counts) this.countsValue = counts;
    if (counts || endpointMoved) this.stateVersionValue += 1;
    for (const code of changed) {
      const set = this.listeners.get(code);
      if (set) for (const l of Array.from(set)) l();
    }
    if (counts || endpointMoved) this.notifySummary();
    return changed;
  }

  get(code: string): PointStatus | undefined {
    return this.statuses.get(code);
  }

  stateOf(code: string): PointState {
    return this.statuses.get(code)?.state ?? 'unknown';
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  counts = (): StateCounts => this.countsValue;

  /** Bumped whenever any point's state (not just its figures) changes. */
  stateVersion = (): number => this.stateVersionValue;

  /** A view whose identity changes with the state version (for memoised filters by state). */
  statesView = (): StatesView => {
    if (this.view?.version !== this.stateVersionValue) {
      this.view = {
        version: this.stateVersionValue,
        stateOf: (code) => this.stateOf(code),
        endpointDown: (code) => isEndpointDown(this.statuses.get(code)),
      };
    }
    return this.view;
  };

  subscribe(code: string, listener: Listener): () => void {
    let set = this.listeners.get(code);
    if (!set) {
      set = new Set();
      this.listeners.set(code, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(code);
    };
  }

  /** How many points have their line up and their endpoint not answering. */
  endpointDownCount = (): number => this.endpointDownValue;

  /** Called when counts / the state version change (not for figure-only changes). */
  subscribeSummary = (listener: Listener): (() => void) => {
    this.summaryListeners.add(listener);
    return () => this.summaryListeners.delete(listener);
  };

  /** How many per-point listeners are registered (for tests and diagnostics). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private notifySummary(): void {
    for (const l of Array.from(this.summaryListeners)) l();
  }
}
