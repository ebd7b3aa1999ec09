// [NV5] A unit's own report (`?unit=`), cut from the whole meeting's: the unit's row is its summary, its
// subtree's rows its units, its points and their outages, planned work and checklist rows. So a
// province's report shows the very numbers of its row in the national one, and when the meeting's
// snapshot exists (RP13) it is cut from the snapshot: it never changes and outlives the purged rollups.
// Only the "points up" timeline cannot be cut from figures: a region's is in the whole report
// (`regions[].timeline`); for a unit below the regions' level (or an old snapshot) it is computed
// afresh from the store for the unit's points, as of the whole report's time.
import type { MeetingReport, ReportTable } from '../../shared/report';
import type { Unit } from '../../shared/schemas';
import { applyCurrent, type CurrentParts } from './current';
import { planRegions, regionsOf } from './regions';

export function scopeReport(r: MeetingReport, unit: Unit, units: readonly Unit[]): MeetingReport {
  const i = r.units.findIndex((u) => u.id === unit.id && u.ownOf === undefined);
  const root = r.units[i];
  const rows: MeetingReport['units'] = [];
  if (root) {
    for (let j = i; j < r.units.length && (j === i || r.units[j]!.depth > root.depth); j++) {
      const u = r.units[j]!;
      rows.push({ ...u, depth: u.depth - root.depth });
    }
  }
  const inside = new Set(rows.filter((u) => u.ownOf === undefined).map((u) => u.id));
  const points = r.points.filter((p) => inside.has(p.unit));
  const codes = new Set(points.map((p) => p.code));
  const whole = points.length === r.points.length;
  const region = r.regions?.find((g) => g.id === unit.id && !g.own);
  const plan = planRegions(units, points);
  return {
    ...r,
    scope: { unit: unit.id, name: unit.name, level: unit.level },
    summary: { lineTest: root?.lineTest ?? null, live: root?.live ?? null },
    units: rows,
    points,
    outages: r.outages.filter((o) => o.unit !== null && inside.has(o.unit)),
    ...(r.planned ? { planned: r.planned.filter((p) => codes.has(p.point)) } : {}),
    outageGroups: undefined,
    // Filled by `fillTimeline` when neither the whole's nor a region's fits.
    timeline: whole ? r.timeline : (region?.timeline ?? { lineTest: null, live: null }),
    regions: regionsOf(plan, rows),
  };
}

/** Whether a scoped report's timeline still has to be computed (see the file's head). */
export function needsTimeline(whole: MeetingReport, scoped: MeetingReport): boolean {
  if (scoped.points.length === whole.points.length) return false;
  return !whole.regions?.some((g) => g.id === scoped.scope?.unit && !g.own && g.timeline);
}

/** The checklist's and the roll call's rows of the given points (their "Mã điểm cầu" column). */
export function limitTable(t: ReportTable | null, codes: ReadonlySet<string>): ReportTable | null {
  if (!t) return null;
  const col = t.columns.indexOf('Mã điểm cầu');
  return col < 0 ? t : { ...t, rows: t.rows.filter((row) => codes.has(row[col] ?? '')) };
}

export interface ScopeRequest {
  unit: Unit;
  units: readonly Unit[];
  /** The timeline of the unit's points computed from the store as of `now` (the whole report's time). */
  timeline(now: number): Promise<MeetingReport['timeline']>;
}

/** The report as a reader sees it: the figures (whole, or cut to a unit) with the fresh parts joined. */
export async function viewReport(
  base: MeetingReport,
  current: CurrentParts,
  scope?: ScopeRequest,
): Promise<MeetingReport> {
  if (!scope) return applyCurrent(base, current);
  const scoped = scopeReport(base, scope.unit, scope.units);
  if (needsTimeline(base, scoped)) scoped.timeline = await scope.timeline(Date.parse(base.generatedAt));
  const codes = new Set(scoped.points.map((p) => p.code));
  return applyCurrent(scoped, {
    ...current,
    checklist: limitTable(current.checklist, codes),
    rollCall: limitTable(current.rollCall, codes),
  });
}
