// The lease's one dedicated PostgreSQL session: a Client (never a pool: the advisory lock belongs to
// the session), with keepalives set, every query bounded by a deadline, and its end as a promise.
import { Client, type QueryResult, type QueryResultRow } from 'pg';
import {
  CREATE_LOCK_SQL,
  CREATE_TABLE_SQL,
  LISTEN_SQL,
  RELEASE_CHANNEL,
  TABLE_OID_SQL,
  oidToInt4,
  sessionSettingsSql,
} from './lease-sql';

/** A query that did not answer within its deadline: the session is not trusted any more. */
export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no answer from PostgreSQL within ${Math.round(ms)} ms`);
    this.name = 'DeadlineError';
  }
}

export interface SessionOptions {
  url: string;
  instance: string;
  /** Bounds connecting, every query and the server-side timeouts (lease-sql.ts). */
  ttlMs: number;
  /** Called when a standby should try at once: a holder released the lease cleanly. */
  onRelease: () => void;
}

export class LeaseSession {
  /** Resolves, never rejects, with why the session ended, once it has. */
  readonly ended: Promise<string>;
  private endedWith: string | null = null;
  private markEnded!: (why: string) => void;
  private readonly enders = new Set<(why: string) => void>();
  /** The backend's pid, the table's OID (unsigned, as pg_locks shows it) and as the lock's int4. */
  pid = 0;
  tableOid = 0;
  lockKey = 0;

  private constructor(
    private readonly client: Client,
    private readonly ttlMs: number,
  ) {
    this.ended = new Promise((resolve) => {
      this.markEnded = (why) => {
        if (this.endedWith !== null) return;
        this.endedWith = why;
        for (const f of this.enders) f(why);
        resolve(why);
      };
    });
    // Without an 'error' listener a dropped socket would throw out of the event loop.
    client.on('error', (err) => this.markEnded(`session error: ${err.message}`));
    client.on('end', () => this.markEnded('session ended'));
  }

  static async open(o: SessionOptions): Promise<LeaseSession> {
    const client = new Client({
      connectionString: o.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
      connectionTimeoutMillis: o.ttlMs,
      application_name: `diemcau-lease:${o.instance}`.slice(0, 63),
    });
    const s = new LeaseSession(client, o.ttlMs);
    try {
      await s.bounded(client.connect());
      await s.query(sessionSettingsSql(o.ttlMs));
      s.pid = Number((await s.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
      await s.query(`BEGIN; ${CREATE_LOCK_SQL}; ${CREATE_TABLE_SQL}; COMMIT`);
      const oid = Number((await s.query<{ oid: string }>(TABLE_OID_SQL)).rows[0]?.oid);
      s.tableOid = oid;
      s.lockKey = oidToInt4(oid);
      client.on('notification', (n) => {
        if (n.channel === RELEASE_CHANNEL) o.onRelease();
      });
      await s.query(LISTEN_SQL);
      return s;
    } catch (err) {
      s.destroy('connect failed');
      throw err;
    }
  }

  /** Calls `f` once when the session ends (at once if it has); returns the unsubscribe. */
  onEnd(f: (why: string) => void): () => void {
    if (this.endedWith !== null) {
      f(this.endedWith);
      return () => undefined;
    }
    this.enders.add(f);
    return () => this.enders.delete(f);
  }

  get isEnded(): boolean {
    return this.endedWith !== null;
  }

  /** One query, failing when the session ends or no answer comes within `deadlineMs` (then closed). */
  async query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
    deadlineMs = this.ttlMs,
  ): Promise<QueryResult<R>> {
    return this.bounded(this.client.query<R>(text, values), deadlineMs);
  }

  private bounded<T>(work: Promise<T>, deadlineMs = this.ttlMs): Promise<T> {
    work.catch(() => undefined); // settled below or abandoned with the session
    if (this.endedWith !== null) return Promise.reject(new Error(this.endedWith));
    return new Promise<T>((resolve, reject) => {
      // A set, not `ended.then` per query: a heartbeat a second for days must not pile up reactions.
      const onEnd = (why: string) => settle(() => reject(new Error(why)));
      const timer = setTimeout(
        () => {
          settle(() => reject(new DeadlineError(deadlineMs)));
          this.destroy('query deadline');
        },
        Math.max(0, deadlineMs),
      );
      const settle = (f: () => void) => {
        clearTimeout(timer);
        this.enders.delete(onEnd);
        f();
      };
      this.enders.add(onEnd);
      work.then(
        (v) => settle(() => resolve(v)),
        (e: unknown) => settle(() => reject(e instanceof Error ? e : new Error(String(e)))),
      );
    });
  }

  /** Graceful goodbye within a short bound, then the socket is cut: the server frees the lock either way. */
  async close(): Promise<void> {
    if (this.endedWith !== null) return this.destroy('closed');
    const goodbye = this.client.end().catch(() => undefined);
    const bound = new Promise<void>((r) => setTimeout(r, 500).unref());
    await Promise.race([goodbye, bound]);
    this.destroy('closed');
  }

  /** Cuts the socket at once (a hung server would keep a polite `end()` waiting). */
  destroy(why: string): void {
    this.markEnded(why);
    this.client.connection.stream.destroy();
  }
}
