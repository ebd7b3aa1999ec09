// Small pure helpers of the report view: which phase to show first, a note applied to the report, the
// unit bars, the points in trouble first.
import type { MeetingReport, OutageNote, ReportPhase, ReportPoint, ReportUnit } from '../../../shared/report';

/** The session once it has started, else the line test. */
export function defaultPhase(r: MeetingReport): ReportPhase {
  return r.phases.live.status !== 'notStarted' ? 'live' : 'lineTest';
}

/** The report with one outage's note replaced (a live update or a save). */
export function withNote(r: MeetingReport, note: OutageNote): MeetingReport {
  if (!r.outages.some((o) => o.id === note.outageId)) return r;
  return { ...r, outages: r.outages.map((o) => (o.id === note.outageId ? { ...o, note } : o)) };
}

export interface UnitBar {
  id: string;
  name: string;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
}

/**
 * A unit row's name as the dashboard shows it: an own-points row (its server name is Vietnamese, for
 * the exports) in the dashboard's language.
 */
export function unitRowName(
  u: ReportUnit,
  units: readonly ReportUnit[],
  own: (unitName: string) => string = (n) => n,
): string {
  if (u.ownOf === undefined) return u.name;
  return own(units.find((x) => x.id === u.ownOf)?.name ?? u.ownOf);
}

/**
 * The first level of the report's tree with two or more units (districts, or communes), with the
 * province's own points as a row of that level: the bars cover every point of the summary.
 */
export function unitBars(
  units: readonly ReportUnit[],
  phase: ReportPhase,
  max = 40,
  own?: (unitName: string) => string,
): UnitBar[] {
  const counts = new Map<number, number>();
  for (const u of units) counts.set(u.depth, (counts.get(u.depth) ?? 0) + 1);
  const depth = [...counts.keys()].sort((a, b) => a - b).find((d) => counts.get(d)! >= 2) ?? 0;
  const list = units.filter((u) => u.depth === depth && u[phase] !== null);
  const shown = list.length > max ? [...list].sort((a, b) => a[phase]!.upPct - b[phase]!.upPct).slice(0, max) : list;
  return shown.map((u) => ({
    id: u.id,
    name: unitRowName(u, units, own),
    up: u[phase]!.upPct,
    degraded: u[phase]!.degradedPct,
    down: u[phase]!.downPct,
    unknown: u[phase]!.unknownPct,
  }));
}

/** Points by time up, lowest first; points without figures last. */
export function troubleFirst(points: readonly ReportPoint[], phase: ReportPhase): ReportPoint[] {
  return [...points].sort(
    (a, b) => (a[phase]?.upPct ?? Infinity) - (b[phase]?.upPct ?? Infinity) || (a.code < b.code ? -1 : 1),
  );
}
