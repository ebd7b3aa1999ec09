// Who the wall screen is, outside React (like AuthStore: StrictMode's double effects open no second
// socket). A display link's token in the URL signs the screen in once (the server sets the display
// cookie) and is then taken out of the address bar; afterwards the cookie alone signs it in, also
// after a server restart: the socket reconnects by itself and LiveSession joins again (fresh snapshot).
// Without a display cookie, a signed-in user's session shows the wall too. The meeting shown is
// re-read every minute and when the meetings change, so a link bound to "the current meeting" follows.
// [NV4] A large meeting is shown by its overview (never 40,000 tiles): a user's screen knows the size
// from the meeting list; a display screen does not read it, so it joins the overview first, which says.
import type { DisplayMe } from '../../../../shared/display';
import { OVERVIEW_FROM } from '../../../../shared/overview';
import { chooseMeeting, meetingFromUrl } from '../../lib/meetingPick';
import { overviewSize } from '../../lib/overview';
import { Observable } from '../../lib/observable';
import { api } from '../../live/api';
import { fetchMe } from '../../live/authApi';
import type { LiveSession } from '../../live/session';
import { tokenFromHash, wallApi } from './wallApi';

export type WallState =
  | { kind: 'checking'; offline: boolean }
  | { kind: 'display'; me: DisplayMe; live: LiveSession }
  | { kind: 'user'; live: LiveSession }
  /** `noLink`: neither a display cookie nor a session; `badLink`: the URL's token was refused. */
  | { kind: 'none'; reason: 'noLink' | 'badLink' | 'revoked' };

const RETRY_MS = 5_000;
const REFRESH_MS = 60_000;

export class WallStore {
  readonly state = new Observable<WallState>({ kind: 'checking', offline: false });
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The meeting being shown (undefined: none chosen yet) and the watch of its overview's size. */
  private shown: string | null | undefined = undefined;
  private offProbe: (() => void) | null = null;

  /** `connect(display)`: a live session whose socket signs in as the display (true) or the user. */
  constructor(private readonly connect: (display: boolean) => LiveSession) {}

  async start(): Promise<void> {
    this.clearTimer();
    try {
      const token = tokenFromHash(window.location.hash);
      if (token !== null) {
        // The token leaves the address bar (and the history) at once: the cookie carries it from now on.
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#wall`);
        const me = await wallApi.signIn(token);
        if (me === null) return this.state.set({ kind: 'none', reason: 'badLink' });
        return this.open({ kind: 'display', me });
      }
      const me = await wallApi.me();
      if (me !== null) return this.open({ kind: 'display', me });
      if ((await fetchMe()) !== null) return this.open({ kind: 'user' });
      this.state.set({ kind: 'none', reason: 'noLink' });
    } catch {
      // The server is not answering (restarting, network): try again, showing that we are offline.
      this.state.set({ kind: 'checking', offline: true });
      this.timer = setTimeout(() => void this.start(), RETRY_MS);
    }
  }

  private open(who: { kind: 'display'; me: DisplayMe } | { kind: 'user' }): void {
    const live = this.connect(who.kind === 'display');
    live.ended.on(() => {
      live.dispose();
      this.clearTimer();
      this.state.set({ kind: 'none', reason: who.kind === 'display' ? 'revoked' : 'noLink' });
    });
    live.meetingsChanged.on(() => void this.refresh(live));
    this.state.set(who.kind === 'display' ? { kind: 'display', me: who.me, live } : { kind: 'user', live });
    void this.refresh(live, who.kind === 'display' ? who.me : undefined);
  }

  /** Which meeting to show now; a failed look-up keeps the current one (the socket says if we are offline). */
  private async refresh(live: LiveSession, known?: DisplayMe): Promise<void> {
    this.clearTimer();
    const s = this.state.get();
    try {
      if (s.kind === 'display') {
        const me = known ?? (await wallApi.me());
        if (me === null) {
          live.dispose();
          return this.state.set({ kind: 'none', reason: 'revoked' });
        }
        if (this.state.get() !== s) return;
        if (me.meetingId !== s.me.meetingId || me.label !== s.me.label) this.state.set({ ...s, me });
        this.show(live, me.meetingId);
      } else if (s.kind === 'user') {
        const meetings = await api.meetings();
        const id = chooseMeeting(meetings, meetingFromUrl(window.location.search), null).id;
        this.show(live, id, meetings.find((m) => m.id === id)?.size ?? null);
      } else {
        return;
      }
    } catch {
      // Kept as is; tried again below.
    }
    if (this.state.get().kind === s.kind) this.timer = setTimeout(() => void this.refresh(live), REFRESH_MS);
  }

  /**
   * The meeting on the screen: its overview when it has more than OVERVIEW_FROM points, else its grid.
   * `size` undefined: not known here, the overview is joined first and tells it (an overview the
   * server refuses falls back to the grid); null: known to be unsaid (a small meeting).
   */
  private show(live: LiveSession, meetingId: string | null, size?: number | null): void {
    if (meetingId === this.shown) return;
    this.shown = meetingId;
    this.offProbe?.();
    this.offProbe = null;
    const grid = (): void => {
      live.overview.select(null);
      live.select(meetingId);
    };
    if (meetingId === null || (size !== undefined && (size === null || size <= OVERVIEW_FROM))) return grid();
    live.select(null);
    live.overview.select(meetingId);
    if (size !== undefined) return;
    const check = (): void => {
      const s = live.overview.state.get();
      if (s.kind === 'idle' || s.kind === 'loading' || s.id !== meetingId) return;
      this.offProbe?.();
      this.offProbe = null;
      if (s.kind === 'error' || overviewSize(s.meeting, s.model.regions) <= OVERVIEW_FROM) grid();
    };
    this.offProbe = live.overview.state.subscribe(check);
    check();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
