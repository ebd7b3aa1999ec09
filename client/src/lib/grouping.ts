// Points grouped by unit for the grid. A commune-level point joins the group of its unit's parent (the
// district, or the province where there is no district level any more); every other point joins the
// group of its own unit. Groups follow the unit tree (pre-order, siblings in inventory order); tiles
// inside a group follow their codes.
import type { Level, Unit } from '../../../shared/schemas';
import type { WirePoint } from '../../../shared/wire';

export interface PointGroup {
  unitId: string;
  /** The unit's name, or its id when the inventory does not know it. */
  name: string;
  level: Level | null;
  /** Names of the unit's ancestors, root first. */
  ancestors: string[];
  codes: string[];
  /** Holds a point of the signed-in user's units (see mineFirst). */
  mine?: boolean;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Code order: numeric-aware, so HT-2 comes before HT-10. */
export function compareCodes(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function groupKeyOf(point: Pick<WirePoint, 'level' | 'unit'>, unitsById: ReadonlyMap<string, Unit>): string {
  if (point.level !== 'commune') return point.unit;
  return unitsById.get(point.unit)?.parent ?? point.unit;
}

/** Pre-order position of every unit in the tree; units caught in a cycle come last, in input order. */
export function unitOrder(units: readonly Unit[]): Map<string, number> {
  const known = new Set(units.map((u) => u.id));
  const children = new Map<string | null, Unit[]>();
  for (const u of units) {
    const parent = u.parent !== null && known.has(u.parent) ? u.parent : null;
    const list = children.get(parent) ?? [];
    list.push(u);
    children.set(parent, list);
  }
  const order = new Map<string, number>();
  const stack = (children.get(null) ?? []).toReversed();
  while (stack.length > 0) {
    const u = stack.pop()!;
    if (order.has(u.id)) continue;
    order.set(u.id, order.size);
    const kids = children.get(u.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  for (const u of units) if (!order.has(u.id)) order.set(u.id, order.size);
  return order;
}

export function ancestorsOf(unitId: string, unitsById: ReadonlyMap<string, Unit>): Unit[] {
  const path: Unit[] = [];
  const seen = new Set<string>([unitId]);
  let parent = unitsById.get(unitId)?.parent ?? null;
  while (parent !== null && !seen.has(parent)) {
    const u = unitsById.get(parent);
    if (!u) break;
    path.unshift(u);
    seen.add(parent);
    parent = u.parent;
  }
  return path;
}

export function buildGroups(points: readonly WirePoint[], units: readonly Unit[]): PointGroup[] {
  const unitsById = new Map(units.map((u) => [u.id, u]));
  const byKey = new Map<string, string[]>();
  for (const p of points) {
    const key = groupKeyOf(p, unitsById);
    const codes = byKey.get(key) ?? [];
    codes.push(p.code);
    byKey.set(key, codes);
  }
  const order = unitOrder(units);
  const rank = (id: string): number => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  return [...byKey.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || compareCodes(a, b))
    .map(([unitId, codes]) => {
      const unit = unitsById.get(unitId);
      return {
        unitId,
        name: unit?.name ?? unitId,
        level: unit?.level ?? null,
        ancestors: ancestorsOf(unitId, unitsById).map((u) => u.name),
        codes: codes.sort(compareCodes),
      };
    });
}

/** Groups restricted to the codes kept; empty groups are dropped. Unfiltered groups keep their identity. */
export function filterGroups(groups: readonly PointGroup[], keep: (code: string) => boolean): PointGroup[] {
  const out: PointGroup[] = [];
  for (const g of groups) {
    const codes = g.codes.filter(keep);
    if (codes.length === g.codes.length) out.push(g);
    else if (codes.length > 0) out.push({ ...g, codes });
  }
  return out;
}

/**
 * [PH4] The groups holding a point of the signed-in user's units first (flagged `mine`), the others
 * after, each part in its own order; when none or all are theirs, the groups as they are.
 */
export function mineFirst(groups: readonly PointGroup[], isMine: (code: string) => boolean): readonly PointGroup[] {
  const mine = groups.filter((g) => g.codes.some(isMine));
  if (mine.length === 0 || mine.length === groups.length) return groups;
  const own = new Set(mine);
  return [...mine.map((g) => ({ ...g, mine: true })), ...groups.filter((g) => !own.has(g))];
}
