// Login sessions: a random 256-bit token in the cookie, only its SHA-256 in the database. A session
// ends after `idleMs` without use or `absoluteMs` after login, whichever comes first, on the injected
// clock; logout, a password change or the user's removal end it at once. Listeners (the socket layer)
// hear every end, so the sockets of an ended session are disconnected.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SessionEndReason } from '../../shared/protocol';
import type { Clock } from '../clock';
import type { SessionRow, Store, UserRow } from '../store/types';
import { isTokenShaped } from './cookies';

export interface SessionConfig {
  /** Default 12 h. */
  idleMs: number;
  /** Default 7 days. */
  absoluteMs: number;
  /** lastSeenAt is written at most this often per session (default 60 s): reads stay reads. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION: SessionConfig = {
  idleMs: 12 * 3_600_000,
  absoluteMs: 7 * 24 * 3_600_000,
  touchEveryMs: 60_000,
};

export interface ValidSession {
  tokenHash: string;
  session: SessionRow;
  user: UserRow;
  /** Absolute end (ms since epoch). */
  expiresAt: number;
}

export type SessionEndListener = (tokenHashes: readonly string[], reason: SessionEndReason) => void;

export interface SessionsOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  config?: Partial<SessionConfig>;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class Sessions {
  readonly config: SessionConfig;
  private readonly listeners = new Set<SessionEndListener>();

  constructor(private readonly o: SessionsOptions) {
    this.config = { ...DEFAULT_SESSION, ...o.config };
  }

  onEnded(listener: SessionEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new session for `user`; the token goes to the cookie and nowhere else. */
  async create(user: UserRow): Promise<{ token: string; valid: ValidSession }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.o.clock.now();
    const session: SessionRow = { tokenHash: hashToken(token), userId: user.id, createdAt: now, lastSeenAt: now };
    await this.o.store.createSession(session);
    return { token, valid: { tokenHash: session.tokenHash, session, user, expiresAt: this.expiresAt(session) } };
  }

  /** The live session of a cookie's token, its lastSeenAt moved forward; undefined otherwise. */
  async fromToken(token: string | undefined): Promise<ValidSession | undefined> {
    if (token === undefined || !isTokenShaped(token)) return undefined;
    return this.byHash(hashToken(token), true);
  }

  /**
   * The live session with this hash, with its user as stored now (a role change applies at once).
   * An expired one is deleted and announced. `touch` records the use (throttled).
   */
  async byHash(tokenHash: string, touch: boolean): Promise<ValidSession | undefined> {
    const found = await this.o.store.getSession(tokenHash);
    if (!found) return undefined;
    const { session, user } = found;
    const now = this.o.clock.now();
    if (this.expired(session, now)) {
      await this.end(tokenHash, 'expired');
      return undefined;
    }
    if (touch && now - session.lastSeenAt >= this.config.touchEveryMs) {
      try {
        await this.o.store.touchSession(tokenHash, now);
        session.lastSeenAt = now;
      } catch (err) {
        // A full disk must not log everyone out: the session stays valid on its last recorded use.
        this.o.logger.debug({ err }, 'sessions: could not record a session use');
      }
    }
    return { tokenHash, session, user, expiresAt: this.expiresAt(session) };
  }

  /** Ends one session (logout). */
  async end(tokenHash: string, reason: SessionEndReason): Promise<void> {
    try {
      await this.o.store.deleteSession(tokenHash);
    } finally {
      this.emit([tokenHash], reason);
    }
  }

  /** Ends a user's sessions, all or all but `keep` (password change, removal). */
  async endUserSessions(userId: number, reason: SessionEndReason, keep?: string): Promise<void> {
    const hashes = await this.o.store.deleteUserSessions(userId, keep);
    if (hashes.length > 0) this.emit(hashes, reason);
  }

  /** Deletes expired sessions from the store and announces them; returns how many. */
  async purgeExpired(): Promise<number> {
    const now = this.o.clock.now();
    const hashes = await this.o.store.deleteExpiredSessions(
      now - this.config.idleMs + 1,
      now - this.config.absoluteMs + 1,
    );
    if (hashes.length > 0) this.emit(hashes, 'expired');
    return hashes.length;
  }

  expiresAt(s: SessionRow): number {
    return s.createdAt + this.config.absoluteMs;
  }

  private expired(s: SessionRow, now: number): boolean {
    return now - s.lastSeenAt >= this.config.idleMs || now - s.createdAt >= this.config.absoluteMs;
  }

  private emit(hashes: readonly string[], reason: SessionEndReason): void {
    for (const l of this.listeners) {
      try {
        l(hashes, reason);
      } catch (err) {
        this.o.logger.error({ err }, 'sessions: an end listener failed');
      }
    }
  }
}
