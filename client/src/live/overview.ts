// The dashboard's live link to a meeting's overview (docs/NATIONAL.md NV2, NV4) on the session's
// socket: `overview:join` for the snapshot, then `overview:delta` applied in seq order
// (applyOverviewDelta); a gap, a reconnect or an invalidation joins again for a fresh snapshot, as
// LiveSession does for the grid. Components read `state` through useSyncExternalStore.
import {
  applyOverviewDelta,
  type OverviewDelta,
  type ProblemPoint,
  type OverviewModel,
  type OverviewSnapshot,
} from '../../../shared/overview';
import type { Ack, ClientEvents, MeetingView, ServerEvents, ServerHealth } from '../../../shared/protocol';
import type { Phase } from '../../../shared/schemas';
import type { Socket } from 'socket.io-client';
import { Emitter, Observable } from '../lib/observable';
import { newlyBad } from '../lib/overview';
import { DeltaSequencer } from '../lib/sequencer';

export type OverviewState =
  | { kind: 'idle' }
  | { kind: 'loading'; id: string }
  | { kind: 'ready'; id: string; meeting: MeetingView; model: OverviewModel }
  | { kind: 'error'; id: string; code: string; message: string };

/** What the overview tells the session it lives in (clock, phase, storage health, a lost login). */
export interface OverviewHooks {
  serverTime(ms: number): void;
  phase(phase: Phase): void;
  health(h: ServerHealth): void;
  unauthorized(): void;
}

const JOIN_TIMEOUT_MS = 15_000;
const JOIN_RETRY_MS = 2_000;
export const JOIN_MARK = 'diemcau:overview-join';

export function overviewModel(snap: OverviewSnapshot): OverviewModel {
  return {
    seq: snap.seq,
    regions: snap.regions,
    problems: snap.problems,
    problemTotal: snap.problemTotal,
    phase: snap.meeting.phase,
  };
}

export class OverviewLive {
  readonly state = new Observable<OverviewState>({ kind: 'idle' });
  /** Problem points a delta made down or severe (not those of a snapshot): the dashboard beeps. */
  readonly worse = new Emitter<ProblemPoint[]>();
  private readonly sequencer = new DeltaSequencer<OverviewDelta>();
  private joinToken = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: Socket<ServerEvents, ClientEvents>,
    private readonly hooks: OverviewHooks,
  ) {}

  get current(): string | null {
    return this.sequencer.current;
  }

  /** The meeting whose overview is shown, or null for none (the overview is left). */
  select(meetingId: string | null): void {
    const previous = this.sequencer.current;
    if (meetingId === previous) return;
    if (previous !== null && this.socket.connected)
      this.socket.emit('overview:leave', { meetingId: previous }, () => {});
    this.sequencer.begin(meetingId);
    this.state.set(meetingId === null ? { kind: 'idle' } : { kind: 'loading', id: meetingId });
    void this.join();
  }

  /** After a reconnect (no meeting given) or the meeting's invalidation: a fresh snapshot. */
  rejoin(meetingId?: string): void {
    if (meetingId === undefined || meetingId === this.sequencer.current) void this.join();
  }

  onDelta(d: OverviewDelta): void {
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

  dispose(): void {
    this.clearRetry();
  }

  private async join(): Promise<void> {
    this.clearRetry();
    const meetingId = this.sequencer.current;
    if (meetingId === null || !this.socket.connected) return;
    const token = ++this.joinToken;
    this.sequencer.begin(meetingId);
    // The e2e test measures from here to the first render (OverviewPane's mark).
    performance.mark(JOIN_MARK);
    let res: Ack<OverviewSnapshot>;
    try {
      res = await this.socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('overview:join', { meetingId });
    } catch {
      if (token === this.joinToken) this.retryTimer = setTimeout(() => void this.join(), JOIN_RETRY_MS);
      return;
    }
    // A newer join (another meeting, a reconnect) superseded this one.
    if (token !== this.joinToken || meetingId !== this.sequencer.current) return;
    if (!res.ok) {
      if (res.error.code === 'unauthorized') return this.hooks.unauthorized();
      this.state.set({ kind: 'error', id: meetingId, code: res.error.code, message: res.error.message });
      return;
    }
    const snap = res.data;
    const result = this.sequencer.snapshot(snap.meeting.id, snap.seq);
    if (!result.ok) {
      void this.join();
      return;
    }
    this.hooks.serverTime(snap.serverTime);
    if (snap.health) this.hooks.health(snap.health);
    this.hooks.phase(snap.meeting.phase);
    this.state.set({ kind: 'ready', id: meetingId, meeting: snap.meeting, model: overviewModel(snap) });
    for (const d of result.replay) this.applyDelta(d);
  }

  private applyDelta(d: OverviewDelta): void {
    const s = this.state.get();
    if (s.kind !== 'ready' || s.id !== d.meetingId) return;
    this.hooks.serverTime(d.serverTime);
    if (d.phase !== undefined) this.hooks.phase(d.phase);
    this.state.set({ ...s, model: applyOverviewDelta(s.model, d) });
    const fresh = newlyBad(s.model.problems, d.problems);
    if (fresh.length > 0) this.worse.emit(fresh);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
