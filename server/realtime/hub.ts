// The realtime hub: one Socket.IO room per meeting; a snapshot on join, then deltas coalesced every
// ≤ 150 ms carrying only what changed. One serialisation per room per tick, whatever the client count.
// Every event is authorised (SocketAccess) before its payload is even parsed.
import type { AlertGrouping } from '../../shared/alerts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { phaseAt } from '../../shared/phase';
import {
  HandshakeAuth,
  MeetingJoin,
  OverviewJoin,
  PROTOCOL_VERSION,
  PointTest,
  type Action,
  type MeetingDelta,
  type ServerHealth,
  type TestNowResult,
} from '../../shared/protocol';
import { wordLang } from '../../shared/words';
import { roleAllows, withinUnits, type Actor } from '../auth/policy';
import type { OverviewDelta, OverviewSnapshot } from '../../shared/overview';
import type { Outage, Phase, PointStatus } from '../../shared/schemas';
import type { Clock } from '../clock';
import { notFound, UserError } from '../errors';
import type { Inventory } from '../inventory/inventory';
import { presentMeeting, presentOutage } from '../presenters';
import type { OutageRow, Store } from '../store/types';
import { registerChecklistEvents, type ChecklistService } from '../checklist';
import { registerReportEvents } from '../report/socket';
import type { OutageNotes } from '../report/notes';
import type { TargetRow } from '../status/board';
import { encodeHead, encodeStatuses, type PackedSnapshot, type SnapshotBody } from '../../shared/wire';
import { deflateJson } from './pack';
import { handle } from './acks';
import { Published, readFromStatus, type ReadStatus } from './wire-status';
import { MeetingOverview } from './overview';
import { unitsOnPaths } from '../inventory/paths';
import type { IoServer, IoSocket } from './auth';

export type { IoServer, IoSocket } from './auth';

/** Who is behind a socket, and what they may do. */
export interface SocketAccess {
  /** The socket's user now; throws UnauthorizedError when its session has ended. */
  user(socket: IoSocket): Promise<Actor>;
  /** Throws ForbiddenError (or NotFoundError for an unknown point) unless the actor may. */
  check(actor: Actor, action: Action, pointCode?: string): void;
}

export interface StatusSource {
  /** Undefined for a code the board does not know (e.g. a point added a moment ago). */
  status(code: string): PointStatus | undefined;
  /** Codes whose status changed since the last call. */
  drainChanged(): string[];
  /** Send time of the newest probe behind a point's status (for the deltas' `probedAt`). */
  probedAt?(code: string): number | null;
  /** When that probe's outcome was known (for the deltas' `knownAt`). */
  knownAt?(code: string): number | null;
  /** The status without allocating (unrounded, NaN for null); the hub compares through it when given. */
  read?: ReadStatus;
  /** [TG8] The point's targets with their own states (empty: only its line, or not known). */
  targetRows?(code: string): TargetRow[];
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
  access: SocketAccess;
  /** The server's health, in snapshots and pushed as `server:health` when it changes. */
  health?: () => ServerHealth;
  coalesceMs?: number;
  /** Outages sent in a snapshot (newest first). */
  snapshotOutages?: number;
  /** Line-test checklist and roll call events (issue 4). */
  checklist?: ChecklistService;
  /** Outage acknowledgement, cause and note (issue 5). */
  notes?: OutageNotes;
  /** The alerts' grouping settings, sent in snapshots for the outage feed (AL15). */
  grouping?: AlertGrouping;
}

/**
 * The meeting's room: every socket that joined the meeting (its grid, whole or a region's, or its
 * checklist) gets the meeting's events there — checklist changes, notes, invalidation. The statuses go
 * by `deltaRoom`, one per view, so a region's dashboard gets its region's points only.
 */
export const room = (meetingId: string): string => `meeting:${meetingId}`;
/** [NV3] The key of a view of a meeting: the whole meeting, or the points under one unit (`/` is never in a code). */
export const viewKey = (meetingId: string, unit?: string | null): string => (unit ? `${meetingId}/${unit}` : meetingId);
export const deltaRoom = (key: string): string => `delta:${key}`;
/** [NV2] The sockets watching a meeting's overview. */
export const overviewRoom = (meetingId: string): string => `overview:${meetingId}`;

const SNAPSHOT_REUSE_MS = 1000;
/**
 * A region's snapshot carries its outages found among the meeting's newest this-many (the store lists
 * outages by meeting); later ones reach it as deltas. docs/NATIONAL.md NV3.
 */
const SCOPED_OUTAGE_SCAN = 5000;

/** A view's packed head and the point codes it lists, in order (the body's statuses follow them). */
interface Head {
  codes: string[];
  bytes: Buffer;
}

/** A view of a meeting: the whole meeting (unit null) or the points under one unit. */
interface View {
  key: string;
  meetingId: string;
  unit: string | null;
  /** The view's points in the meeting's order; a region's is a subset. */
  members: ReadonlySet<string>;
}

export class Hub {
  /** Per view key (a meeting's id for the whole meeting). */
  private seq = new Map<string, number>();
  /** [NV3] Region views joined since the inventory last changed, by meeting. */
  private views = new Map<string, Map<string, View>>();
  /** [NV2] Overviews being watched, by meeting. */
  private overviews = new Map<string, MeetingOverview>();
  private phase = new Map<string, Phase>();
  private pendingOutages: OutageRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastHealth = '';
  /**
   * The packed snapshot per meeting, in two parts (shared/wire.ts): a wall display of 100 screens
   * reconnecting after a restart joins within a second, and encoding and compressing a 10,000-point
   * snapshot 100 times would cost seconds of CPU and a heap spike. The head (units, points) is kept
   * until the inventory changes; the body (statuses, outages, meeting) until anything is published
   * (statuses, outages, a phase), and for at most SNAPSHOT_REUSE_MS.
   */
  private heads = new Map<string, Head>();
  private bodies = new Map<string, { seq: number; at: number; bytes: Buffer }>();
  /** Deltas with outages sent per meeting (a snapshot read meanwhile reads its outages again). */
  private readonly outageDeltas = new Map<string, number>();
  private readonly published: Published;

  constructor(private readonly d: HubDeps) {
    const src = d.status;
    this.published = new Published(
      src.read ? (code, out) => src.read!(code, out) : readFromStatus((c) => src.status(c)),
    );
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
    const ms = this.d.coalesceMs ?? 150;
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
    this.heads.clear();
    this.bodies.clear();
    this.views.clear();
    this.overviews.clear();
    // This instance's sockets only: every instance hears of the change and tells its own.
    for (const id of meetingIds) {
      this.d.io.local.to(room(id)).to(overviewRoom(id)).emit('meeting:invalidated', { meetingId: id });
    }
    this.d.io.local.emit('meetings:changed');
  }

  /**
   * The snapshot as sent on join: packed, shared by joins at the same seq. The recent outages are read
   * from the store first; the statuses and seq are taken after, synchronously, so the caller joins the
   * room in the same tick. Should a delta with outages of this meeting go out while the store is
   * read, it is read again: the client would not have heard that delta.
   */
  async packedSnapshot(meetingId: string, unit?: string): Promise<PackedSnapshot> {
    const view = this.viewOf(meetingId, unit);
    const keep = this.d.snapshotOutages ?? 200;
    for (let attempt = 0; ; attempt++) {
      const mark = this.outageDeltas.get(meetingId) ?? 0;
      const read = await this.d.store.listOutages({
        meeting: meetingId,
        limit: view.unit === null ? keep : SCOPED_OUTAGE_SCAN,
      });
      const outages = view.unit === null ? read : read.filter((o) => view.members.has(o.point)).slice(0, keep);
      if ((this.outageDeltas.get(meetingId) ?? 0) === mark || attempt >= 3) return this.packNow(view, outages);
    }
  }

  /**
   * The whole meeting, or [NV3] the points of the meeting under `unit`: an unknown unit is not found, a
   * unit with none of the meeting's points is refused in words (the dashboard would show nothing).
   */
  private viewOf(meetingId: string, unit?: string): View {
    const { inventory, participation } = this.d;
    if (!inventory.meeting(meetingId)) throw notFound('meeting', meetingId);
    if (unit === undefined) return this.wholeView(meetingId);
    const key = viewKey(meetingId, unit);
    const known = this.views.get(meetingId)?.get(key);
    if (known) return known;
    if (!inventory.unit(unit)) throw notFound('unit', unit);
    const tree = { parentOf: (id: string) => inventory.unit(id)?.parent };
    const members = new Set<string>();
    for (const code of participation.pointsOf(meetingId)) {
      const p = inventory.point(code);
      if (p && withinUnits(p.unit, [unit], tree)) members.add(code);
    }
    if (members.size === 0) {
      throw new UserError({
        vi: `đơn vị ${unit} không có điểm cầu nào trong hội nghị ${meetingId}`,
        en: `unit ${unit} has no point in meeting ${meetingId}`,
      });
    }
    const view: View = { key, meetingId, unit, members };
    let byKey = this.views.get(meetingId);
    if (!byKey) this.views.set(meetingId, (byKey = new Map()));
    byKey.set(key, view);
    return view;
  }

  private wholeView(meetingId: string): View {
    return { key: meetingId, meetingId, unit: null, members: this.d.participation.pointsOf(meetingId) };
  }

  private packNow(view: View, outages: readonly OutageRow[]): PackedSnapshot {
    const { inventory, clock } = this.d;
    const { key, meetingId } = view;
    const meeting = inventory.meeting(meetingId);
    if (!meeting) throw notFound('meeting', meetingId);
    let head = this.heads.get(key);
    if (!head) {
      const points = [...view.members].map((c) => inventory.point(c)).filter((p) => p !== undefined);
      const units = unitsOnPaths(inventory.listUnits(), points);
      head = { codes: points.map((p) => p.code), bytes: deflateJson(encodeHead(units, points)) };
      this.heads.set(key, head);
    }
    const now = clock.now();
    const seq = this.seq.get(key) ?? 0;
    const kept = this.bodies.get(key);
    if (kept && kept.seq === seq && now - kept.at >= 0 && now - kept.at < SNAPSHOT_REUSE_MS) {
      return { seq, head: head.bytes, body: kept.bytes };
    }
    const body: SnapshotBody = {
      meeting: presentMeeting(meeting, now),
      seq,
      serverTime: now,
      statuses: encodeStatuses(head.codes.map((c) => this.published.status(c))),
      outages: outages.map(presentOutage),
    };
    const health = this.d.health?.();
    if (health !== undefined) body.health = health;
    if (this.d.grouping !== undefined) body.grouping = this.d.grouping;
    const bytes = deflateJson(body);
    this.bodies.set(key, { seq, at: now, bytes });
    return { seq, head: head.bytes, body: bytes };
  }

  /** [NV2] The overview's snapshot; the overview is kept (and updated every tick) while watched. */
  overviewSnapshot(meetingId: string): OverviewSnapshot {
    const { inventory, clock } = this.d;
    const meeting = inventory.meeting(meetingId);
    if (!meeting) throw notFound('meeting', meetingId);
    const ov = this.overviewOf(meetingId);
    const now = clock.now();
    const snap: OverviewSnapshot = {
      meeting: presentMeeting(meeting, now),
      seq: ov.seq,
      serverTime: now,
      regions: ov.regionViews(),
      problems: ov.shownProblems(),
      problemTotal: ov.problemTotal(),
    };
    const health = this.d.health?.();
    if (health !== undefined) snap.health = health;
    return snap;
  }

  private overviewOf(meetingId: string): MeetingOverview {
    let ov = this.overviews.get(meetingId);
    if (ov) return ov;
    const { inventory, participation, status } = this.d;
    const points = [...participation.pointsOf(meetingId)].map((c) => inventory.point(c)).filter((p) => p !== undefined);
    ov = new MeetingOverview({
      units: inventory.listUnits(),
      points,
      status: (code) => this.published.status(code),
      reason: (code) => status.targetRows?.(code).find((r) => r.role === 'primary')?.reason ?? null,
    });
    this.overviews.set(meetingId, ov);
    return ov;
  }

  /** One coalescing tick: public so tests can flush by hand. */
  flush(): void {
    const { io, inventory, participation, status, clock } = this.d;
    this.flushHealth();
    const changed = this.published.publish(status.drainChanged());
    const outages = this.pendingOutages;
    this.pendingOutages = [];
    const now = clock.now();
    // Anything published (even to an empty room) makes a kept body stale.
    if (changed.length > 0 || outages.length > 0) this.bodies.clear();
    const rooms = io.sockets.adapter.rooms;
    const watched = (name: string): boolean => (rooms.get(name)?.size ?? 0) > 0;
    for (const meeting of inventory.listMeetings()) {
      const phase = phaseAt(meeting, now);
      const phaseChanged = this.phase.get(meeting.id) !== phase;
      this.phase.set(meeting.id, phase);
      // A kept body carries the phase: every view's (the whole meeting's and its regions').
      if (phaseChanged) this.bodies.clear();
      const views: View[] = [];
      if (watched(deltaRoom(meeting.id))) views.push(this.wholeView(meeting.id));
      for (const v of this.views.get(meeting.id)?.values() ?? []) if (watched(deltaRoom(v.key))) views.push(v);
      let ov = this.overviews.get(meeting.id);
      if (ov && !watched(overviewRoom(meeting.id))) {
        // Nobody watches it any more: rebuilt from the published statuses at the next join.
        this.overviews.delete(meeting.id);
        ov = undefined;
      }
      if (views.length === 0 && !ov) continue;
      const members = participation.pointsOf(meeting.id);
      const mineStatuses: PointStatus[] = [];
      for (const s of changed) if (members.has(s.code)) mineStatuses.push(s);
      const mine: OutageRow[] = [];
      for (const o of outages) if (o.meeting === meeting.id) mine.push(o);
      if (mine.length > 0) this.outageDeltas.set(meeting.id, (this.outageDeltas.get(meeting.id) ?? 0) + 1);
      for (const v of views) this.sendDelta(v, mineStatuses, mine, phaseChanged ? phase : null, now);
      if (ov) this.sendOverview(meeting.id, ov, mineStatuses, phaseChanged ? phase : null, now);
    }
  }

  private sendDelta(
    v: View,
    changed: readonly PointStatus[],
    outages: readonly OutageRow[],
    phase: Phase | null,
    now: number,
  ): void {
    const whole = v.unit === null;
    const statuses = whole ? (changed as PointStatus[]) : changed.filter((s) => v.members.has(s.code));
    const ages = new Ages();
    for (const s of statuses) ages.add(this.d.status, s.code);
    const mine: Outage[] = [];
    for (const o of outages) if (whole || v.members.has(o.point)) mine.push(presentOutage(o));
    if (statuses.length === 0 && mine.length === 0 && phase === null) return;
    const seq = (this.seq.get(v.key) ?? 0) + 1;
    this.seq.set(v.key, seq);
    const delta: MeetingDelta = { meetingId: v.meetingId, seq, serverTime: now, statuses, outages: mine };
    if (v.unit !== null) delta.unit = v.unit;
    if (phase !== null) delta.phase = phase;
    ages.onto(delta, now);
    // Each instance numbers and sends its own deltas, from its own mirror of the monitor: local only.
    this.d.io.local.to(deltaRoom(v.key)).emit('meeting:delta', delta);
  }

  private sendOverview(
    meetingId: string,
    ov: MeetingOverview,
    changed: readonly PointStatus[],
    phase: Phase | null,
    now: number,
  ): void {
    const ages = new Ages();
    for (const s of changed) if (ov.apply(s.code, s)) ages.add(this.d.status, s.code);
    const change = ov.change();
    if (change === null && phase === null) return;
    ov.seq++;
    const delta: OverviewDelta = {
      meetingId,
      seq: ov.seq,
      serverTime: now,
      ...(change ?? { regions: [], problems: [], removed: [], problemTotal: ov.problemTotal() }),
    };
    if (phase !== null) delta.phase = phase;
    ages.onto(delta, now);
    this.d.io.local.to(overviewRoom(meetingId)).emit('overview:delta', delta);
  }

  private flushHealth(): void {
    const h = this.d.health?.();
    if (!h) return;
    const key = JSON.stringify(h);
    if (key === this.lastHealth) return;
    this.lastHealth = key;
    this.d.io.local.emit('server:health', h);
  }

  private onConnection(socket: IoSocket): void {
    const { logger, access } = this.d;
    const health = this.d.health?.();
    if (health) socket.emit('server:health', health);
    /** A handler whose session is re-checked, and whose role may do `action`, before anything else. */
    const guarded = <S extends z.ZodType, T>(
      event: string,
      schema: S,
      action: Action,
      run: (p: z.output<S>, actor: Actor) => T | Promise<T>,
      pointOf?: (p: z.output<S>) => string | Promise<string>,
    ) => {
      return handle(
        logger,
        event,
        schema,
        async (p, actor: Actor) => {
          if (pointOf) access.check(actor, action, await pointOf(p));
          return run(p, actor);
        },
        async () => {
          const actor = await access.user(socket);
          // The role first (a viewer is refused whatever the payload); the point's unit once parsed.
          if (!pointOf || !roleAllows(actor.role, action)) access.check(actor, action);
          return actor;
        },
        () => socket.data.lang ?? 'vi',
      );
    };
    socket.on('session:lang', (lang, ack) => {
      // Anything but a language name leaves the language as it was.
      if (typeof lang === 'string' && /^(vi|en)\b/i.test(lang.trim())) socket.data.lang = wordLang(lang);
      if (typeof ack === 'function') ack({ ok: true, data: socket.data.lang ?? 'vi' });
    });
    socket.on(
      'meeting:join',
      guarded('meeting:join', MeetingJoin, 'read', async ({ meetingId, unit }) => {
        const snap = await this.packedSnapshot(meetingId, unit);
        // Join after building the snapshot, in the same tick: the next delta is seq + 1 for this client.
        // One view of a meeting at a time: a dashboard moving from a region to another leaves the first.
        leaveViews(socket, meetingId);
        await socket.join([room(meetingId), deltaRoom(viewKey(meetingId, unit))]);
        return snap;
      }),
    );
    socket.on(
      'meeting:leave',
      guarded('meeting:leave', MeetingJoin, 'read', async ({ meetingId }) => {
        leaveViews(socket, meetingId);
        await socket.leave(room(meetingId));
        return null;
      }),
    );
    socket.on(
      'overview:join',
      guarded('overview:join', OverviewJoin, 'read', async ({ meetingId }) => {
        const snap = this.overviewSnapshot(meetingId);
        // In the same tick as the snapshot: the next overview delta is seq + 1 for this client.
        await socket.join(overviewRoom(meetingId));
        return snap;
      }),
    );
    socket.on(
      'overview:leave',
      guarded('overview:leave', OverviewJoin, 'read', async ({ meetingId }) => {
        await socket.leave(overviewRoom(meetingId));
        return null;
      }),
    );
    socket.on(
      'point:test',
      guarded(
        'point:test',
        PointTest,
        'point:test',
        ({ code }) => this.d.testNow(code),
        ({ code }) => code,
      ),
    );
    if (this.d.checklist) registerChecklistEvents(socket, guarded, this.d.checklist, room);
    if (this.d.notes) registerReportEvents(socket, guarded, this.d.notes, room);
  }
}

/** The oldest probe a delta reflects: its send time and when its outcome was known. */
class Ages {
  private probedAt = Infinity;
  private knownAt = Infinity;
  add(status: StatusSource, code: string): void {
    const p = status.probedAt?.(code) ?? null;
    if (p !== null && p < this.probedAt) this.probedAt = p;
    const k = status.knownAt?.(code) ?? null;
    if (k !== null && k < this.knownAt) this.knownAt = k;
  }
  /** `now`: a loss counted known at its send + LOSS_KNOWN_MS may be reported a little before that. */
  onto(delta: { probedAt?: number; knownAt?: number }, now: number): void {
    if (this.probedAt !== Infinity) delta.probedAt = this.probedAt;
    if (this.knownAt !== Infinity) delta.knownAt = Math.min(this.knownAt, now);
  }
}

/** Leaves every view of the meeting the socket is in (the whole meeting's or a region's deltas). */
function leaveViews(socket: IoSocket, meetingId: string): void {
  const whole = deltaRoom(meetingId);
  // Deleting from a Set while iterating it is safe in JS.
  for (const r of socket.rooms) if (r === whole || r.startsWith(`${whole}/`)) void socket.leave(r);
}
