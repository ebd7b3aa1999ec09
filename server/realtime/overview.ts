// [NV2] A meeting's overview as the hub keeps it while someone watches it: counts by region and state,
// every point in trouble, and the worst PROBLEM_LIMIT of them as last sent. Statuses are applied one
// point at a time as the hub publishes them (O(1) each); the problem list is ranked again only in a
// tick where a problem point entered, changed or left, and a delta carries only what changed since the
// previous one — the regions whose counts moved and the list's entries in, changed and out — so what
// crosses the wire is bounded by the number of regions and 2 × PROBLEM_LIMIT, never the meeting's size.
import {
  emptyCounts,
  meetingRegions,
  PROBLEM_LIMIT,
  problemRank,
  type OverviewDelta,
  type ProblemPoint,
  type RegionInfo,
  type RegionView,
  type StateCounts,
} from '../../shared/overview';
import type { Point, PointState, PointStatus, Unit } from '../../shared/schemas';
import type { ProbeReason } from '../../shared/targets';

export interface OverviewInputs {
  units: readonly Unit[];
  /** The meeting's participating points. */
  points: readonly Point[];
  status(code: string): PointStatus | undefined;
  /** Why the point's primary target is down or unknown, when the monitor says. */
  reason(code: string): ProbeReason | null;
  /** Problem points kept in the list (PROBLEM_LIMIT unless a test says otherwise). */
  limit?: number;
}

interface Entry {
  region: number;
  name: string;
  state: PointState;
  endpointDown: boolean;
}

const endpointDown = (s: Pick<PointStatus, 'state' | 'endpoint'>): boolean =>
  s.state === 'up' && (s.endpoint === 'down' || s.endpoint === 'severe');

const sameProblem = (a: ProblemPoint, b: ProblemPoint): boolean =>
  a.state === b.state &&
  a.endpoint === b.endpoint &&
  a.since === b.since &&
  a.reason === b.reason &&
  a.name === b.name &&
  a.region === b.region;

/** A problem with its place in problemOrder computed once (rank, then `since` as a number, then code). */
interface Ranked {
  p: ProblemPoint;
  rank: number;
  t: number;
}

const before = (a: Ranked, b: Ranked): boolean =>
  a.rank !== b.rank ? a.rank < b.rank : a.t !== b.t ? a.t < b.t : a.p.code < b.p.code;

export type OverviewChange = Omit<OverviewDelta, 'meetingId' | 'seq' | 'serverTime' | 'phase' | 'probedAt' | 'knownAt'>;

export class MeetingOverview {
  readonly regions: readonly RegionInfo[];
  private readonly totals: number[];
  private readonly counts: StateCounts[];
  private readonly endpoints: number[];
  private readonly entries = new Map<string, Entry>();
  /** Every point in trouble now. */
  private readonly problems = new Map<string, Ranked>();
  /** The list as the watchers have it (the last snapshot or delta), in order. */
  private shown: ProblemPoint[] = [];
  private shownCodes = new Set<string>();
  /** The last shown entry when the list is full (a problem ranked after it cannot enter). */
  private threshold: Ranked | null = null;
  /** The count of problems changed without touching the list. */
  private totalDirty = false;
  private readonly dirtyRegions = new Set<number>();
  private problemsDirty = false;
  private readonly limit: number;
  seq = 0;

  constructor(private readonly d: OverviewInputs) {
    this.limit = d.limit ?? PROBLEM_LIMIT;
    const { regions, regionOf } = meetingRegions(d.units, d.points);
    this.regions = regions;
    const index = new Map(regions.map((r, i) => [r.id, i]));
    this.totals = regions.map(() => 0);
    this.counts = regions.map(() => emptyCounts());
    this.endpoints = regions.map(() => 0);
    for (const p of d.points) {
      const region = index.get(regionOf.get(p.code)!)!;
      this.totals[region]!++;
      const e: Entry = { region, name: p.name, state: 'unknown', endpointDown: false };
      this.entries.set(p.code, e);
      this.counts[region]!.unknown++;
      this.apply(p.code, d.status(p.code));
    }
    this.show(this.top());
    this.dirtyRegions.clear();
    this.problemsDirty = false;
    this.totalDirty = false;
  }

  has(code: string): boolean {
    return this.entries.has(code);
  }

  /** A point's status as published (undefined: none yet, counted unknown). True when it moved anything. */
  apply(code: string, s: PointStatus | undefined): boolean {
    const e = this.entries.get(code);
    if (!e) return false;
    const state = s?.state ?? 'unknown';
    const ep = s !== undefined && endpointDown(s);
    let moved = false;
    if (state !== e.state || ep !== e.endpointDown) {
      const c = this.counts[e.region]!;
      c[e.state]--;
      c[state]++;
      if (e.endpointDown) this.endpoints[e.region]!--;
      if (ep) this.endpoints[e.region]!++;
      e.state = state;
      e.endpointDown = ep;
      this.dirtyRegions.add(e.region);
      moved = true;
    }
    const rank = problemRank({ state, endpoint: s?.endpoint ?? null });
    const was = this.problems.get(code);
    if (rank === null) {
      if (was) {
        this.problems.delete(code);
        this.touch(was, null);
        moved = true;
      }
      return moved;
    }
    const p: ProblemPoint = {
      code,
      name: e.name,
      region: this.regions[e.region]!.id,
      state,
      endpoint: s?.endpoint ?? null,
      since: s?.since ?? null,
      reason: state === 'down' || state === 'unknown' ? this.d.reason(code) : null,
    };
    if (!was || !sameProblem(was.p, p)) {
      const now: Ranked = { p, rank, t: p.since === null ? Infinity : Date.parse(p.since) };
      this.problems.set(code, now);
      this.touch(was ?? null, now);
      moved = true;
    }
    return moved;
  }

  /**
   * A problem entered, changed or left: the list must be ranked again only when it was shown or would
   * now rank before the last one shown; otherwise only the total moves (an agent lost with a thousand
   * points outside the list costs no ranking at each of their changes).
   */
  private touch(was: Ranked | null, now: Ranked | null): void {
    const t = this.threshold;
    if ((was && this.shownCodes.has(was.p.code)) || (now && (t === null || before(now, t)))) {
      this.problemsDirty = true;
    } else {
      this.totalDirty = true;
    }
  }

  private show(list: ProblemPoint[]): void {
    this.shown = list;
    this.shownCodes = new Set(list.map((p) => p.code));
    const last = list.at(-1);
    this.threshold = list.length >= this.limit && last ? this.problems.get(last.code)! : null;
  }

  regionViews(): RegionView[] {
    return this.regions.map((r, i) => ({
      ...r,
      total: this.totals[i]!,
      counts: { ...this.counts[i]! },
      endpointDown: this.endpoints[i]!,
    }));
  }

  /** The list as last sent: what a snapshot taken now shows (the next delta follows from it). */
  shownProblems(): ProblemPoint[] {
    return this.shown;
  }

  problemTotal(): number {
    return this.problems.size;
  }

  /** What changed since the last call (or since construction); null when nothing did. */
  change(): OverviewChange | null {
    if (this.dirtyRegions.size === 0 && !this.problemsDirty && !this.totalDirty) return null;
    this.totalDirty = false;
    const regions = [...this.dirtyRegions]
      .sort((a, b) => a - b)
      .map((i) => ({ id: this.regions[i]!.id, counts: { ...this.counts[i]! }, endpointDown: this.endpoints[i]! }));
    this.dirtyRegions.clear();
    const problems: ProblemPoint[] = [];
    const removed: string[] = [];
    if (this.problemsDirty) {
      this.problemsDirty = false;
      const next = this.top();
      const previous = new Map(this.shown.map((p) => [p.code, p]));
      for (const p of next) {
        const b = previous.get(p.code);
        if (!b || !sameProblem(b, p)) problems.push(p);
        previous.delete(p.code);
      }
      removed.push(...previous.keys());
      this.show(next);
    }
    return { regions, problems, removed, problemTotal: this.problems.size };
  }

  /**
   * The worst `limit` problems, in problemOrder: one pass keeping the best `limit` in a sorted array
   * (O(P log limit) comparisons on numbers), not a sort of every problem.
   */
  private top(): ProblemPoint[] {
    const best: Ranked[] = [];
    const n = this.limit;
    for (const r of this.problems.values()) {
      if (best.length >= n && !before(r, best[n - 1]!)) continue;
      let lo = 0;
      let hi = best.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(best[mid]!, r)) lo = mid + 1;
        else hi = mid;
      }
      best.splice(lo, 0, r);
      if (best.length > n) best.pop();
    }
    return best.map((r) => r.p);
  }
}
