// Referential rules a schema cannot express: every reference resolves, codes and hosts are unique,
// the unit tree has one root per province and no cycles. Run on the whole candidate inventory before
// anything is saved, so a change is either entirely valid or not applied at all.
import type { Level, Meeting, Point, Unit } from '../../shared/schemas';
import { formatPath } from '../errors';

export interface RefIssue {
  path: string;
  message: string;
  /** Path into the inventory document, for locating the line in a file. */
  at?: PropertyKey[];
}

interface Candidate {
  units: readonly Unit[];
  points: readonly Point[];
  meetings: readonly Meeting[];
}

const LEVEL_RANK: Record<Level, number> = { province: 0, district: 1, commune: 2 };

export function inventoryIssues(inv: Candidate): RefIssue[] {
  const issues: RefIssue[] = [];
  const add = (at: PropertyKey[], message: string): void => {
    issues.push({ path: formatPath(at), message, at });
  };

  const units = new Map<string, Unit>();
  inv.units.forEach((u, i) => {
    if (units.has(u.id)) add(['units', i, 'id'], `duplicate unit id "${u.id}"`);
    units.set(u.id, u);
  });
  inv.units.forEach((u, i) => {
    if (u.parent === null) return;
    const parent = units.get(u.parent);
    if (!parent) return add(['units', i, 'parent'], `unknown unit "${u.parent}"`);
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[u.level]) {
      add(['units', i, 'parent'], `a ${u.level} cannot sit under the ${parent.level} "${parent.id}"`);
    }
    // Walk up: a cycle would make grouping and participant resolution loop forever.
    const seen = new Set<string>([u.id]);
    for (let p: Unit | undefined = parent; p; p = p.parent ? units.get(p.parent) : undefined) {
      if (seen.has(p.id)) return add(['units', i, 'parent'], `cycle through unit "${p.id}"`);
      seen.add(p.id);
    }
  });

  const points = new Map<string, Point>();
  const hosts = new Map<string, string>();
  inv.points.forEach((p, i) => {
    if (points.has(p.code)) add(['points', i, 'code'], `duplicate point code "${p.code}"`);
    points.set(p.code, p);
    if (!units.has(p.unit)) add(['points', i, 'unit'], `unknown unit "${p.unit}"`);
    p.targets.forEach((t, j) => {
      const key = t.host.toLowerCase();
      const owner = hosts.get(key);
      if (owner !== undefined && owner !== p.code) {
        add(['points', i, 'targets', j, 'host'], `host ${t.host} already belongs to point "${owner}"`);
      } else if (owner === p.code) {
        add(['points', i, 'targets', j, 'host'], `host ${t.host} is listed twice`);
      }
      hosts.set(key, p.code);
    });
  });

  const meetingIds = new Set<string>();
  inv.meetings.forEach((m, i) => {
    if (meetingIds.has(m.id)) add(['meetings', i, 'id'], `duplicate meeting id "${m.id}"`);
    meetingIds.add(m.id);
    if (m.host !== null && !points.has(m.host)) add(['meetings', i, 'host'], `unknown point "${m.host}"`);
    m.participants.units.forEach((u, j) => {
      if (!units.has(u)) add(['meetings', i, 'participants', 'units', j], `unknown unit "${u}"`);
    });
    m.participants.points.forEach((c, j) => {
      if (!points.has(c)) add(['meetings', i, 'participants', 'points', j], `unknown point "${c}"`);
    });
  });
  return issues;
}
