// The outage log's filters: phase, unit (and its descendants), point, type, duration, cause and
// acknowledgement. Pure, so the view and the tests agree on what each filter keeps.
import type { Cause, ReportOutage, ReportPhase, ReportUnit } from '../../../shared/report';
import type { OutageType } from '../../../shared/schemas';
import { matchesTokens, pointSearchKey, queryTokens } from './fold';

export interface OutageFilter {
  phase: ReportPhase | null;
  unit: string | null;
  /** Free text over the point's name and code (diacritics optional). */
  point: string;
  type: OutageType | null;
  /** Minimum duration in minutes (within the chosen phase when one is chosen). */
  minMinutes: number;
  /** A cause, 'none' for outages with no cause yet, or null for any. */
  cause: Cause | 'none' | null;
  acknowledged: boolean | null;
}

export const NO_FILTER: OutageFilter = {
  phase: null,
  unit: null,
  point: '',
  type: null,
  minMinutes: 0,
  cause: null,
  acknowledged: null,
};

export const DURATION_STEPS = [1, 5, 15, 60] as const;

/** Each unit's id with its descendants', from the report's tree. */
export function subtreeIndex(units: readonly ReportUnit[]): Map<string, Set<string>> {
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parent !== null) children.set(u.parent, [...(children.get(u.parent) ?? []), u.id]);
  const out = new Map<string, Set<string>>();
  const collect = (id: string, into: Set<string>): void => {
    if (into.has(id)) return;
    into.add(id);
    for (const c of children.get(id) ?? []) collect(c, into);
  };
  for (const u of units) {
    // A unit's own-points row holds the points attached to that unit itself, none of its children's.
    if (u.ownOf !== undefined) {
      out.set(u.id, new Set([u.ownOf]));
      continue;
    }
    const s = new Set<string>();
    collect(u.id, s);
    out.set(u.id, s);
  }
  return out;
}

/** The outage's time within the phase, or all of it. */
export function durationIn(o: ReportOutage, phase: ReportPhase | null): number {
  return phase === 'lineTest' ? o.lineTestMs : phase === 'live' ? o.liveMs : o.durationMs;
}

export function filterOutages(
  outages: readonly ReportOutage[],
  f: OutageFilter,
  subtrees: ReadonlyMap<string, ReadonlySet<string>>,
): ReportOutage[] {
  const tokens = queryTokens(f.point);
  const units = f.unit === null ? null : (subtrees.get(f.unit) ?? new Set([f.unit]));
  return outages.filter((o) => {
    if (f.phase !== null && durationIn(o, f.phase) <= 0) return false;
    if (units && (o.unit === null || !units.has(o.unit))) return false;
    if (tokens.length > 0 && !matchesTokens(pointSearchKey({ code: o.point, name: o.pointName }), tokens)) return false;
    if (f.type !== null && o.type !== f.type) return false;
    if (f.minMinutes > 0 && durationIn(o, f.phase) < f.minMinutes * 60_000) return false;
    if (f.cause === 'none' && o.note?.cause != null) return false;
    if (f.cause !== null && f.cause !== 'none' && o.note?.cause !== f.cause) return false;
    if (f.acknowledged !== null && (o.note !== null) !== f.acknowledged) return false;
    return true;
  });
}

/** Newest first, as a log reads. */
export function newestFirst(outages: readonly ReportOutage[]): ReportOutage[] {
  return [...outages].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id);
}
