// Whether the database accepts writes, as seen by the parts that write to it (outage recorder, rollup
// buffer, run log). Each reports after every attempt; storage is `failing` while any part's last
// attempt failed. The dashboards and /api/health show it; the log says when it starts and ends.
import type { Logger } from 'pino';
import type { Clock } from '../clock';

export type StorageState = 'ok' | 'failing';

export interface StorageHealthSnapshot {
  storage: StorageState;
  /** When the current state began (ms since epoch); the health object's creation for a first `ok`. */
  since: number;
  /** Writes waiting in memory for the database, summed over the writers. */
  pendingWrites: number;
}

interface SourceState {
  ok: boolean;
  pending: number;
}

/** SQLite's codes a later attempt may get past: full disk, I/O, read-only file, locks. */
const SQLITE_FAULT = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOMEM|CORRUPT|NOTADB)/;

/**
 * PostgreSQL's (SQLSTATE) and the socket's: the server unreachable, restarting or shut down (class 08,
 * 57P01–57P03, a refused or reset connection), out of connections, disk, memory or I/O (53xxx, 58030),
 * read-only (a standby after a failover: 25006), a statement cancelled by the store's statement_timeout
 * (57014: a lock a stuck session holds). pg/errors.ts gives pg's code-less connection errors 08006.
 */
const PG_FAULT =
  /^(08[0-9A-Z]{3}|57P0[123]|57014|53[0-9A-Z]{3}|58030|25006|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;

/** True for storage errors a later attempt may get past (SQLite's or PostgreSQL's); false for a refused row. */
export function isStorageFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (SQLITE_FAULT.test(code) || PG_FAULT.test(code));
}

export class StorageHealth {
  private readonly sources = new Map<string, SourceState>();
  private state: StorageState = 'ok';
  private since: number;
  private readonly listeners = new Set<(s: StorageHealthSnapshot) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.since = clock.now();
  }

  /** A writer's latest attempt: whether it succeeded and how many writes it still holds. */
  report(source: string, ok: boolean, pending: number, err?: unknown): void {
    const prev = this.sources.get(source);
    if (prev && prev.ok === ok && prev.pending === pending) return;
    this.sources.set(source, { ok, pending });
    const failing = [...this.sources.values()].some((s) => !s.ok);
    const next: StorageState = failing ? 'failing' : 'ok';
    if (next !== this.state) {
      this.state = next;
      this.since = this.clock.now();
      if (failing) {
        this.logger.error(
          { err, source, pendingWrites: this.pendingWrites() },
          'storage: writes are failing; monitoring goes on and writes wait in memory',
        );
      } else {
        this.logger.warn({ source }, 'storage: writes succeed again; pending writes done');
      }
    }
    const snap = this.snapshot();
    for (const l of this.listeners) l(snap);
  }

  snapshot(): StorageHealthSnapshot {
    return { storage: this.state, since: this.since, pendingWrites: this.pendingWrites() };
  }

  onChange(listener: (s: StorageHealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private pendingWrites(): number {
    let n = 0;
    for (const s of this.sources.values()) n += s.pending;
    return n;
  }
}
