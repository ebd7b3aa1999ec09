// The checklist view's live link, on a socket of its own: joins a meeting's checklist (snapshot), then
// applies every change pushed to the meeting's room. Writes carry the version last seen; one write per
// item at a time (a second press waits for the first answer, then goes with the new version), and a
// conflict puts the current value in the store and a notice on screen: nothing is overwritten unseen.
import type {
  ChecklistChanged,
  ChecklistSnapshot,
  ItemMark,
  ItemResult,
  RollCallCapture,
  RollCallMark,
  RollCallStatus,
} from '../../../shared/checklist';
import { unpackJson, type PackedJson } from '../../../shared/wire';
import type { Ack, AckError, ChecklistConflict, ChecklistWriteAck } from '../../../shared/protocol';
import type { DashboardSocket } from '../live/session';
import { ChecklistStore } from './checklistStore';
import { Observable } from './observable';

export type ChecklistState =
  | { kind: 'idle' }
  | { kind: 'loading'; id: string }
  | { kind: 'ready'; id: string }
  | { kind: 'error'; id: string; code: string; message: string };

export type ChecklistNotice =
  | {
      kind: 'conflict';
      /** The item key, or null for a roll-call confirmation. */
      item: string | null;
      point: string;
      /** What this user tried to set. */
      wanted: ItemResult | RollCallStatus | null;
      current: ItemMark | RollCallMark;
    }
  | { kind: 'error'; point: string; message: string };

interface ItemChange {
  result?: ItemResult;
  note?: string | null;
}
interface RollCallChange {
  status?: RollCallStatus;
  note?: string | null;
}
type Write =
  | { kind: 'item'; point: string; item: string; change: ItemChange }
  | { kind: 'rollCall'; point: string; change: RollCallChange };

/** What the room pushed while a join was under way. */
interface JoinBuffer {
  changes: ChecklistChanged[];
  captures: RollCallCapture[];
}

const JOIN_TIMEOUT_MS = 15_000;
const WRITE_TIMEOUT_MS = 15_000;
const RETRY_MS = 2_000;

const writeKey = (w: Write): string => (w.kind === 'item' ? `i\u0000${w.point}\u0000${w.item}` : `r\u0000${w.point}`);

export class ChecklistLive {
  readonly state = new Observable<ChecklistState>({ kind: 'idle' });
  readonly store = new ChecklistStore();
  readonly notice = new Observable<ChecklistNotice | null>(null);
  readonly connected = new Observable<boolean>(false);
  /** Writes sent and not yet answered. */
  readonly saving = new Observable<number>(0);

  private socket: DashboardSocket | null = null;
  private meetingId: string | null = null;
  private joinToken = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Changes pushed while a join is under way (its ack awaited, then unpacked): replayed onto the fresh
   * snapshot, where marks older than it are ignored by version.
   */
  private joining: JoinBuffer | null = null;
  /** Writes in flight, by item; the value is the change queued behind it, if any. */
  private readonly inflight = new Map<string, Write | null>();

  /** `connect` opens a socket (with the session cookie); called by open(), once per open. */
  constructor(private readonly connect: () => DashboardSocket) {}

  /** Opens the socket and joins the selected meeting whenever it (re)connects. */
  open(): void {
    if (this.socket) return;
    const socket = this.connect();
    this.socket = socket;
    socket.on('connect', () => {
      this.connected.set(true);
      void this.join();
    });
    socket.on('disconnect', () => this.connected.set(false));
    socket.on('checklist:changed', (c) => {
      if (c.meetingId !== this.meetingId) return;
      this.joining?.changes.push(c);
      this.store.apply(c.items, c.rollCall);
    });
    socket.on('rollcall:captured', ({ meetingId, capture }) => {
      if (meetingId !== this.meetingId) return;
      // Unpacking is asynchronous; the order against other events does not matter (the store keeps
      // one capture per moment, whenever it arrives, also against a join's snapshot).
      unpackJson(capture).then(
        (c) => {
          if (meetingId !== this.meetingId || this.socket !== socket) return;
          this.joining?.captures.push(c);
          this.store.addCapture(c);
        },
        () => {
          // A capture that cannot be read: the snapshot of a new join holds it.
          if (meetingId === this.meetingId && this.socket === socket) void this.join();
        },
      );
    });
    socket.on('checklist:invalidated', ({ meetingId }) => {
      if (meetingId === this.meetingId) void this.join();
    });
    // The meeting's points changed.
    socket.on('meeting:invalidated', ({ meetingId }) => {
      if (meetingId === this.meetingId) void this.join();
    });
  }

  close(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.joinToken++;
    this.inflight.clear();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.connected.set(false);
  }

  select(meetingId: string | null): void {
    if (meetingId === this.meetingId) return;
    if (this.meetingId !== null && this.socket?.connected) {
      this.socket.emit('meeting:leave', { meetingId: this.meetingId }, () => {});
    }
    this.meetingId = meetingId;
    this.inflight.clear();
    this.notice.set(null);
    this.store.reset(null);
    this.state.set(meetingId === null ? { kind: 'idle' } : { kind: 'loading', id: meetingId });
    void this.join();
  }

  setItem(point: string, item: string, change: ItemChange): void {
    this.write({ kind: 'item', point, item, change });
  }

  confirm(point: string, change: RollCallChange): void {
    this.write({ kind: 'rollCall', point, change });
  }

  dismissNotice(): void {
    this.notice.set(null);
  }

  private write(w: Write): void {
    const key = writeKey(w);
    if (this.inflight.has(key)) {
      // Behind the one in flight: the latest wish wins, sent with the version its answer brings.
      const queued = this.inflight.get(key);
      const change = { ...queued?.change, ...w.change };
      this.inflight.set(key, { ...w, change } as Write);
      return;
    }
    this.inflight.set(key, null);
    this.saving.set(this.saving.get() + 1);
    void this.send(w).finally(() => {
      this.saving.set(this.saving.get() - 1);
      const next = this.inflight.get(key);
      this.inflight.delete(key);
      if (next) this.write(next);
    });
  }

  private async send(w: Write): Promise<void> {
    const meetingId = this.meetingId;
    const socket = this.socket;
    if (meetingId === null || socket === null) return;
    let res: ChecklistWriteAck<ItemMark | RollCallMark>;
    try {
      if (w.kind === 'item') {
        const version = this.store.item(w.point, w.item).version;
        res = await socket
          .timeout(WRITE_TIMEOUT_MS)
          .emitWithAck('checklist:set', { meetingId, point: w.point, item: w.item, ...w.change, version });
      } else {
        const version = this.store.rollCallOf(w.point).version;
        res = await socket
          .timeout(WRITE_TIMEOUT_MS)
          .emitWithAck('rollcall:confirm', { meetingId, point: w.point, ...w.change, version });
      }
    } catch (err) {
      this.notice.set({ kind: 'error', point: w.point, message: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (meetingId !== this.meetingId) return;
    if (res.ok) {
      if (w.kind === 'item') this.store.apply([res.data as ItemMark]);
      else this.store.apply([], [res.data as RollCallMark]);
      return;
    }
    if (isConflict(res.error)) {
      const current = res.error.current;
      if (w.kind === 'item') this.store.apply([current as ItemMark]);
      else this.store.apply([], [current as RollCallMark]);
      // A queued change was meant for the value this user had seen: drop it, they decide again.
      this.inflight.set(writeKey(w), null);
      this.notice.set({
        kind: 'conflict',
        item: w.kind === 'item' ? w.item : null,
        point: w.point,
        wanted: (w.kind === 'item' ? w.change.result : w.change.status) ?? null,
        current,
      });
      return;
    }
    this.notice.set({ kind: 'error', point: w.point, message: res.error.message });
  }

  private async join(): Promise<void> {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const meetingId = this.meetingId;
    const socket = this.socket;
    if (meetingId === null || !socket?.connected) return;
    const token = ++this.joinToken;
    const joining: JoinBuffer = { changes: [], captures: [] };
    this.joining = joining;
    const retry = (): void => {
      if (token !== this.joinToken) return;
      this.joining = null;
      this.retryTimer = setTimeout(() => void this.join(), RETRY_MS);
    };
    let res: Ack<PackedJson<ChecklistSnapshot>>;
    try {
      res = await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('checklist:join', { meetingId });
    } catch {
      return retry();
    }
    if (token !== this.joinToken || meetingId !== this.meetingId) return;
    if (!res.ok) {
      this.joining = null;
      this.state.set({ kind: 'error', id: meetingId, code: res.error.code, message: res.error.message });
      return;
    }
    let snap: ChecklistSnapshot;
    try {
      snap = await unpackJson(res.data);
    } catch {
      return retry();
    }
    if (token !== this.joinToken || meetingId !== this.meetingId) return;
    this.joining = null;
    this.store.reset(snap);
    for (const c of joining.changes) this.store.apply(c.items, c.rollCall);
    for (const c of joining.captures) this.store.addCapture(c);
    this.state.set({ kind: 'ready', id: meetingId });
  }
}

function isConflict(e: AckError | ChecklistConflict): e is ChecklistConflict {
  return e.code === 'conflict' && 'current' in e;
}
