// The report view's live link, on a socket of its own: it watches the chosen meeting's room
// (`report:watch`, no snapshot) and hands every outage note pushed there to its listeners, so an
// acknowledgement made on another dashboard shows at once. Rejoins after a reconnect.
import type { OutageNote } from '../../../shared/report';
import type { DashboardSocket } from '../live/session';
import { Emitter } from './observable';

const WATCH_TIMEOUT_MS = 15_000;

export class ReportLive {
  readonly notes = new Emitter<OutageNote>();
  private socket: DashboardSocket | null = null;
  private meetingId: string | null = null;

  constructor(private readonly connect: () => DashboardSocket) {}

  open(): void {
    if (this.socket) return;
    const s = this.connect();
    this.socket = s;
    s.on('connect', () => void this.watch());
    s.on('outage:annotated', (n) => {
      if (n.meeting === this.meetingId) this.notes.emit(n);
    });
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  select(meetingId: string | null): void {
    const previous = this.meetingId;
    if (previous === meetingId) return;
    this.meetingId = meetingId;
    if (previous !== null && this.socket?.connected)
      this.socket.emit('meeting:leave', { meetingId: previous }, () => {});
    void this.watch();
  }

  private async watch(): Promise<void> {
    const s = this.socket;
    const id = this.meetingId;
    if (!s?.connected || id === null) return;
    // A refusal (the meeting was removed) or a timeout leaves the view without live notes: it still works.
    await s
      .timeout(WATCH_TIMEOUT_MS)
      .emitWithAck('report:watch', { meetingId: id })
      .catch(() => undefined);
  }
}
