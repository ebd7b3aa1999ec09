// The live outage feed: outages upserted by id (a closed outage replaces its open record), newest first,
// bounded — but an outage still open is never dropped, however old.
import type { Outage } from '../../../shared/schemas';

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
