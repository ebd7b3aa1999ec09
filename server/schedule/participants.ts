// Which points take part in a meeting. The unit hierarchy is data (province → district → commune, or
// province → commune since July 2025), so "a unit and its descendants" follows `parent` links.
import type { Meeting, Point, Unit } from '../../shared/schemas';

/** Children of each unit id, built once per inventory. */
export function childrenIndex(units: readonly Unit[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (u.parent === null) continue;
    const list = children.get(u.parent);
    if (list) list.push(u.id);
    else children.set(u.parent, [u.id]);
  }
  return children;
}

/** The units and all their descendants (cycles in bad data are tolerated). */
export function withDescendants(roots: readonly string[], children: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const c of children.get(id) ?? []) stack.push(c);
  }
  return seen;
}

/**
 * The codes of the points taking part in a meeting, in inventory order: points of the listed levels
 * within the listed units and their descendants (an empty list means any, but both empty select
 * nothing by this rule), plus the listed points, plus the host point. Unknown codes are ignored.
 */
export function resolveParticipants(
  meeting: Pick<Meeting, 'participants' | 'host'>,
  points: readonly Point[],
  units: readonly Unit[],
  children: ReadonlyMap<string, string[]> = childrenIndex(units),
): string[] {
  const { levels, units: unitIds, points: explicit } = meeting.participants;
  const bySelection = levels.length > 0 || unitIds.length > 0;
  const levelSet = new Set(levels);
  const unitSet = unitIds.length > 0 ? withDescendants(unitIds, children) : null;
  const named = new Set(explicit);
  if (meeting.host !== null) named.add(meeting.host);
  const out: string[] = [];
  for (const p of points) {
    const selected =
      bySelection && (levelSet.size === 0 || levelSet.has(p.level)) && (unitSet === null || unitSet.has(p.unit));
    if (selected || named.has(p.code)) out.push(p.code);
  }
  return out;
}

/** Point code → ids of the meetings it takes part in (the outage recorder's `meetingsOf`). */
export function participationIndex(
  meetings: readonly Meeting[],
  points: readonly Point[],
  units: readonly Unit[],
): Map<string, string[]> {
  const children = childrenIndex(units);
  const index = new Map<string, string[]>();
  for (const m of meetings) {
    for (const code of resolveParticipants(m, points, units, children)) {
      const list = index.get(code);
      if (list) list.push(m.id);
      else index.set(code, [m.id]);
    }
  }
  return index;
}
