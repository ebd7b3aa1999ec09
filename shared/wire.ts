// The meeting snapshot on the wire, in columns. A national meeting's snapshot holds 10,000+ points:
// as an array of objects it repeats every key 10,000 times (~4 MB of JSON); as columns it is about
// half that, and deflated under 300 kB. It is sent packed (PackedSnapshot, below): the head (units,
// points) and the body (statuses, outages, meeting), each compressed once and shared by every join.
// The codec is exact: decodeSnapshot(encodeSnapshot(s)) deep-equals s, and so does unpackSnapshot.
import type { AlertGrouping } from './alerts';
import type { MeetingSnapshot, MeetingView, ServerHealth } from './protocol';
import type { Contact, Level, Outage, Point, PointState, PointStatus, Unit } from './schemas';
import { toWireTarget, type TargetKind, type TargetRole, type WireTarget } from './targets';
import { toWireInstant } from './time';

type Opt<T> = T | null;

/** A point as the dashboards get it: its targets as WireTarget (no credentials). */
export type WirePoint = Omit<Point, 'targets'> & { targets: WireTarget[] };

export interface UnitColumns {
  id: string[];
  name: string[];
  level: Level[];
  parent: Opt<string>[];
}

/** One target as [kind, host, role] for an ICMP line, [kind, host, role, id, label] for the other kinds. */
type TargetRow = [TargetKind, string, TargetRole] | [TargetKind, string, TargetRole, string, string];
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
  endpoint: Opt<PointState>[];
  inCall: Opt<boolean>[];
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
  grouping?: AlertGrouping;
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function optional(values: Opt<string>[]): Opt<string>[] | undefined {
  return values.some((v) => v !== null) ? values : undefined;
}

/** The columns that describe a meeting's points: the same for every join until the inventory changes. */
export interface SnapshotHead {
  units: UnitColumns;
  points: PointColumns;
}

/** What changes from tick to tick; statuses aligned with the head's points. */
export type SnapshotBody = Omit<MeetingSnapshotWire, 'units' | 'points'>;

export function encodeHead(units: readonly Unit[], points: readonly (Point | WirePoint)[]): SnapshotHead {
  const cols: PointColumns = {
    code: points.map((p) => p.code),
    name: points.map((p) => p.name),
    level: points.map((p) => p.level),
    unit: points.map((p) => p.unit),
    room: optional(points.map((p) => orNull(p.room))),
    address: optional(points.map((p) => orNull(p.address))),
    targets: points.map((p) =>
      p.targets.map((t): TargetRow => {
        const w = toWireTarget(t);
        return t.kind === 'icmp' ? [w.kind, w.host, w.role] : [w.kind, w.host, w.role, w.id, w.label];
      }),
    ),
    contacts: points.map((p) =>
      p.contacts.map((c): ContactRow => [c.name, c.role, orNull(c.phone), orNull(c.organization)]),
    ),
  };
  if (cols.room === undefined) delete cols.room;
  if (cols.address === undefined) delete cols.address;
  return {
    units: {
      id: units.map((u) => u.id),
      name: units.map((u) => u.name),
      level: units.map((u) => u.level),
      parent: units.map((u) => u.parent),
    },
    points: cols,
  };
}

/** Status columns for points in order; `undefined`: no status for that point. */
export function encodeStatuses(st: readonly (PointStatus | undefined)[]): StatusColumns {
  return {
    state: st.map((x) => x?.state ?? null),
    rtt: st.map((x) => x?.rtt ?? null),
    loss: st.map((x) => x?.loss ?? null),
    jitter: st.map((x) => x?.jitter ?? null),
    since: st.map((x) => (x?.since ? Date.parse(x.since) : null)),
    backup: st.map((x) => x?.backup ?? null),
    endpoint: st.map((x) => x?.endpoint ?? null),
    inCall: st.map((x) => x?.inCall ?? null),
  };
}

export function encodeSnapshot(s: MeetingSnapshot): MeetingSnapshotWire {
  const byCode = new Map<string, PointStatus>(s.statuses.map((x) => [x.code, x]));
  const out: MeetingSnapshotWire = {
    meeting: s.meeting,
    seq: s.seq,
    serverTime: s.serverTime,
    ...encodeHead(s.units, s.points),
    statuses: encodeStatuses(s.points.map((p) => byCode.get(p.code))),
    outages: s.outages,
  };
  if (s.health !== undefined) out.health = s.health;
  if (s.grouping !== undefined) out.grouping = s.grouping;
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
  const points: WirePoint[] = p.code.map((code, i) => {
    const point: WirePoint = {
      code,
      name: p.name[i]!,
      level: p.level[i]!,
      unit: p.unit[i]!,
      targets: (p.targets[i] ?? []).map(([kind, host, role, id, label]): WireTarget =>
        id === undefined ? toWireTarget({ kind, host, role }) : { kind, host, role, id, label: label ?? id },
      ),
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
      endpoint: c.endpoint[i] ?? null,
      inCall: c.inCall[i] ?? null,
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
  if (w.grouping !== undefined) snap.grouping = w.grouping;
  return snap;
}

/**
 * The join's snapshot as sent (protocol 3): the head and the body, each as deflate-raw compressed JSON.
 * The server compresses a meeting's head once per inventory change and its body once per published
 * tick, and every join at that tick gets the same bytes: a wall of 100 screens joining costs one
 * compression, not 100, and no connection keeps a compressor of its own.
 */
export interface PackedSnapshot {
  seq: number;
  /** A SnapshotHead. Binary: ArrayBuffer in a browser, Buffer (a Uint8Array) in Node. */
  head: ArrayBuffer | Uint8Array;
  /** A SnapshotBody. */
  body: ArrayBuffer | Uint8Array;
}

/** Inflates deflate-raw bytes and parses the JSON inside (DecompressionStream: browsers and Node ≥ 20). */
export async function inflateJson(bytes: ArrayBuffer | Uint8Array): Promise<unknown> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return JSON.parse(await new Response(stream).text()) as unknown;
}

/** A JSON document of type T sent deflate-raw compressed (protocol 3's large acks other than the snapshot). */
export interface PackedJson<T> {
  deflated: ArrayBuffer | Uint8Array;
  /** Never sent: carries T for the types only. */
  readonly __json?: T;
}

export async function unpackJson<T>(p: PackedJson<T>): Promise<T> {
  return (await inflateJson(p.deflated)) as T;
}

export async function unpackWire(p: PackedSnapshot): Promise<MeetingSnapshotWire> {
  const [head, body] = (await Promise.all([inflateJson(p.head), inflateJson(p.body)])) as [SnapshotHead, SnapshotBody];
  if (head.points.code.length !== body.statuses.state.length) {
    throw new Error(
      `snapshot parts disagree: ${head.points.code.length} points, ${body.statuses.state.length} statuses`,
    );
  }
  return { ...body, units: head.units, points: head.points };
}

export async function unpackSnapshot(p: PackedSnapshot): Promise<MeetingSnapshot> {
  return decodeSnapshot(await unpackWire(p));
}

/** A point as the dashboards get it (what encodeHead then decodeSnapshot gives back). */
export function toWirePoint(p: Point): WirePoint {
  return { ...p, targets: p.targets.map(toWireTarget) };
}
