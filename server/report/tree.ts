// The report's units: those with participating points in their subtree, depth first (siblings by
// name, Vietnamese collation), and the points in that order, so that every unit's points are
// contiguous and its figures can be summed in one pass.
//
// A unit with points of its own (the province's own point, attached to the root unit) and child units
// gets one more row, first among its children: its own points. So the rows at any level add up to
// their parent, and the top level to the meeting's summary — without it the districts' outages add up
// to less than the summary says (docs/REPORT.md RP10, NU3).
import type { Point, Unit } from '../../shared/schemas';

/** The id of a unit's own-points row: `#` is not allowed in a unit code, so it never clashes. */
export const ownRowId = (unitId: string): string => `${unitId}#own`;

/** The Vietnamese name of a unit's own-points row (exports and the PDF; the dashboard has its i18n). */
export const ownRowName = (unitName: string): string => `Điểm cầu riêng của ${unitName}`;

export interface ReportTreeUnit {
  unit: Unit;
  depth: number;
  /** Set on an own-points row: the unit whose directly attached points it holds. */
  ownOf?: string;
}

export interface ReportTree {
  /** Included units, depth first, with their depth (0 for a root of the report). */
  units: ReportTreeUnit[];
  /** The participating points in unit order, then by code. */
  points: Point[];
  /** Each point's unit chain from its root to its own unit. */
  chains: Map<string, string[]>;
}

const collator = new Intl.Collator('vi', { numeric: true });

export function reportTree(points: readonly Point[], allUnits: readonly Unit[]): ReportTree {
  const byId = new Map(allUnits.map((u) => [u.id, u]));
  const chains = new Map<string, string[]>();
  const included = new Set<string>();
  for (const p of points) {
    const chain: string[] = [];
    // The inventory forbids cycles; the bound keeps bad data from hanging a report.
    for (let id: string | null = p.unit, depth = 0; id !== null && depth < 64; depth++) {
      const u = byId.get(id);
      if (!u || chain.includes(id)) break;
      chain.push(id);
      id = u.parent;
    }
    chain.reverse();
    chains.set(p.code, chain);
    for (const id of chain) included.add(id);
  }
  const children = new Map<string | null, Unit[]>();
  for (const id of included) {
    const u = byId.get(id)!;
    const parent = u.parent !== null && included.has(u.parent) ? u.parent : null;
    // Pushed, not copied: a copy per child was quadratic in a unit's children (40,000 communes, NV5).
    const list = children.get(parent);
    if (list) list.push(u);
    else children.set(parent, [u]);
  }
  const direct = new Map<string, Point[]>();
  for (const p of points) {
    if (!included.has(p.unit)) continue;
    const list = direct.get(p.unit);
    if (list) list.push(p);
    else direct.set(p.unit, [p]);
  }
  const units: ReportTree['units'] = [];
  const order = new Map<string, number>();
  const visit = (parent: string | null, depth: number): void => {
    const list = (children.get(parent) ?? []).sort(
      (a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1),
    );
    for (const u of list) {
      order.set(u.id, units.length);
      units.push({ unit: u, depth });
      if (direct.has(u.id) && (children.get(u.id)?.length ?? 0) > 0) {
        const id = ownRowId(u.id);
        // The unit's own points sort with this row, before its children's.
        order.set(u.id, units.length);
        units.push({
          unit: { id, name: ownRowName(u.name), level: u.level, parent: u.id },
          depth: depth + 1,
          ownOf: u.id,
        });
        for (const p of direct.get(u.id)!) chains.get(p.code)?.push(id);
      }
      visit(u.id, depth + 1);
    }
  };
  visit(null, 0);
  const sorted = [...points].sort(
    (a, b) =>
      (order.get(a.unit) ?? Infinity) - (order.get(b.unit) ?? Infinity) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  return { units, points: sorted, chains };
}
