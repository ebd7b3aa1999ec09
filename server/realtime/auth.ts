// Socket.IO side of authentication. The handshake must come from this origin (or no browser at all)
// and carry the session cookie; otherwise connect_error "forbidden: cross-origin" / "unauthorized".
// Every event re-reads the session (a role change applies at once; an ended session gets
// "unauthorized"). A session that ends — logout, expiry, password change, removal — disconnects its
// sockets after a `session:ended` event; a sweep catches expiries and sessions deleted by another
// process (the CLI), and keeps the sessions of open dashboards from going idle.
import type { Logger } from 'pino';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { ClientEvents, ServerEvents, SessionEndReason } from '../../shared/protocol';
import { readCookie } from '../auth/cookies';
import { UnauthorizedError } from '../auth/errors';
import type { Sessions } from '../auth/sessions';
import { sameOrigin } from '../http/security';
import type { UserRow } from '../store/types';

export interface SocketData {
  /** SHA-256 of the session token the handshake carried. */
  tokenHash?: string;
}

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
}

export class SocketAuth {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SocketAuthOptions) {
    o.sessions.onEnded((hashes, reason) => this.disconnect(hashes, reason));
  }

  /** For `io.use`, after the protocol check. */
  readonly middleware = (socket: IoSocket, next: (err?: Error) => void): void => {
    const headers = socket.handshake.headers;
    if (!sameOrigin(headers, this.o.trustProxy)) return next(new Error('forbidden: cross-origin'));
    let valid;
    try {
      valid = this.o.sessions.fromToken(readCookie(headers.cookie, this.o.cookieName));
    } catch (err) {
      this.o.logger.error({ err }, 'socket handshake: session lookup failed');
      return next(new Error('internal error'));
    }
    if (!valid) return next(new Error('unauthorized'));
    socket.data.tokenHash = valid.tokenHash;
    next();
  };

  /** The socket's user as stored now; UnauthorizedError (then a disconnect) when the session ended. */
  user(socket: IoSocket): UserRow {
    const hash = socket.data.tokenHash;
    const valid = hash === undefined ? undefined : this.o.sessions.byHash(hash, true);
    if (valid) return valid.user;
    if (hash !== undefined) this.disconnect([hash], 'revoked');
    throw new UnauthorizedError('unauthorized: the session has ended; log in again');
  }

  start(): void {
    this.timer ??= setInterval(() => this.sweep(), this.o.sweepMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Checks every connected socket's session now (the timer calls it; tests too). */
  sweep(): void {
    try {
      const hashes = new Set<string>();
      for (const s of this.o.io.of('/').sockets.values()) if (s.data.tokenHash) hashes.add(s.data.tokenHash);
      const gone: string[] = [];
      // An expired one is announced by Sessions itself; one deleted elsewhere (CLI) is found here.
      for (const h of hashes) if (!this.o.sessions.byHash(h, true)) gone.push(h);
      if (gone.length > 0) this.disconnect(gone, 'revoked');
      this.o.sessions.purgeExpired();
    } catch (err) {
      this.o.logger.warn({ err }, 'socket session sweep failed');
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
