// The report's units: those with participating points in their subtree, depth first (siblings by
// name, Vietnamese collation), and the points in that order, so that every unit's points are
// contiguous and its figures can be summed in one pass.
import type { Point, Unit } from '../../shared/schemas';

export interface ReportTree {
  /** Included units, depth first, with their depth (0 for a root of the report). */
  units: { unit: Unit; depth: number }[];
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
    children.set(parent, [...(children.get(parent) ?? []), u]);
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
