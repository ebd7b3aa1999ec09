// Units along the unit hierarchy (`parent` links): shared by the dashboards' snapshots
// (server/realtime/hub.ts) and a unit's report (server/report/service.ts).
import type { Point, Unit } from '../../shared/schemas';

/**
 * The units of `points` and their ancestors, in the order of `units`: what a view of those points needs
 * and no more. A province's inventory holds every commune; a meeting of one district (or a national
 * one's province view, or a province's report) must not carry all the others' names (a cycle in bad
 * data ends the walk).
 */
export function unitsOnPaths(units: readonly Unit[], points: readonly Pick<Point, 'unit'>[]): Unit[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  const keep = new Set<string>();
  for (const p of points) {
    let id: string | null = p.unit;
    while (id !== null && !keep.has(id)) {
      keep.add(id);
      id = byId.get(id)?.parent ?? null;
    }
  }
  return units.filter((u) => keep.has(u.id));
}
