// The realtime hub: one Socket.IO room per meeting; a snapshot on join, then deltas coalesced every
// ≤ 250 ms carrying only what changed. One serialisation per room per tick, whatever the client count.
import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import { phaseAt } from '../../shared/phase';
import {
  HandshakeAuth,
  MeetingJoin,
  PROTOCOL_VERSION,
  PointTest,
  type ClientEvents,
  type MeetingDelta,
  type MeetingSnapshot,
  type ServerEvents,
  type TestNowResult,
} from '../../shared/protocol';
import type { Outage, Phase, PointStatus } from '../../shared/schemas';
import type { Clock } from '../clock';
import { NotFoundError } from '../errors';
import type { Inventory } from '../inventory/inventory';
import { presentMeeting, presentOutage } from '../presenters';
import type { OutageRow, Store } from '../store/types';
import { handle } from './acks';

export type IoServer = Server<ClientEvents, ServerEvents>;
type IoSocket = Socket<ClientEvents, ServerEvents>;

export interface StatusSource {
  /** Undefined for a code the board does not know (e.g. a point added a moment ago). */
  status(code: string): PointStatus | undefined;
  /** Codes whose status changed since the last call. */
  drainChanged(): string[];
}

export interface Participation {
  /** Codes of the points taking part in a meeting (host included). */
  pointsOf(meetingId: string): ReadonlySet<string>;
}

export interface HubDeps {
  io: IoServer;
  inventory: Inventory;
  status: StatusSource;
  participation: Participation;
  store: Pick<Store, 'listOutages'>;
  clock: Clock;
  logger: Logger;
  testNow: (code: string) => Promise<TestNowResult>;
  coalesceMs?: number;
  /** Outages sent in a snapshot (newest first). */
  snapshotOutages?: number;
}

const room = (meetingId: string): string => `meeting:${meetingId}`;

export class Hub {
  private seq = new Map<string, number>();
  private phase = new Map<string, Phase>();
  private pendingOutages: OutageRow[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly d: HubDeps) {
    d.io.use((socket, next) => {
      const auth = HandshakeAuth.safeParse(socket.handshake.auth);
      if (!auth.success) return next(new Error(`protocol missing: send auth.protocol = ${PROTOCOL_VERSION}`));
      if (auth.data.protocol !== PROTOCOL_VERSION) {
        return next(new Error(`protocol mismatch: server speaks ${PROTOCOL_VERSION}, client ${auth.data.protocol}`));
      }
      next();
    });
    d.io.on('connection', (socket) => this.onConnection(socket));
  }

  start(): void {
    const ms = this.d.coalesceMs ?? 250;
    this.timer ??= setInterval(() => this.flush(), ms);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called by the outage recorder, synchronously after the row is stored. */
  pushOutage(row: OutageRow): void {
    this.pendingOutages.push(row);
  }

  /** The meeting or its participants changed: clients must fetch a fresh snapshot. */
  invalidate(meetingIds: readonly string[]): void {
    for (const id of meetingIds) this.d.io.to(room(id)).emit('meeting:invalidated', { meetingId: id });
    this.d.io.emit('meetings:changed');
  }

  snapshot(meetingId: string): MeetingSnapshot {
    const { inventory, clock, participation, status, store } = this.d;
    const meeting = inventory.meeting(meetingId);
    if (!meeting) throw new NotFoundError(`no meeting "${meetingId}"`);
    const codes = participation.pointsOf(meetingId);
    const points = [...codes].map((c) => inventory.point(c)).filter((p) => p !== undefined);
    const now = clock.now();
    return {
      meeting: presentMeeting(meeting, now),
      seq: this.seq.get(meetingId) ?? 0,
      serverTime: now,
      units: inventory.listUnits(),
      points,
      statuses: points.map((p) => status.status(p.code)).filter((s) => s !== undefined),
      outages: store.listOutages({ meeting: meetingId, limit: this.d.snapshotOutages ?? 200 }).map(presentOutage),
    };
  }

  /** One coalescing tick: public so tests can flush by hand. */
  flush(): void {
    const { io, inventory, participation, status, clock } = this.d;
    const changed = status.drainChanged();
    const outages = this.pendingOutages;
    this.pendingOutages = [];
    const now = clock.now();
    for (const meeting of inventory.listMeetings()) {
      const r = io.sockets.adapter.rooms.get(room(meeting.id));
      const phase = phaseAt(meeting, now);
      const phaseChanged = this.phase.get(meeting.id) !== phase;
      this.phase.set(meeting.id, phase);
      if (!r || r.size === 0) continue;
      const members = participation.pointsOf(meeting.id);
      const statuses: PointStatus[] = [];
      for (const code of changed) {
        const s = members.has(code) ? status.status(code) : undefined;
        if (s) statuses.push(s);
      }
      const mine: Outage[] = [];
      for (const o of outages) if (o.meeting === meeting.id) mine.push(presentOutage(o));
      if (statuses.length === 0 && mine.length === 0 && !phaseChanged) continue;
      const seq = (this.seq.get(meeting.id) ?? 0) + 1;
      this.seq.set(meeting.id, seq);
      const delta: MeetingDelta = { meetingId: meeting.id, seq, serverTime: now, statuses, outages: mine };
      if (phaseChanged) delta.phase = phase;
      io.to(room(meeting.id)).emit('meeting:delta', delta);
    }
  }

  private onConnection(socket: IoSocket): void {
    const { logger } = this.d;
    socket.on(
      'meeting:join',
      handle(logger, 'meeting:join', MeetingJoin, async ({ meetingId }) => {
        const snap = this.snapshot(meetingId);
        // Join after building the snapshot, in the same tick: the next delta is seq + 1 for this client.
        await socket.join(room(meetingId));
        return snap;
      }),
    );
    socket.on(
      'meeting:leave',
      handle(logger, 'meeting:leave', MeetingJoin, async ({ meetingId }) => {
        await socket.leave(room(meetingId));
        return null;
      }),
    );
    socket.on(
      'point:test',
      handle(logger, 'point:test', PointTest, ({ code }) => this.d.testNow(code)),
    );
  }
}
