// The report's outages grouped by problem (docs/SPEC.md AL15), from the report's own units and points,
// so a stored snapshot is grouped the same way as a live report: a district's line is one row naming
// its points, a bouncing line one "flapping" row instead of dozens.
import type { AlertGrouping } from '../../shared/alerts';
import { groupOutages, LineGroups, type GroupableOutage } from '../../shared/outage-groups';
import type { MeetingReport, ReportOutage, ReportOutageGroup } from '../../shared/report';
import type { OutageType } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import { ENDPOINT_OUTAGE_WORDS, TYPE_WORDS } from './labels';

interface Row extends GroupableOutage {
  o: ReportOutage;
}

export function reportOutageGroups(r: MeetingReport, grouping?: AlertGrouping): ReportOutageGroup[] {
  // A unit's "own points" row (`ownOf`) is not a unit of the tree.
  const units = r.units.filter((u) => u.ownOf === undefined);
  const lines = new LineGroups(units, r.points);
  const names = new Map(r.points.map((p) => [p.code, p.name]));
  for (const o of r.outages) if (!names.has(o.point)) names.set(o.point, o.pointName);
  const generated = Date.parse(r.generatedAt);
  const rows: Row[] = r.outages.map((o) => ({
    id: o.id,
    point: o.point,
    // [TG7] An endpoint not answering is a lane of its own: never merged with the line's outages.
    type: o.class === 'endpoint' ? 'endpoint' : o.type,
    start: Date.parse(o.startedAt),
    end: o.endedAt === null ? null : Date.parse(o.endedAt),
    o,
  }));
  return groupOutages(rows, lines, grouping).map((g) => ({
    kind: g.kind,
    type: g.type as OutageType | 'endpoint',
    unit: g.kind === 'point' ? null : g.unit,
    points: g.points.map((code) => ({ code, name: names.get(code) ?? code })),
    outages: g.outages.map((x) => x.id),
    start: toWireInstant(g.start),
    end: g.end === null ? null : toWireInstant(g.end),
    drops: g.drops,
    durationMs: Math.max(0, (g.end ?? generated) - g.start),
    open: g.end === null,
  }));
}

/** [AL15] What a problem of the outage list is, in the report's words. */
export function groupKindWords(g: ReportOutageGroup): string {
  if (g.kind === 'flapping') return `Chập chờn liên tục (${g.drops} lần)`;
  const what = g.type === 'endpoint' ? ENDPOINT_OUTAGE_WORDS : TYPE_WORDS[g.type];
  if (g.kind === 'unit') return `${what} cả đơn vị`;
  return g.drops > 1 ? `${what} (${g.drops} lần)` : what;
}

/** [AL15] Who a problem hit: the unit and its points, or the point. */
export function groupWhoWords(g: ReportOutageGroup): string {
  const names = g.points.map((p) => p.name).join(', ');
  return g.unit && g.kind !== 'point' && g.points.length > 1
    ? `${g.unit.name} (${g.points.length} điểm cầu): ${names}`
    : names;
}
