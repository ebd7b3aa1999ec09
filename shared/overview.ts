// The overview of a large meeting (docs/NATIONAL.md NV1–NV6): a national meeting of 40,000 points is
// opened by region — counts per state for each province and the problem points first — and a region's
// grid only on drill-down (`meeting:join` with `unit`). Nothing here grows with the meeting's size on
// the wire: the regions are a few dozen, the problem list is cut at PROBLEM_LIMIT, and a delta carries
// only the regions whose counts changed and the problem list's changes.
import type { MeetingView, ServerHealth } from './protocol';
import type { Level, Point, PointState, PointStatus, Unit } from './schemas';
import type { ProbeReason } from './targets';

/** Problem points sent in an overview (the worst first). */
export const PROBLEM_LIMIT = 100;
/** A meeting with more points than this opens in the overview by default (the grid stays a click away). */
export const OVERVIEW_FROM = 2000;

export type StateCounts = Record<PointState, number>;

export const emptyCounts = (): StateCounts => ({ up: 0, degraded: 0, severe: 0, down: 0, unknown: 0 });

/** One region of a meeting: a province of a national meeting, a district of a province's. */
export interface RegionInfo {
  /** The unit's id; for an own-points region (see `own`) the unit whose own points it holds. */
  id: string;
  name: string;
  level: Level;
  /** The region holds the points attached directly to the common ancestor (the host's own unit). */
  own: boolean;
}

export interface RegionView extends RegionInfo {
  /** Participating points in the region. */
  total: number;
  counts: StateCounts;
  /** Points whose line is up but whose room endpoint (codec, SIP…) is down or severe. */
  endpointDown: number;
}

/** A point in trouble, as the overview lists it. */
export interface ProblemPoint {
  code: string;
  name: string;
  /** The region's id (RegionInfo.id). */
  region: string;
  state: PointState;
  /** The room's endpoint state, when the point has one. */
  endpoint: PointState | null;
  since: string | null;
  /** Why the primary target is down or unknown, when known (e.g. `no-contact`: its agent is not heard). */
  reason: ProbeReason | null;
}

export interface OverviewSnapshot {
  meeting: MeetingView;
  seq: number;
  serverTime: number;
  /** In inventory order. */
  regions: RegionView[];
  /** The worst PROBLEM_LIMIT problem points, in problemOrder. */
  problems: ProblemPoint[];
  /** How many points are in trouble in all (≥ problems.length). */
  problemTotal: number;
  health?: ServerHealth;
}

export interface OverviewDelta {
  meetingId: string;
  seq: number;
  serverTime: number;
  /** Regions whose counts changed (whole counts, not differences). */
  regions: Pick<RegionView, 'id' | 'counts' | 'endpointDown'>[];
  /** Problem points that entered the list or changed in it. */
  problems: ProblemPoint[];
  /** Codes that left the list (recovered, or pushed below the limit by worse ones). */
  removed: string[];
  problemTotal: number;
  phase?: MeetingView['phase'];
  /** Send time of the oldest probe reflected (as MeetingDelta.probedAt). */
  probedAt?: number;
  /** When the oldest outcome reflected was known (as MeetingDelta.knownAt). */
  knownAt?: number;
}

/** Severity rank of a problem: lower is worse; null: not a problem. */
export function problemRank(s: Pick<PointStatus, 'state' | 'endpoint'>): number | null {
  switch (s.state) {
    case 'down':
      return 0;
    case 'severe':
      return 1;
    case 'degraded':
      return 3;
    case 'unknown':
      return 4;
    case 'up':
      return s.endpoint === 'down' || s.endpoint === 'severe' ? 2 : null;
  }
}

/**
 * The order of the problem list: the worst first; within a rank the longest-standing first (so a new
 * problem goes to the end of its group and the list does not jump under the reader's eye), then code.
 */
export function problemOrder(a: ProblemPoint, b: ProblemPoint): number {
  const ra = problemRank(a) ?? 9;
  const rb = problemRank(b) ?? 9;
  if (ra !== rb) return ra - rb;
  const sa = a.since === null ? Infinity : Date.parse(a.since);
  const sb = b.since === null ? Infinity : Date.parse(b.since);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/**
 * [NV1] The regions of a meeting: the children of the deepest unit that every participating point
 * lies under (so a national meeting is seen by province, a province's by district), or the roots when
 * there is none. Points attached to that common unit itself form one more region (`own`), first.
 * Returns the regions in inventory order and each point's region id.
 */
export function meetingRegions(
  units: readonly Unit[],
  points: readonly Pick<Point, 'code' | 'unit'>[],
): { regions: RegionInfo[]; regionOf: Map<string, string> } {
  const byId = new Map(units.map((u) => [u.id, u]));
  const chainOf = (unit: string): string[] => {
    const chain: string[] = [];
    // The inventory forbids cycles; the bound keeps bad data from hanging the walk.
    for (let id: string | null = unit; id !== null && chain.length < 64;) {
      const u = byId.get(id);
      if (!u || chain.includes(id)) break;
      chain.push(id);
      id = u.parent;
    }
    return chain.toReversed();
  };
  const chains = points.map((p) => chainOf(p.unit));
  // The common prefix of every chain.
  let common: string[] = chains[0] ? [...chains[0]] : [];
  for (const c of chains) {
    let i = 0;
    while (i < common.length && i < c.length && common[i] === c[i]) i++;
    common = common.slice(0, i);
    if (common.length === 0) break;
  }
  const depth = common.length;
  const regionOf = new Map<string, string>();
  const used = new Set<string>();
  let own = false;
  points.forEach((p, i) => {
    const c = chains[i]!;
    if (c.length > depth) {
      regionOf.set(p.code, c[depth]!);
      used.add(c[depth]!);
    } else if (depth > 0) {
      regionOf.set(p.code, common[depth - 1]!);
      own = true;
    } else {
      // A point whose unit is missing from the inventory: a region of its own unit id.
      regionOf.set(p.code, p.unit);
      used.add(p.unit);
    }
  });
  const regions: RegionInfo[] = [];
  if (own) {
    const u = byId.get(common[depth - 1]!)!;
    regions.push({ id: u.id, name: u.name, level: u.level, own: true });
  }
  for (const u of units) if (used.has(u.id)) regions.push({ id: u.id, name: u.name, level: u.level, own: false });
  for (const id of used) {
    if (!byId.has(id)) regions.push({ id, name: id, level: 'commune', own: false });
  }
  return { regions, regionOf };
}

/** An overview as the dashboard keeps it: applyOverviewDelta() on a copy of the snapshot. */
export interface OverviewModel {
  seq: number;
  regions: RegionView[];
  problems: ProblemPoint[];
  problemTotal: number;
  phase: MeetingView['phase'];
}

/** Applies a delta (the caller checks seq = model.seq + 1); returns a new model, the old one untouched. */
export function applyOverviewDelta(model: OverviewModel, d: OverviewDelta): OverviewModel {
  const changed = new Map(d.regions.map((r) => [r.id, r]));
  const regions =
    changed.size === 0
      ? model.regions
      : model.regions.map((r) => {
          const c = changed.get(r.id);
          return c ? { ...r, counts: c.counts, endpointDown: c.endpointDown } : r;
        });
  let problems = model.problems;
  if (d.problems.length > 0 || d.removed.length > 0) {
    const drop = new Set(d.removed);
    for (const p of d.problems) drop.add(p.code);
    problems = model.problems.filter((p) => !drop.has(p.code)).concat(d.problems);
    problems.sort(problemOrder);
  }
  return { seq: d.seq, regions, problems, problemTotal: d.problemTotal, phase: d.phase ?? model.phase };
}
