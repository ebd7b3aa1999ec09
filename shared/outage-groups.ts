// Which points belong together when a line fails (docs/SPEC.md AL10–AL15): a point's "line group" is
// its nearest unit of district level (its own unit when it has none above it, e.g. the province's
// point), and the group's hub is the point that stands for that unit itself (the district's own
// point, whose unit is the group's unit). Used by the live incident engine (server/alerts/engine.ts)
// and, through groupOutages, by the dashboard's outage feed and the report's outage lists, so people
// read the same problems everywhere.
import type { AlertGrouping } from './alerts';
import type { Level } from './schemas';

/** What the grouping needs of a unit and of a point. */
export interface GroupUnit {
  id: string;
  name: string;
  level: Level;
  parent: string | null;
}
export interface GroupPoint {
  code: string;
  unit: string;
}

export const DEFAULT_GROUPING: Required<AlertGrouping> = {
  holdMs: 5_000,
  unitShare: 0.5,
  settleMs: 10_000,
  flapCount: 3,
  flapWindowMs: 10 * 60_000,
  flapQuietMs: 5 * 60_000,
};

export function groupingConfig(g: AlertGrouping | undefined): Required<AlertGrouping> {
  return { ...DEFAULT_GROUPING, ...g };
}

export interface LineGroup {
  unit: { id: string; name: string };
  /** The point standing for the group's unit itself, if any. */
  hub: string | null;
  /** Every point of the group (the unit's subtree). */
  members: ReadonlySet<string>;
}

/** Groups of the inventory's points, built once per inventory version. */
export class LineGroups {
  private readonly byPoint = new Map<string, LineGroup>();

  constructor(units: readonly GroupUnit[], points: readonly GroupPoint[]) {
    const unitById = new Map(units.map((u) => [u.id, u]));
    const groupUnit = (id: string): GroupUnit | undefined => {
      let u = unitById.get(id);
      const start = u;
      for (let guard = 0; u && guard < 64; guard++) {
        if (u.level === 'district') return u;
        u = u.parent === null ? undefined : unitById.get(u.parent);
      }
      return start;
    };
    const groups = new Map<string, { unit: GroupUnit; hub: string | null; members: Set<string> }>();
    for (const p of points) {
      const u = groupUnit(p.unit);
      if (!u) continue;
      let g = groups.get(u.id);
      if (!g) groups.set(u.id, (g = { unit: u, hub: null, members: new Set() }));
      g.members.add(p.code);
      if (p.unit === u.id && g.hub === null) g.hub = p.code;
    }
    for (const g of groups.values()) {
      const group: LineGroup = { unit: { id: g.unit.id, name: g.unit.name }, hub: g.hub, members: g.members };
      for (const code of g.members) this.byPoint.set(code, group);
    }
  }

  of(code: string): LineGroup | undefined {
    return this.byPoint.get(code);
  }
}

/**
 * [AL10] Points of one group that went down together are the group's line: its hub is among them,
 * or more than `unitShare` of its points are (and at least two).
 */
export function isGroupFailure(group: LineGroup, down: ReadonlySet<string>, unitShare: number): boolean {
  if (down.size < 2) return false;
  if (group.hub !== null && down.has(group.hub)) return true;
  return down.size > unitShare * group.members.size;
}

/** An outage as the grouping reads it (instants in ms). */
export interface GroupableOutage {
  id: number;
  point: string;
  type: string;
  start: number;
  end: number | null;
}

export type OutageGroupKind = 'point' | 'unit' | 'flapping';

/** One problem of the outage log: what one incident was (or would have been) about. */
export interface OutageGroup<T extends GroupableOutage> {
  kind: OutageGroupKind;
  type: string;
  /** The unit whose line failed (`unit`, and a unit's line that turned `flapping`); null otherwise. */
  unit: { id: string; name: string } | null;
  /** Its points, in the order they went down. */
  points: string[];
  /** Its outage records, oldest first. */
  outages: T[];
  start: number;
  /** The last end; null while any of its outages is open. */
  end: number | null;
  /** Times the line was lost (1 for a plain outage). */
  drops: number;
}

interface Building<T extends GroupableOutage> extends OutageGroup<T> {
  /** Points whose latest outage is still open (or whose end is not yet known). */
  openCount: number;
  /** When every outage of it had ended (the latest end), for the settle and quiet times. */
  clearedAt: number | null;
  lastStart: Map<string, number>;
}

/**
 * [AL15] The outage log grouped as the incident engine groups live events (AL10–AL13), from the
 * records alone: openings of one line group within `holdMs` that make a group failure are one `unit`
 * problem (with later outages of that group while it is down); the other outages of a point that
 * start again within `settleMs` of its end continue its problem, and the `flapCount`-th loss within
 * `flapWindowMs` makes it `flapping` (continued while the line comes back for less than `flapQuietMs`).
 * Records of one point starting at the same instant (one per meeting) are one loss.
 */
export function groupOutages<T extends GroupableOutage>(
  outages: readonly T[],
  groups: LineGroups,
  grouping?: AlertGrouping,
): OutageGroup<T>[] {
  const cfg = groupingConfig(grouping);
  const sorted = [...outages].sort((a, b) => a.start - b.start || a.id - b.id);
  const out: Building<T>[] = [];
  const make = (kind: OutageGroupKind, o: T, unit: OutageGroup<T>['unit']): Building<T> => {
    const g: Building<T> = {
      kind,
      type: o.type,
      unit,
      points: [],
      outages: [],
      start: o.start,
      end: null,
      drops: 1,
      openCount: 0,
      clearedAt: null,
      lastStart: new Map(),
    };
    out.push(g);
    return g;
  };
  const add = (g: Building<T>, o: T): void => {
    if (!g.lastStart.has(o.point)) g.points.push(o.point);
    g.lastStart.set(o.point, o.start);
    g.outages.push(o);
    g.start = Math.min(g.start, o.start);
    if (o.end === null) g.openCount++;
    else g.clearedAt = Math.max(g.clearedAt ?? 0, o.end);
  };
  const cleared = (g: Building<T>, at: number): boolean =>
    g.openCount === 0 && g.clearedAt !== null && g.clearedAt <= at;

  // 1. A unit's line: openings of one group gathered within holdMs.
  const used = new Set<T>();
  const pendingOf = new Map<string, { first: number; rows: T[] }>();
  const unitOf = new Map<string, Building<T>>();
  const decide = (key: string, p: { first: number; rows: T[] }): void => {
    pendingOf.delete(key);
    const group = groups.of(p.rows[0]!.point);
    const codes = new Set(p.rows.map((r) => r.point));
    if (!group || !isGroupFailure(group, codes, cfg.unitShare)) return;
    const g = make('unit', p.rows[0]!, group.unit);
    for (const r of p.rows) {
      add(g, r);
      used.add(r);
    }
    unitOf.set(key, g);
  };
  for (const o of sorted) {
    const group = groups.of(o.point);
    if (!group) continue;
    const key = `${o.type}:${group.unit.id}`;
    for (const [k, p] of pendingOf) if (o.start - p.first > cfg.holdMs) decide(k, p);
    const u = unitOf.get(key);
    if (u) {
      const wait = u.kind === 'flapping' ? cfg.flapQuietMs : cfg.settleMs;
      if (!cleared(u, o.start) || o.start - u.clearedAt! < wait) {
        // Down with its unit's line, or the line lost again before it settled (a bounce of the unit).
        if (cleared(u, o.start)) {
          u.drops++;
          if (u.drops >= cfg.flapCount) u.kind = 'flapping';
        }
        add(u, o);
        used.add(o);
        continue;
      }
      unitOf.delete(key);
    }
    const p = pendingOf.get(key);
    if (p) p.rows.push(o);
    else pendingOf.set(key, { first: o.start, rows: [o] });
  }
  for (const [k, p] of pendingOf) decide(k, p);

  // 2. The rest, point by point: bounces continue a problem, the flapCount-th loss makes it flapping.
  const current = new Map<string, Building<T>>();
  const drops = new Map<string, number[]>();
  for (const o of sorted) {
    if (used.has(o)) continue;
    const key = `${o.type}:${o.point}`;
    const g = current.get(key);
    if (g && g.lastStart.get(o.point) === o.start) {
      add(g, o); // the same loss, recorded for another meeting
      continue;
    }
    const list = (drops.get(key) ?? []).filter((t) => o.start - t < cfg.flapWindowMs);
    list.push(o.start);
    drops.set(key, list);
    const wait = g?.kind === 'flapping' ? cfg.flapQuietMs : cfg.settleMs;
    if (g && (!cleared(g, o.start) || o.start - g.clearedAt! < wait)) {
      add(g, o);
      g.drops = Math.max(g.drops + 1, list.length);
      if (g.kind === 'point' && list.length >= cfg.flapCount) g.kind = 'flapping';
      continue;
    }
    const n = make(list.length >= cfg.flapCount ? 'flapping' : 'point', o, null);
    n.drops = n.kind === 'flapping' ? list.length : 1;
    add(n, o);
    current.set(key, n);
  }

  return out
    .map(({ openCount, clearedAt, lastStart: _l, ...g }) => ({ ...g, end: openCount > 0 ? null : clearedAt }))
    .sort((a, b) => a.start - b.start || a.outages[0]!.id - b.outages[0]!.id);
}
