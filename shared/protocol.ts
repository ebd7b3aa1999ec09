// The Socket.IO protocol, declared once for both ends: the server is
// `Server<ClientEvents, ServerEvents>` and the client `Socket<ServerEvents, ClientEvents>`.
// Event names are `resource:verb`. Every client payload is parsed by the schema next to it.
import type { AlertGrouping } from './alerts';
import { z } from 'zod';
import { bilingual } from './words';
import { Code, Meeting, Outage, Phase, PointStatus, Unit } from './schemas';
import type {
  ChecklistChanged,
  ChecklistJoin,
  ChecklistSnapshot,
  ItemMark,
  ItemWrite,
  RollCallCapture,
  RollCallMark,
  RollCallWrite,
} from './checklist';
import type { OutageAcknowledge, OutageNote, OutageNoteWithHistory } from './report';
import type { PackedJson, PackedSnapshot, WirePoint } from './wire';
import type { ProbeReason, TargetKind, TargetRole } from './targets';
import type { OverviewDelta, OverviewSnapshot } from './overview';

/** Bumped on any incompatible change; checked at the handshake (`auth.protocol`). */
export const PROTOCOL_VERSION = 4;

export const HandshakeAuth = z.object({ protocol: z.number().int() }).loose();
// Besides auth.protocol, the handshake needs the session cookie (HttpOnly, sent by the browser):
// without a valid session the connection is refused with connect_error "unauthorized". `auth.lang`
// (`vi` or `en`, optional) is the language acks are worded in; the handshake's refusals stay codes.
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export interface AckError {
  code: 'bad_request' | 'not_found' | 'unauthorized' | 'forbidden' | 'conflict' | 'internal';
  message: string;
  /** Field errors, keyed by dotted path. */
  fields?: Record<string, string>;
}

/** A meeting as the dashboard sees it: the stored meeting plus its phase at `serverTime`. */
export type MeetingView = Meeting & {
  phase: Phase;
  /** Participating points (host included): in `GET /api/meetings`, so a dashboard knows a large meeting (NV4). */
  size?: number;
};

/** Everything a dashboard needs to draw a meeting from scratch. */
export interface MeetingSnapshot {
  meeting: MeetingView;
  /** Sequence number of the last delta included; the next delta has seq + 1. */
  seq: number;
  /** Server clock (ms since epoch) when the snapshot was taken, to correct the client's countdown. */
  serverTime: number;
  units: Unit[];
  points: WirePoint[];
  statuses: PointStatus[];
  /** Outages of this meeting, newest first (bounded). */
  outages: Outage[];
  /** The server's own health (storage); also pushed as `server:health` when it changes. */
  health?: ServerHealth;
  /** The alerts' grouping settings, so the outage feed groups as the alerts do (AL15). */
  grouping?: AlertGrouping;
}

/**
 * What changed since the previous delta, coalesced (≤ 150 ms); only points whose status changed as
 * shown are listed: RTT and jitter are rounded to 0.1 ms below 10 ms and to 1 ms above, loss to 0.1 %.
 */
export interface MeetingDelta {
  meetingId: string;
  /** The unit the dashboard joined with (NV3), when it did. */
  unit?: string;
  seq: number;
  serverTime: number;
  statuses: PointStatus[];
  /** Outages opened or closed in this interval (closed ones carry endedAt). */
  outages: Outage[];
  /** Present when the phase changed. */
  phase?: Phase;
  /**
   * Send time (ms since epoch, server clock) of the oldest probe reflected in `statuses`: the client's
   * receipt minus this is the worst probe-to-dashboard latency of the delta. Absent without statuses.
   */
  probedAt?: number;
  /**
   * When the oldest of those probes' outcomes was known where it was probed (a reply's arrival; a loss
   * at its timeout): receipt minus this is the delta's worst latency from the outcome to the dashboard,
   * without the probe's own round trip or timeout. Absent without statuses.
   */
  knownAt?: number;
}

export interface TestNowResult {
  code: string;
  /** [TG4] Every target of the point, each probed once by its own kind's engine. */
  results: {
    id: string;
    kind: TargetKind;
    label: string;
    host: string;
    role: TargetRole;
    alive: boolean;
    rtt: number | null;
    reason?: ProbeReason;
    /** The protocol's reply code (SIP final response, HTTP status). */
    code?: number;
    detail?: string;
    /**
     * The remote probe agent that probes this target (docs/AGENTS.md AG1): the centre does not probe it
     * itself (it often cannot reach it), so `alive` is false and says nothing; its state is the agent's.
     */
    agent?: string;
  }[];
}

/**
 * `unit` [NV3]: only the points under that unit (a province of a national meeting): the snapshot and
 * the deltas carry those points alone. Without it, the whole meeting.
 */
export const MeetingJoin = z.strictObject({ meetingId: Code, unit: Code.optional() });
export type MeetingJoin = z.infer<typeof MeetingJoin>;
export const MeetingLeave = MeetingJoin;
/** [NV2] The overview of a meeting (shared/overview.ts): counts by region and the problem points. */
export const OverviewJoin = z.strictObject({ meetingId: Code });
export type OverviewJoin = z.infer<typeof OverviewJoin>;
export const PointTest = z.strictObject({ code: Code });
export type PointTest = z.infer<typeof PointTest>;

export interface ServerEvents {
  'meeting:delta': (delta: MeetingDelta) => void;
  /** [NV2] To the sockets that joined the meeting's overview. */
  'overview:delta': (delta: OverviewDelta) => void;
  /** Storage went failing or recovered, or its backlog changed; sent to every socket. */
  'server:health': (h: ServerHealth) => void;
  /** Sent just before the server disconnects a socket whose session ended: show the login screen. */
  'session:ended': (p: { reason: SessionEndReason }) => void;
  /** The inventory or the meeting itself changed: the client should join again for a fresh snapshot. */
  'meeting:invalidated': (p: { meetingId: string }) => void;
  'meetings:changed': () => void;
}

export interface ClientEvents {
  /** The snapshot comes packed (shared/wire.ts, protocol 3: columns since 2, compressed parts since 3): unpackSnapshot() it. */
  'meeting:join': (p: MeetingJoin, ack: (r: Ack<PackedSnapshot>) => void) => void;
  'meeting:leave': (p: MeetingJoin, ack: (r: Ack<null>) => void) => void;
  /** [NV2] The overview's snapshot; `overview:delta` follows (seq + 1). Joining the grid leaves nothing. */
  'overview:join': (p: OverviewJoin, ack: (r: Ack<OverviewSnapshot>) => void) => void;
  'overview:leave': (p: OverviewJoin, ack: (r: Ack<null>) => void) => void;
  'point:test': (p: PointTest, ack: (r: Ack<TestNowResult>) => void) => void;
  /**
   * The dashboard switched language: later acks are worded in it (`vi` or `en`; the handshake's
   * `auth.lang` sets it at connect). Acked with the language now in force.
   */
  'session:lang': (lang: string, ack?: (r: Ack<'vi' | 'en'>) => void) => void;
}

// ── Server health ────────────────────────────────────────────────────────────────────────────────

/**
 * `failing`: the last write to the database failed (disk full, file unwritable). Probing and the
 * dashboards go on; outage transitions and samples wait in memory (`pendingWrites`) and are written,
 * in order, once the database accepts writes again. `since`: when the current storage state began.
 */
export interface ServerHealth {
  storage: 'ok' | 'failing';
  since: string;
  pendingWrites: number;
}

/**
 * A span the monitor did not observe, shown as unknown and left out of availability: no monitor was
 * running (`stopped`: between a crash or stop and the next start), or it ran but could not observe
 * (`stall`: its event loop stood still; `clock`: the system clock stepped). docs/SPEC.md MG1–MG3.
 */
export interface MonitorGap {
  from: string;
  to: string;
  reason: 'stopped' | 'stall' | 'clock';
}

// ── Accounts (REST /api/auth/*, /api/users) ──────────────────────────────────────────────────────

export const ROLES = ['admin', 'technician', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What a role may do; a technician limited to units may do point actions only on those units' points. */
export const ACTIONS = [
  'read',
  'inventory:write',
  'users:manage',
  'point:test',
  'checklist:write',
  'outage:acknowledge',
] as const;
export type Action = (typeof ACTIONS)[number];

export type SessionEndReason = 'logout' | 'expired' | 'revoked';

export const Username = z
  .string()
  .min(2)
  .max(64)
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    bilingual('chỉ gồm chữ thường không dấu, số, “.”, “_” và “-”', 'use lowercase letters, digits, ".", "_" and "-"'),
  );
export const Password = z.string().min(10, bilingual('ít nhất 10 ký tự', 'at least 10 characters')).max(256);

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

const UserFields = {
  role: Role,
  /** Only for technicians: the units (and their descendants) whose points they may change. */
  units: z.array(Code).max(100).default([]),
  displayName: z.string().trim().min(1).max(120).nullable().default(null),
};
export const NewUserBody = z.strictObject({ name: Username, password: Password, ...UserFields });
export type NewUserBody = z.input<typeof NewUserBody>;
/** PUT replaces role, units and display name; the password changes only when given. */
export const UserUpdateBody = z.strictObject({ password: Password.optional(), ...UserFields });
export type UserUpdateBody = z.input<typeof UserUpdateBody>;

/** A user as the API shows it: never the password hash. */
export interface UserView {
  name: string;
  displayName: string | null;
  role: Role;
  units: string[];
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/auth/me` and the body of a successful login. */
export interface Me {
  user: UserView;
  /** Actions the role allows (for a unit-limited technician: on the points of its units). */
  permissions: Action[];
  session: { createdAt: string; expiresAt: string; idleMinutes: number };
}

// ── Line-test checklist and roll call (issue 4; shapes and rules in shared/checklist.ts) ────────────
// Declared here as additions to ServerEvents / ClientEvents (interfaces merge), so the checklist's
// events live in one block. Changes go to the meeting's room (`meeting:<id>`), which `checklist:join`
// also joins (`meeting:leave` leaves it); a stale `version` is refused with a ChecklistConflict
// carrying the current mark.

/** The ack error of a write whose version was stale: `current` is what the item is now. */
export interface ChecklistConflict extends AckError {
  code: 'conflict';
  current: ItemMark | RollCallMark;
}

export type ChecklistWriteAck<T> = { ok: true; data: T } | { ok: false; error: AckError | ChecklistConflict };

export interface ServerEvents {
  /** Items or roll-call confirmations changed (by anyone, or automatically). */
  'checklist:changed': (p: ChecklistChanged) => void;
  /**
   * An automatic roll call (T−10 min, start) was taken. Packed (deflated JSON in a binary attachment)
   * like the joins: a capture lists every point of the meeting (~1 MB of JSON at 10,000 points), and
   * every socket in the room receives it, also the dashboards that never open the checklist.
   */
  'rollcall:captured': (p: { meetingId: string; capture: PackedJson<RollCallCapture> }) => void;
  /** The meeting's checklist items were replaced (another template): join again. */
  'checklist:invalidated': (p: { meetingId: string }) => void;
}

export interface ClientEvents {
  /** Packed since protocol 3: unpackJson() it. */
  'checklist:join': (p: ChecklistJoin, ack: (r: Ack<PackedJson<ChecklistSnapshot>>) => void) => void;
  'checklist:set': (p: ItemWrite, ack: (r: ChecklistWriteAck<ItemMark>) => void) => void;
  'rollcall:confirm': (p: RollCallWrite, ack: (r: ChecklistWriteAck<RollCallMark>) => void) => void;
}

// ── Post-meeting report (issue 5; shapes in shared/report.ts) ───────────────────────────────────────
// Acknowledging an outage (its cause and note) over the socket; every dashboard in the meeting's room
// then gets the note. REST does the same: PUT /api/outages/:id/note. The report view, on a socket of
// its own, joins the room with `report:watch` (no snapshot) and leaves it with `meeting:leave`.

export interface ServerEvents {
  /** An outage of this meeting was acknowledged, or its cause or note changed. */
  'outage:annotated': (note: OutageNote) => void;
}

export interface ClientEvents {
  'outage:acknowledge': (
    p: OutageAcknowledge,
    ack: (r: Ack<OutageNoteWithHistory & { changed: boolean }>) => void,
  ) => void;
  'report:watch': (p: MeetingJoin, ack: (r: Ack<null>) => void) => void;
}
