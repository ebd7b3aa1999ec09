// Whom an incident reaches (docs/ALERTS.md AL20–AL23): each rule names a channel, whom it reaches
// through it (the channel's own target, the affected points' technicians, their district's
// technicians), filters (severity, meeting, unit) and, for an escalation level, how long the incident
// may stay unacknowledged before it is sent. The people come from the inventory's contacts at routing
// time: a contact edited in the inventory is reached at the new address by the next incident.
import type { AlertChannelKind, AlertRule } from '../../shared/alerts';
import type { Contact, Point, Unit } from '../../shared/schemas';
import type { Recipient } from '../store/alert-types';
import type { Incident } from './incident';

/** The inventory as routing reads it (server/inventory/inventory.ts is one). */
export interface Directory {
  point(code: string): Point | undefined;
  unit(id: string): Unit | undefined;
  listPoints(): Point[];
}

export interface RouteTarget {
  channel: string;
  recipient: Recipient | null;
  /** 0: at once; n: the n-th distinct escalation delay among the rules (shortest first). */
  level: number;
  /** Wait before it is due (0 at once). */
  afterMs: number;
}

/** The unit and its ancestors, nearest first (a cycle, which the inventory refuses, stops the walk). */
export function unitChain(dir: Directory, id: string): Unit[] {
  const out: Unit[] = [];
  const seen = new Set<string>();
  let u = dir.unit(id);
  while (u && !seen.has(u.id)) {
    out.push(u);
    seen.add(u.id);
    u = u.parent === null ? undefined : dir.unit(u.parent);
  }
  return out;
}

/** The district a unit belongs to: itself when it is one, else the nearest district above it. */
export function districtOf(dir: Directory, unitId: string): string | null {
  return unitChain(dir, unitId).find((u) => u.level === 'district')?.id ?? null;
}

/** The contact's address for a channel kind, if it has one. */
export function addressOf(c: Contact, kind: AlertChannelKind): string | undefined {
  if (kind === 'email') return c.email;
  if (kind === 'telegram') return c.telegram === undefined ? undefined : String(c.telegram);
  if (kind === 'zalo') return c.zalo;
  return undefined;
}

const technicians = (points: readonly Point[], kind: AlertChannelKind): Recipient[] =>
  points.flatMap((p) =>
    p.contacts
      .filter((c) => c.role === 'technician')
      .flatMap((c) => {
        const address = addressOf(c, kind);
        return address === undefined ? [] : [{ name: c.name, address }];
      }),
  );

/** [AL21] Whether a rule admits the incident: severity, meeting, and a point in one of its units (or below). */
export function ruleAdmits(rule: AlertRule, i: Incident, dir: Directory): boolean {
  if (rule.severities && !rule.severities.includes(i.severity)) return false;
  if (rule.meetings && (i.meeting === null || !rule.meetings.includes(i.meeting.id))) return false;
  if (rule.units) {
    const wanted = new Set(rule.units);
    const inside = i.points.some((p) => {
      const unit = dir.point(p.code)?.unit ?? p.unit.id;
      return unitChain(dir, unit).some((u) => wanted.has(u.id)) || wanted.has(unit);
    });
    if (!inside) return false;
  }
  return true;
}

/** [AL20] The people a rule reaches for an incident; null: the channel's own target. */
export function ruleRecipients(
  rule: AlertRule,
  kind: AlertChannelKind,
  i: Incident,
  dir: Directory,
): Recipient[] | null {
  const to = rule.to ?? 'channel';
  if (to === 'channel') return null;
  const codes = new Set(i.points.map((p) => p.code));
  if (to === 'point') {
    return technicians(
      [...codes].map((c) => dir.point(c)).filter((p) => p !== undefined),
      kind,
    );
  }
  const districts = new Set<string>();
  for (const p of i.points) {
    const d = districtOf(dir, dir.point(p.code)?.unit ?? p.unit.id);
    if (d !== null) districts.add(d);
  }
  return technicians(
    dir.listPoints().filter((p) => districts.has(p.unit)),
    kind,
  );
}

/**
 * The deliveries of an incident: one per channel and person (or the channel's target), at the
 * earliest level that reaches them. Escalation levels apply to `open` incidents only: a recovery or
 * a notice goes to the immediate rules' people.
 */
export function planRoute(
  rules: readonly AlertRule[],
  kinds: ReadonlyMap<string, AlertChannelKind>,
  i: Incident,
  dir: Directory,
): RouteTarget[] {
  const delays = [...new Set(rules.map((r) => r.escalateAfterMinutes ?? 0))].sort((a, b) => a - b);
  const best = new Map<string, RouteTarget>();
  for (const r of rules) {
    const kind = kinds.get(r.channel);
    if (kind === undefined) continue;
    const after = r.escalateAfterMinutes ?? 0;
    if (after > 0 && i.kind !== 'open') continue;
    if (!ruleAdmits(r, i, dir)) continue;
    const people = ruleRecipients(r, kind, i, dir);
    const level = delays.filter((d) => d > 0).indexOf(after) + 1;
    for (const recipient of people ?? [null]) {
      const key = `${r.channel}\u0000${recipient?.address ?? ''}`;
      const had = best.get(key);
      if (!had || had.afterMs > after * 60_000) {
        best.set(key, { channel: r.channel, recipient, level: after === 0 ? 0 : level, afterMs: after * 60_000 });
      }
    }
  }
  return [...best.values()];
}
