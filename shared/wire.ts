// The meeting snapshot on the wire, in columns. A national meeting's snapshot holds 10,000+ points:
// as an array of objects it repeats every key 10,000 times (~4 MB of JSON); as columns it is about
// half that, and it compresses to under 300 kB (the server deflates only messages this large). The
// codec is exact: decodeSnapshot(encodeSnapshot(s)) deep-equals s.
import type { MeetingSnapshot, MeetingView, ServerHealth } from './protocol';
import type { Contact, Level, Outage, Point, PointState, PointStatus, Target, Unit } from './schemas';
import { toWireInstant } from './time';

type Opt<T> = T | null;

export interface UnitColumns {
  id: string[];
  name: string[];
  level: Level[];
  parent: Opt<string>[];
}

/** One target as [kind, host, role]. */
type TargetRow = [Target['kind'], string, Target['role']];
/** One contact as [name, role, phone, organization]; absent optional fields are null. */
type ContactRow = [string, Contact['role'], Opt<string>, Opt<string>];

export interface PointColumns {
  code: string[];
  name: string[];
  level: Level[];
  unit: string[];
  /** Absent optional fields are null; a column that is null throughout is left out. */
  room?: Opt<string>[];
  address?: Opt<string>[];
  targets: TargetRow[][];
  contacts: ContactRow[][];
}

/** Statuses aligned with the points (same index); `state` null: no status for that point. */
export interface StatusColumns {
  state: Opt<PointState>[];
  rtt: Opt<number>[];
  loss: Opt<number>[];
  jitter: Opt<number>[];
  /** ms since epoch (the wire instant is rebuilt in +07:00, exactly as the server wrote it). */
  since: Opt<number>[];
  backup: Opt<PointState>[];
}

export interface MeetingSnapshotWire {
  meeting: MeetingView;
  seq: number;
  serverTime: number;
  units: UnitColumns;
  points: PointColumns;
  statuses: StatusColumns;
  outages: Outage[];
  health?: ServerHealth;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function optional(values: Opt<string>[]): Opt<string>[] | undefined {
  return values.some((v) => v !== null) ? values : undefined;
}

export function encodeSnapshot(s: MeetingSnapshot): MeetingSnapshotWire {
  const byCode = new Map<string, PointStatus>(s.statuses.map((x) => [x.code, x]));
  const st = s.points.map((p) => byCode.get(p.code));
  const out: MeetingSnapshotWire = {
    meeting: s.meeting,
    seq: s.seq,
    serverTime: s.serverTime,
    units: {
      id: s.units.map((u) => u.id),
      name: s.units.map((u) => u.name),
      level: s.units.map((u) => u.level),
      parent: s.units.map((u) => u.parent),
    },
    points: {
      code: s.points.map((p) => p.code),
      name: s.points.map((p) => p.name),
      level: s.points.map((p) => p.level),
      unit: s.points.map((p) => p.unit),
      room: optional(s.points.map((p) => orNull(p.room))),
      address: optional(s.points.map((p) => orNull(p.address))),
      targets: s.points.map((p) => p.targets.map((t): TargetRow => [t.kind, t.host, t.role])),
      contacts: s.points.map((p) =>
        p.contacts.map((c): ContactRow => [c.name, c.role, orNull(c.phone), orNull(c.organization)]),
      ),
    },
    statuses: {
      state: st.map((x) => x?.state ?? null),
      rtt: st.map((x) => x?.rtt ?? null),
      loss: st.map((x) => x?.loss ?? null),
      jitter: st.map((x) => x?.jitter ?? null),
      since: st.map((x) => (x?.since ? Date.parse(x.since) : null)),
      backup: st.map((x) => x?.backup ?? null),
    },
    outages: s.outages,
  };
  if (out.points.room === undefined) delete out.points.room;
  if (out.points.address === undefined) delete out.points.address;
  if (s.health !== undefined) out.health = s.health;
  return out;
}

export function decodeSnapshot(w: MeetingSnapshotWire): MeetingSnapshot {
  const units: Unit[] = w.units.id.map((id, i) => ({
    id,
    name: w.units.name[i]!,
    level: w.units.level[i]!,
    parent: w.units.parent[i] ?? null,
  }));
  const p = w.points;
  const points: Point[] = p.code.map((code, i) => {
    const point: Point = {
      code,
      name: p.name[i]!,
      level: p.level[i]!,
      unit: p.unit[i]!,
      targets: (p.targets[i] ?? []).map(([kind, host, role]) => ({ kind, host, role })),
      contacts: (p.contacts[i] ?? []).map(([name, role, phone, organization]) => {
        const c: Contact = { name, role };
        if (phone !== null) c.phone = phone;
        if (organization !== null) c.organization = organization;
        return c;
      }),
    };
    const room = p.room?.[i];
    const address = p.address?.[i];
    if (room !== undefined && room !== null) point.room = room;
    if (address !== undefined && address !== null) point.address = address;
    return point;
  });
  const c = w.statuses;
  const statuses: PointStatus[] = [];
  p.code.forEach((code, i) => {
    const state = c.state[i];
    if (state === null || state === undefined) return;
    const since = c.since[i] ?? null;
    statuses.push({
      code,
      state,
      rtt: c.rtt[i] ?? null,
      loss: c.loss[i] ?? null,
      jitter: c.jitter[i] ?? null,
      since: since === null ? null : toWireInstant(since),
      backup: c.backup[i] ?? null,
    });
  });
  const snap: MeetingSnapshot = {
    meeting: w.meeting,
    seq: w.seq,
    serverTime: w.serverTime,
    units,
    points,
    statuses,
    outages: w.outages,
  };
  if (w.health !== undefined) snap.health = w.health;
  return snap;
}
