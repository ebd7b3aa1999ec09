// Who is signed in, outside React (like LiveSession, so StrictMode's double effects change nothing).
// At start GET /api/auth/me decides between the login screen and the dashboard; the socket is opened
// only with a session, and a new one after each login. The session ends on logout, on the server's
// `session:ended`, on a refused handshake or ack, or on any API 401: back to the login screen.
import type { Me } from '../../../shared/protocol';
import { Observable } from '../lib/observable';
import { ApiError, setUnauthorizedHandler } from './api';
import { fetchMe, postLogout } from './authApi';
import type { LiveSession, SignOutReason } from './session';

export type AuthState =
  | { kind: 'checking' }
  /** The server did not answer GET /api/auth/me (`storage`: its database failed); tried again. */
  | { kind: 'unreachable'; message: string; storage: boolean }
  | { kind: 'signedOut'; reason: SignOutReason | null }
  /** `generation` counts logins, so the dashboard starts afresh with each one. */
  | { kind: 'signedIn'; me: Me; live: LiveSession; generation: number };

const CHECK_RETRY_MS = 5_000;

export class AuthStore {
  readonly state = new Observable<AuthState>({ kind: 'checking' });
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  /** `connect` opens a live session (a socket carrying the session cookie). */
  constructor(private readonly connect: () => LiveSession) {
    setUnauthorizedHandler(() => this.signOut('unauthorized'));
  }

  /** Asks the server whether the page already has a session. */
  async check(): Promise<void> {
    this.clearRetry();
    let me: Me | null;
    try {
      me = await fetchMe();
    } catch (err) {
      if (this.state.get().kind === 'signedIn') return;
      this.state.set({
        kind: 'unreachable',
        message: err instanceof Error ? err.message : String(err),
        storage: err instanceof ApiError && err.code === 'storage_unavailable',
      });
      this.retryTimer = setTimeout(() => void this.check(), CHECK_RETRY_MS);
      return;
    }
    if (this.state.get().kind === 'signedIn') return;
    if (me) this.signIn(me);
    else this.state.set({ kind: 'signedOut', reason: null });
  }

  /** After a successful login (the cookie is set): open the dashboard and its socket. */
  signIn(me: Me): void {
    this.clearRetry();
    const current = this.state.get();
    if (current.kind === 'signedIn') current.live.dispose();
    const live = this.connect();
    live.ended.on((reason) => this.signOut(reason));
    this.state.set({ kind: 'signedIn', me, live, generation: ++this.generation });
  }

  /** The session is over (or refused): close the socket, show the login screen with the reason. */
  signOut(reason: SignOutReason | null): void {
    const current = this.state.get();
    if (current.kind !== 'signedIn') return;
    current.live.dispose();
    this.state.set({ kind: 'signedOut', reason });
  }

  /** "Đăng xuất": ends the session on the server first, so a failure leaves the user signed in. */
  async logout(): Promise<void> {
    await postLogout();
    this.signOut('logout');
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
