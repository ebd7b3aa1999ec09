// The live outage feed: outages upserted by id (a closed outage replaces its open record), newest first,
// bounded — but an outage still open is never dropped, however old.
import type { AlertGrouping } from '../../../shared/alerts';
import { groupOutages, type GroupableOutage, type LineGroups, type OutageGroup } from '../../../shared/outage-groups';
import type { Outage } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';

export const FEED_LIMIT = 300;

export function isOpen(o: Outage): boolean {
  return o.endedAt === null;
}

/** Newest start first; ties by id, newest first. */
export function compareNewestFirst(a: Outage, b: Outage): number {
  return Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id;
}

export function mergeOutages(current: readonly Outage[], incoming: readonly Outage[], limit = FEED_LIMIT): Outage[] {
  if (incoming.length === 0) return current as Outage[];
  const byId = new Map<number, Outage>();
  for (const o of current) byId.set(o.id, o);
  for (const o of incoming) {
    const prev = byId.get(o.id);
    // A late "open" record must not reopen an outage the feed already saw closed.
    if (prev && prev.endedAt !== null && o.endedAt === null) continue;
    byId.set(o.id, o);
  }
  // Parse each instant once: a regional cut can leave thousands of outages open.
  const sorted = [...byId.values()]
    .map((o) => ({ o, t: Date.parse(o.startedAt) }))
    .sort((a, b) => b.t - a.t || b.o.id - a.o.id)
    .map((x) => x.o);
  return sorted.filter((o, i) => i < limit || isOpen(o));
}

/** Open outages in `incoming` the feed did not know yet: the ones worth a sound. */
export function newlyOpened(current: readonly Outage[], incoming: readonly Outage[]): Outage[] {
  const known = new Set(current.map((o) => o.id));
  const seen = new Set<number>();
  return incoming.filter((o) => {
    if (!isOpen(o) || known.has(o.id) || seen.has(o.id)) return false;
    seen.add(o.id);
    return true;
  });
}

/** How long an outage has lasted: to its end, or to `now` while open. */
export function outageDurationMs(o: Outage, now: number): number {
  const end = o.endedAt === null ? now : Date.parse(o.endedAt);
  return Math.max(0, end - Date.parse(o.startedAt));
}

/** An outage of the feed as the grouping reads it. */
export interface FeedOutage extends GroupableOutage {
  outage: Outage;
}
export type FeedGroup = OutageGroup<FeedOutage>;

/**
 * [AL15] The feed grouped as the alerts group incidents: a district's line is one entry naming its
 * points, a bouncing line one "flapping" entry; newest first (by the latest outage's start), an open
 * entry before a closed one of the same start.
 */
export function feedGroups(
  outages: readonly Outage[],
  lines: LineGroups | null,
  grouping?: AlertGrouping,
): FeedGroup[] {
  const rows: FeedOutage[] = outages.map((o) => ({
    id: o.id,
    point: o.point,
    // [TG7] The endpoint's outages group among themselves, never with the line's.
    type: o.class === 'endpoint' ? 'endpoint' : o.type,
    start: Date.parse(o.startedAt),
    end: o.endedAt === null ? null : Date.parse(o.endedAt),
    outage: o,
  }));
  const groups = lines
    ? groupOutages(rows, lines, grouping)
    : rows.map((r): FeedGroup => ({
        kind: 'point',
        type: r.type,
        unit: null,
        points: [r.point],
        outages: [r],
        start: r.start,
        end: r.end,
        drops: 1,
      }));
  const latest = (g: FeedGroup): number => g.outages[g.outages.length - 1]!.start;
  return groups.sort((a, b) => latest(b) - latest(a) || b.outages[0]!.id - a.outages[0]!.id);
}

/** The entry as one outage record for its duration and state (from its start to its last end). */
export function groupAsOutage(g: FeedGroup): Outage {
  const first = g.outages[0]!.outage;
  return {
    ...first,
    startedAt: toWireInstant(g.start),
    endedAt: g.end === null ? null : toWireInstant(g.end),
  };
}

/** [TG7] An outage's words: the line's type, or "endpoint not answering". */
export function outageLabel(
  t: { outageType: Record<Outage['type'], string>; targets: { endpointDown: string } },
  o: Pick<Outage, 'type' | 'class'>,
): string {
  return o.class === 'endpoint' ? t.targets.endpointDown : t.outageType[o.type];
}
