// Referential rules a schema cannot express: every reference resolves, codes and hosts are unique,
// the unit tree has one root per province and no cycles. Run on the whole candidate inventory before
// anything is saved, so a change is either entirely valid or not applied at all.
import type { Level, Meeting, Point, Unit } from '../../shared/schemas';
import { targetId, targetWords } from '../../shared/targets';
import { words, type Words } from '../../shared/words';
import { formatPath } from '../errors';

export interface RefIssue {
  path: string;
  /** Vietnamese; `en` the English. */
  message: string;
  en: string;
  /** Path into the inventory document, for locating the line in a file. */
  at?: PropertyKey[];
}

const LEVEL_WORDS: Record<Level, Words> = {
  province: words('tỉnh', 'province'),
  district: words('huyện', 'district'),
  commune: words('xã', 'commune'),
};

interface Candidate {
  units: readonly Unit[];
  points: readonly Point[];
  meetings: readonly Meeting[];
}

const LEVEL_RANK: Record<Level, number> = { province: 0, district: 1, commune: 2 };

export function inventoryIssues(inv: Candidate): RefIssue[] {
  const issues: RefIssue[] = [];
  const add = (at: PropertyKey[], w: Words): void => {
    issues.push({ path: formatPath(at), message: w.vi, en: w.en, at });
  };

  const units = new Map<string, Unit>();
  inv.units.forEach((u, i) => {
    if (units.has(u.id)) add(['units', i, 'id'], words(`mã đơn vị ${u.id} bị trùng`, `unit id ${u.id} is used twice`));
    units.set(u.id, u);
  });
  inv.units.forEach((u, i) => {
    if (u.parent === null) return;
    const parent = units.get(u.parent);
    if (!parent) return add(['units', i, 'parent'], words(`không có đơn vị ${u.parent}`, `no unit ${u.parent}`));
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[u.level]) {
      const [lv, pv] = [LEVEL_WORDS[u.level], LEVEL_WORDS[parent.level]];
      add(
        ['units', i, 'parent'],
        words(
          `cấp ${lv.vi} không thể trực thuộc cấp ${pv.vi} ${parent.id}`,
          `a ${lv.en} cannot sit under the ${pv.en} ${parent.id}`,
        ),
      );
    }
    // Walk up: a cycle would make grouping and participant resolution loop forever.
    const seen = new Set<string>([u.id]);
    for (let p: Unit | undefined = parent; p; p = p.parent ? units.get(p.parent) : undefined) {
      if (seen.has(p.id))
        return add(
          ['units', i, 'parent'],
          words(`đơn vị trực thuộc vòng tròn qua ${p.id}`, `a cycle through unit ${p.id}`),
        );
      seen.add(p.id);
    }
  });

  const points = new Map<string, Point>();
  // [TG1] A target is unique by its identity (kind + host + port + transport / URL): the same address
  // may carry an ICMP line and a SIP endpoint, but one target belongs to one point, once.
  const targets = new Map<string, string>();
  inv.points.forEach((p, i) => {
    if (points.has(p.code))
      add(['points', i, 'code'], words(`mã điểm cầu ${p.code} bị trùng`, `point code ${p.code} is used twice`));
    points.set(p.code, p);
    if (!units.has(p.unit)) add(['points', i, 'unit'], words(`không có đơn vị ${p.unit}`, `no unit ${p.unit}`));
    p.targets.forEach((t, j) => {
      const key = targetId(t);
      const owner = targets.get(key);
      const name = targetWords(t);
      const field = t.kind === 'http' ? 'url' : 'host';
      if (owner !== undefined && owner !== p.code) {
        const w = words(`${name.vi} đã thuộc điểm cầu ${owner}`, `${name.en} already belongs to point ${owner}`);
        add(['points', i, 'targets', j, field], w);
      } else if (owner === p.code) {
        add(['points', i, 'targets', j, field], words(`${name.vi} ghi hai lần`, `${name.en} is listed twice`));
      }
      targets.set(key, p.code);
    });
  });

  const meetingIds = new Set<string>();
  inv.meetings.forEach((m, i) => {
    if (meetingIds.has(m.id))
      add(['meetings', i, 'id'], words(`mã hội nghị ${m.id} bị trùng`, `meeting id ${m.id} is used twice`));
    meetingIds.add(m.id);
    if (m.host !== null && !points.has(m.host)) add(['meetings', i, 'host'], noPoint(m.host));
    m.participants.units.forEach((u, j) => {
      if (!units.has(u))
        add(['meetings', i, 'participants', 'units', j], words(`không có đơn vị ${u}`, `no unit ${u}`));
    });
    m.participants.points.forEach((c, j) => {
      if (!points.has(c)) add(['meetings', i, 'participants', 'points', j], noPoint(c));
    });
  });
  return issues;
}

const noPoint = (code: string): Words => words(`không có điểm cầu ${code}`, `no point ${code}`);
