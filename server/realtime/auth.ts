// Socket.IO side of authentication. The handshake must come from this origin (or no browser at all)
// and carry the session cookie; otherwise connect_error "forbidden: cross-origin" / "unauthorized".
// Every event re-reads the session (a role change applies at once; an ended session gets
// "unauthorized"). A session that ends — logout, expiry, password change, removal — disconnects its
// sockets after a `session:ended` event; a sweep catches expiries and sessions deleted by another
// process (the CLI), and keeps the sessions of open dashboards from going idle.
// A wall screen's display cookie is taken when the handshake asks for it (auth.display) or carries no
// session (server/auth/display-links.ts): such a socket may only join and leave the meeting its link
// shows; a revoked link disconnects it.
import type { Logger } from 'pino';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { ClientEvents, ServerEvents, SessionEndReason } from '../../shared/protocol';
import { readCookie } from '../auth/cookies';
import { inLang, wordLang, words, type WordLang } from '../../shared/words';
import { displayActor, type DisplayLinks } from '../auth/display-links';
import { UnauthorizedError } from '../auth/errors';
import type { Actor } from '../auth/policy';
import type { Sessions } from '../auth/sessions';
import { sameOrigin } from '../http/security';

export interface SocketData {
  /** SHA-256 of the session token the handshake carried. */
  tokenHash?: string;
  /** The display link a wall screen signed in with (no user session). */
  displayId?: number;
  /**
   * The language acks are worded in: the handshake's `auth.lang`, else its Accept-Language; changed
   * by a `session:lang` event when the dashboard switches language. Vietnamese by default.
   */
  lang?: WordLang;
}

/** The socket's language from its handshake: `auth.lang` first, then the Accept-Language header. */
export function handshakeLang(auth: unknown, acceptLanguage: string | string[] | undefined): WordLang {
  const asked = (auth as { lang?: unknown } | null | undefined)?.lang;
  if (typeof asked === 'string') return wordLang(asked);
  const header = Array.isArray(acceptLanguage) ? acceptLanguage[0] : acceptLanguage;
  return wordLang(header);
}

const REVOKED = words('Liên kết màn hình này đã bị thu hồi.', 'Unauthorized: this display link has been revoked.');
const SESSION_ENDED = words(
  'Phiên đăng nhập đã hết: hãy đăng nhập lại.',
  'Unauthorized: the session has ended; log in again.',
);

export type IoServer = Server<ClientEvents, ServerEvents, DefaultEventsMap, SocketData>;
export type IoSocket = Socket<ClientEvents, ServerEvents, DefaultEventsMap, SocketData>;

export interface SocketAuthOptions {
  io: IoServer;
  sessions: Sessions;
  cookieName: string;
  trustProxy: boolean;
  logger: Logger;
  /** How often connected sockets' sessions are checked and kept alive (default 30 s). */
  sweepMs?: number;
  /** Wall screens: their links and the display cookie's name. */
  displays?: { links: DisplayLinks; cookieName: string };
}

export class SocketAuth {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SocketAuthOptions) {
    o.sessions.onEnded((hashes, reason) => this.disconnect(hashes, reason));
    o.displays?.links.onRevoked((id) => this.disconnectDisplays([id]));
  }

  /** For `io.use`, after the protocol check. */
  readonly middleware = (socket: IoSocket, next: (err?: Error) => void): void => {
    void this.admit(socket, next);
  };

  private async admit(socket: IoSocket, next: (err?: Error) => void): Promise<void> {
    const headers = socket.handshake.headers;
    socket.data.lang = handshakeLang(socket.handshake.auth, headers['accept-language']);
    if (!sameOrigin(headers, this.o.trustProxy)) return next(new Error('forbidden: cross-origin'));
    // A wall screen asks for its display identity (auth.display), even where a user is signed in too.
    const wantsDisplay = (socket.handshake.auth as { display?: unknown } | undefined)?.display === true;
    let valid;
    try {
      valid = wantsDisplay ? undefined : await this.o.sessions.fromToken(readCookie(headers.cookie, this.o.cookieName));
    } catch (err) {
      this.o.logger.error({ err }, 'socket handshake: session lookup failed');
      return next(new Error('internal error'));
    }
    if (valid) {
      socket.data.tokenHash = valid.tokenHash;
      return next();
    }
    const displays = this.o.displays;
    let link;
    try {
      link = await displays?.links.fromToken(readCookie(headers.cookie, displays.cookieName));
    } catch (err) {
      this.o.logger.error({ err }, 'socket handshake: display link lookup failed');
      return next(new Error('internal error'));
    }
    if (!link) return next(new Error('unauthorized'));
    socket.data.displayId = link.id;
    this.readOnly(socket);
    next();
  }

  /** The socket's user as stored now; UnauthorizedError (then a disconnect) when the session ended. */
  async user(socket: IoSocket): Promise<Actor> {
    const id = socket.data.displayId;
    if (id !== undefined) {
      const link = await this.o.displays?.links.active(id);
      if (link) return displayActor(link);
      this.disconnectDisplays([id]);
      throw new UnauthorizedError(REVOKED);
    }
    const hash = socket.data.tokenHash;
    const valid = hash === undefined ? undefined : await this.o.sessions.byHash(hash, true);
    if (valid) return valid.user;
    if (hash !== undefined) this.disconnect([hash], 'revoked');
    throw new UnauthorizedError(SESSION_ENDED);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.sweep(), this.o.sweepMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks every connected socket's session now (the timer calls it; tests too). */
  async sweep(): Promise<void> {
    try {
      const hashes = new Set<string>();
      const displayIds = new Set<number>();
      for (const s of this.o.io.of('/').sockets.values()) {
        if (s.data.tokenHash) hashes.add(s.data.tokenHash);
        if (s.data.displayId !== undefined) displayIds.add(s.data.displayId);
      }
      const revoked: number[] = [];
      for (const id of displayIds) if (!(await this.o.displays?.links.active(id))) revoked.push(id);
      if (revoked.length > 0) this.disconnectDisplays(revoked);
      const gone: string[] = [];
      // An expired one is announced by Sessions itself; one deleted elsewhere (CLI) is found here.
      for (const h of hashes) if (!(await this.o.sessions.byHash(h, true))) gone.push(h);
      if (gone.length > 0) this.disconnect(gone, 'revoked');
      await this.o.sessions.purgeExpired();
    } catch (err) {
      this.o.logger.warn({ err }, 'socket session sweep failed');
    }
  }

  /**
   * A wall screen's socket hears nothing it did not ask for but its meeting's room, and may ask only
   * to join the meeting its link shows now (or to leave): every other event is refused before any
   * handler runs, with the ack a handler would give.
   */
  private readOnly(socket: IoSocket): void {
    socket.use((packet, next) => void this.screen(socket, packet, next));
  }

  /** One event of a wall screen's socket: let through (next) or refused with its ack. */
  private async screen(socket: IoSocket, packet: unknown[], next: (err?: Error) => void): Promise<void> {
    const [event, payload] = packet;
    const last: unknown = packet[packet.length - 1];
    const lang = socket.data.lang ?? 'vi';
    const refuse = (code: 'unauthorized' | 'forbidden', said: { vi: string; en: string }): void => {
      const message = inLang(said, lang);
      if (packet.length > 1 && typeof last === 'function') last({ ok: false, error: { code, message } });
    };
    const id = socket.data.displayId;
    const link = id === undefined ? undefined : await this.o.displays?.links.active(id);
    if (!link) {
      refuse('unauthorized', REVOKED);
      if (id !== undefined) this.disconnectDisplays([id]);
      return;
    }
    if (event === 'meeting:leave' || event === 'overview:leave' || event === 'session:lang') return next();
    // Its meeting's grid (whole or a region's: docs/NATIONAL.md NV3) or its overview (NV2, a large meeting).
    if (event === 'meeting:join' || event === 'overview:join') {
      const wanted = (payload as { meetingId?: unknown } | null | undefined)?.meetingId;
      const shown = this.o.displays!.links.meetingOf(link);
      if (wanted === shown) return next();
      return refuse(
        'forbidden',
        shown === null
          ? words(
              'Không được phép: liên kết màn hình này hiện không hiển thị hội nghị nào.',
              'Forbidden: this display link shows no meeting now.',
            )
          : words(
              `Không được phép: liên kết màn hình này chỉ hiển thị hội nghị ${shown}.`,
              `Forbidden: this display link shows meeting ${shown} only.`,
            ),
      );
    }
    refuse(
      'forbidden',
      words(
        `Không được phép: màn hình treo tường chỉ để xem; không được gửi “${String(event)}”.`,
        `Forbidden: a display screen is read-only; "${String(event)}" is not allowed.`,
      ),
    );
  }

  private disconnectDisplays(ids: readonly number[]): void {
    const set = new Set(ids);
    for (const s of this.o.io.of('/').sockets.values()) {
      if (s.data.displayId === undefined || !set.has(s.data.displayId)) continue;
      s.data.displayId = undefined;
      s.emit('session:ended', { reason: 'revoked' });
      setImmediate(() => s.disconnect(true));
    }
  }

  private disconnect(hashes: readonly string[], reason: SessionEndReason): void {
    const set = new Set(hashes);
    for (const s of this.o.io.of('/').sockets.values()) {
      if (s.data.tokenHash === undefined || !set.has(s.data.tokenHash)) continue;
      s.data.tokenHash = undefined;
      s.emit('session:ended', { reason });
      // After the current tick, so an event being answered still gets its "unauthorized" ack.
      setImmediate(() => s.disconnect(true));
    }
  }
}
