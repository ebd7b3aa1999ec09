// The Socket.IO protocol, declared once for both ends: the server is
// `Server<ClientEvents, ServerEvents>` and the client `Socket<ServerEvents, ClientEvents>`.
// Event names are `resource:verb`. Every client payload is parsed by the schema next to it.
import { z } from 'zod';
import { Code, Meeting, Outage, Phase, Point, PointStatus, Unit } from './schemas';

/** Bumped on any incompatible change; checked at the handshake (`auth.protocol`). */
export const PROTOCOL_VERSION = 1;

export const HandshakeAuth = z.object({ protocol: z.number().int() }).loose();
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };
export interface AckError {
  code: 'bad_request' | 'not_found' | 'forbidden' | 'conflict' | 'internal';
  message: string;
  /** Field errors, keyed by dotted path. */
  fields?: Record<string, string>;
}

/** A meeting as the dashboard sees it: the stored meeting plus its phase at `serverTime`. */
export type MeetingView = Meeting & { phase: Phase };

/** Everything a dashboard needs to draw a meeting from scratch. */
export interface MeetingSnapshot {
  meeting: MeetingView;
  /** Sequence number of the last delta included; the next delta has seq + 1. */
  seq: number;
  /** Server clock (ms since epoch) when the snapshot was taken, to correct the client's countdown. */
  serverTime: number;
  units: Unit[];
  points: Point[];
  statuses: PointStatus[];
  /** Outages of this meeting, newest first (bounded). */
  outages: Outage[];
}

/** What changed since the previous delta, coalesced (≤ 250 ms); only changed points are listed. */
export interface MeetingDelta {
  meetingId: string;
  seq: number;
  serverTime: number;
  statuses: PointStatus[];
  /** Outages opened or closed in this interval (closed ones carry endedAt). */
  outages: Outage[];
  /** Present when the phase changed. */
  phase?: Phase;
}

export interface TestNowResult {
  code: string;
  results: { host: string; role: 'primary' | 'backup'; alive: boolean; rtt: number | null }[];
}

export const MeetingJoin = z.strictObject({ meetingId: Code });
export type MeetingJoin = z.infer<typeof MeetingJoin>;
export const MeetingLeave = MeetingJoin;
export const PointTest = z.strictObject({ code: Code });
export type PointTest = z.infer<typeof PointTest>;

export interface ServerEvents {
  'meeting:delta': (delta: MeetingDelta) => void;
  /** The inventory or the meeting itself changed: the client should join again for a fresh snapshot. */
  'meeting:invalidated': (p: { meetingId: string }) => void;
  'meetings:changed': () => void;
}

export interface ClientEvents {
  'meeting:join': (p: MeetingJoin, ack: (r: Ack<MeetingSnapshot>) => void) => void;
  'meeting:leave': (p: MeetingJoin, ack: (r: Ack<null>) => void) => void;
  'point:test': (p: PointTest, ack: (r: Ack<TestNowResult>) => void) => void;
}
