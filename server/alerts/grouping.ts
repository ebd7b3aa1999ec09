// Which points belong together when a line fails (docs/SPEC.md AL10–AL13): a point's "line group" is
// its nearest unit of district level (its own unit when it has none above it, e.g. the province's
// point), and the group's hub is the point that stands for that unit itself (the district's own
// point, whose unit is the group's unit). Used by the live incident engine (server/alerts/engine.ts).
import type { AlertGrouping } from '../../shared/alerts';
import type { Point, Unit } from '../../shared/schemas';

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

  constructor(units: readonly Unit[], points: readonly Point[]) {
    const unitById = new Map(units.map((u) => [u.id, u]));
    const groupUnit = (id: string): Unit | undefined => {
      let u = unitById.get(id);
      const start = u;
      for (let guard = 0; u && guard < 64; guard++) {
        if (u.level === 'district') return u;
        u = u.parent === null ? undefined : unitById.get(u.parent);
      }
      return start;
    };
    const groups = new Map<string, { unit: Unit; hub: string | null; members: Set<string> }>();
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
