// The dashboard's live link to one meeting, outside React: joins over Socket.IO, applies deltas in seq
// order into external stores, and joins again (fresh snapshot) after a gap, a reconnect or an
// invalidation. Components read the stores through useSyncExternalStore.
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type ClientEvents,
  type MeetingDelta,
  type MeetingJoin,
  type MeetingSnapshot,
  type ServerEvents,
  type ServerHealth,
  type SessionEndReason,
  type TestNowResult,
} from '../../../shared/protocol';
import type { Outage, Phase } from '../../../shared/schemas';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import { connectRefusal } from '../lib/authErrors';
import { currentLang, onLangChange } from '../lib/langChange';
import { Emitter, Observable } from '../lib/observable';
import { mergeOutages, newlyOpened } from '../lib/outages';
import { DeltaSequencer } from '../lib/sequencer';
import { StatusStore } from '../lib/statusStore';
import { indexMeeting, type MeetingData } from './meetingData';
import { OverviewLive } from './overview';

export type DashboardSocket = Socket<ServerEvents, ClientEvents>;
/** `forbidden`: the server refuses this page's origin; `signedOut`: the session is gone (login screen). */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'outdated' | 'forbidden' | 'signedOut';
/** Why the session is over: the server's `session:ended` reason, or a refusal ("unauthorized"). */
export type SignOutReason = SessionEndReason | 'unauthorized';

export type MeetingState =
  | { kind: 'idle' }
  | { kind: 'loading'; id: string }
  | { kind: 'ready'; id: string; data: MeetingData }
  | { kind: 'error'; id: string; code: string; message: string };

const JOIN_TIMEOUT_MS = 15_000;
const JOIN_RETRY_MS = 2_000;
const TEST_TIMEOUT_MS = 30_000;
/** After a handshake the server refused for a passing reason (e.g. its storage): Socket.IO does not retry. */
const REFUSED_RETRY_MS = 3_000;

/**
 * `display`: a wall screen's socket, signed in by its display cookie even beside a user's session.
 * The handshake carries the current language (read at each reconnect) for the server's acks.
 */
export function connectSocket(display = false): DashboardSocket {
  const auth = (cb: (data: object) => void): void =>
    cb({ protocol: PROTOCOL_VERSION, lang: currentLang(), ...(display && { display: true }) });
  return io({ path: '/socket.io', transports: ['websocket'], auth });
}

const joinPayload = (meetingId: string, unit: string | null): MeetingJoin =>
  unit === null ? { meetingId } : { meetingId, unit };

export class LiveSession {
  readonly connection = new Observable<ConnectionStatus>('connecting');
  readonly meeting = new Observable<MeetingState>({ kind: 'idle' });
  readonly phase = new Observable<Phase | null>(null);
  readonly outages = new Observable<Outage[]>([]);
  readonly statuses = new StatusStore();
  /** Outages opened since the dashboard last looked (not those of a first snapshot). */
  readonly newOutages = new Emitter<Outage[]>();
  readonly meetingsChanged = new Emitter<void>();
  /** The server's storage health (`server:health`, snapshots); null until the first word. */
  readonly health = new Observable<ServerHealth | null>(null);
  /** The session ended or was refused: the page shows the login screen (and disposes this). */
  readonly ended = new Emitter<SignOutReason>();
  /** The overview by region of a large meeting (NV2), on this socket; the App shows it or the grid. */
  readonly overview: OverviewLive;

  private readonly sequencer = new DeltaSequencer();
  private offsetMs = 0;
  private joinToken = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly offLang: () => void;

  constructor(private readonly socket: DashboardSocket) {
    this.overview = new OverviewLive(socket, {
      serverTime: (ms) => {
        this.offsetMs = ms - Date.now();
      },
      phase: (p) => this.phase.set(p),
      health: (h) => this.health.set(h),
      unauthorized: () => this.signedOut('unauthorized'),
    });
    // A switch while connected: the server words later acks in it (a reconnect sends it anyway).
    this.offLang = onLangChange((lang) => {
      if (socket.connected) socket.emit('session:lang', lang);
    });
    socket.on('connect', () => {
      this.connection.set('connected');
      void this.join();
      this.overview.rejoin();
    });
    socket.on('disconnect', (reason) => {
      if (this.final()) return;
      this.connection.set(reason === 'io client disconnect' ? 'connecting' : 'reconnecting');
    });
    socket.on('connect_error', (err) => {
      if (this.final()) return;
      switch (connectRefusal(err.message)) {
        case 'outdated':
          // The server speaks another protocol version: retrying cannot help, a reload can.
          this.stop('outdated');
          break;
        case 'forbidden':
          // Opened through an address the server does not take as its own: retrying cannot help.
          this.stop('forbidden');
          break;
        case 'unauthorized':
          this.signedOut('unauthorized');
          break;
        default:
          this.connection.set('reconnecting');
          // A transport failure is retried by Socket.IO itself; a refusal by the server is not.
          if (!socket.active) {
            this.clearReconnect();
            this.reconnectTimer = setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
          }
      }
    });
    socket.on('session:ended', ({ reason }) => this.signedOut(reason));
    socket.on('server:health', (h) => this.health.set(h));
    socket.on('meeting:delta', (d) => this.onDelta(d));
    socket.on('overview:delta', (d) => this.overview.onDelta(d));
    socket.on('meeting:invalidated', ({ meetingId }) => {
      if (meetingId === this.sequencer.current) void this.join();
      this.overview.rejoin(meetingId);
    });
    socket.on('meetings:changed', () => this.meetingsChanged.emit());
  }

  /** The client clock corrected by the server's (the countdown and running durations use it). */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** The meeting whose grid is shown: the whole meeting, or with `unit` one region's points (NV3). */
  select(meetingId: string | null, unit: string | null = null): void {
    const previous = this.sequencer.current;
    const previousUnit = this.sequencer.unit;
    if (meetingId === previous && (meetingId === null || unit === previousUnit)) return;
    if (previous !== null && this.socket.connected)
      this.socket.emit('meeting:leave', joinPayload(previous, previousUnit), () => {});
    this.sequencer.begin(meetingId, unit);
    this.statuses.reset([], []);
    this.outages.set([]);
    this.phase.set(null);
    this.meeting.set(meetingId === null ? { kind: 'idle' } : { kind: 'loading', id: meetingId });
    void this.join();
  }

  async testNow(code: string): Promise<Ack<TestNowResult>> {
    try {
      const res = await this.socket.timeout(TEST_TIMEOUT_MS).emitWithAck('point:test', { code });
      if (!res.ok && res.error.code === 'unauthorized') this.signedOut('unauthorized');
      return res;
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
  }

  dispose(): void {
    this.offLang();
    this.overview.dispose();
    this.clearRetry();
    this.clearReconnect();
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  /** A state no reconnect may leave: only a reload or a new login does. */
  private final(): boolean {
    const c = this.connection.get();
    return c === 'outdated' || c === 'forbidden' || c === 'signedOut';
  }

  private stop(status: ConnectionStatus): void {
    this.clearReconnect();
    this.connection.set(status);
    this.socket.disconnect();
  }

  private signedOut(reason: SignOutReason): void {
    if (this.connection.get() === 'signedOut') return;
    this.stop('signedOut');
    this.ended.emit(reason);
  }

  private clearReconnect(): void {
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private async join(): Promise<void> {
    this.clearRetry();
    const meetingId = this.sequencer.current;
    const unit = this.sequencer.unit;
    if (meetingId === null || !this.socket.connected) return;
    const token = ++this.joinToken;
    this.sequencer.begin(meetingId, unit);
    let res: Ack<PackedSnapshot>;
    try {
      res = await this.socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('meeting:join', joinPayload(meetingId, unit));
    } catch {
      if (token === this.joinToken) this.retryTimer = setTimeout(() => void this.join(), JOIN_RETRY_MS);
      return;
    }
    // A newer join (another meeting, a reconnect) superseded this one.
    if (token !== this.joinToken || meetingId !== this.sequencer.current || unit !== this.sequencer.unit) return;
    if (!res.ok) {
      if (res.error.code === 'unauthorized') return this.signedOut('unauthorized');
      this.meeting.set({ kind: 'error', id: meetingId, code: res.error.code, message: res.error.message });
      return;
    }
    let snap: MeetingSnapshot;
    try {
      snap = await unpackSnapshot(res.data);
    } catch (err) {
      // Deltas keep queueing in the sequencer; a fresh join replaces this one.
      if (token === this.joinToken) this.retryTimer = setTimeout(() => void this.join(), JOIN_RETRY_MS);
      console.error('snapshot could not be unpacked', err);
      return;
    }
    if (token !== this.joinToken || meetingId !== this.sequencer.current || unit !== this.sequencer.unit) return;
    this.applySnapshot(snap);
  }

  private applySnapshot(snap: MeetingSnapshot): void {
    const result = this.sequencer.snapshot(snap.meeting.id, snap.seq);
    if (!result.ok) {
      void this.join();
      return;
    }
    this.offsetMs = snap.serverTime - Date.now();
    if (snap.health) this.health.set(snap.health);
    const before = this.meeting.get();
    const resync = before.kind === 'ready' && before.id === snap.meeting.id;
    const data = indexMeeting(snap.meeting, snap.units, snap.points);
    if (snap.grouping) data.grouping = snap.grouping;
    this.statuses.reset(
      data.points.map((p) => p.code),
      snap.statuses,
    );
    const previous = resync ? this.outages.get() : [];
    const fresh = resync ? newlyOpened(previous, snap.outages) : [];
    this.outages.set(mergeOutages(previous, snap.outages));
    this.phase.set(snap.meeting.phase);
    this.meeting.set({ kind: 'ready', id: snap.meeting.id, data });
    if (fresh.length > 0) this.newOutages.emit(fresh);
    for (const d of result.replay) this.applyDelta(d);
  }

  private onDelta(d: MeetingDelta): void {
    switch (this.sequencer.delta(d)) {
      case 'apply':
        this.applyDelta(d);
        break;
      case 'gap':
        void this.join();
        break;
      default:
        break;
    }
  }

  private applyDelta(d: MeetingDelta): void {
    this.offsetMs = d.serverTime - Date.now();
    if (d.statuses.length > 0) this.statuses.apply(d.statuses);
    if (d.outages.length > 0) {
      const current = this.outages.get();
      const fresh = newlyOpened(current, d.outages);
      this.outages.set(mergeOutages(current, d.outages));
      if (fresh.length > 0) this.newOutages.emit(fresh);
    }
    if (d.phase !== undefined) this.phase.set(d.phase);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
