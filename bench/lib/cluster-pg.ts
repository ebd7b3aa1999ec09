// The cluster bench's PostgreSQL side: the admin account the instances log in with, the size of the
// rollup tables (server/store/pg/schema.ts: rollup_blocks for closed minutes, rollup_open for the two
// being written) and the server processes serving the bench's database, whose CPU is noted.
import pino from 'pino';
import { Client } from 'pg';
import { Sessions } from '../../server/auth/sessions';
import { Users } from '../../server/auth/users';
import { systemClock } from '../../server/clock';
import { openStore } from '../../server/store/open';
import { closeRedis } from '../../server/cluster/redis';
import { createTestDatabase, ensurePostgres, type TestDatabase } from '../../tests/helpers/postgres';
import { dropCluster, ensureRedis, sharedClient } from '../../tests/helpers/redis';

/** Creates the schema (by opening the store) and an admin with this password. */
export async function createAdmin(url: string, password: string): Promise<void> {
  const store = await openStore(url);
  try {
    const logger = pino({ level: 'silent' });
    const sessions = new Sessions({ store, clock: systemClock, logger });
    await new Users({ store, clock: systemClock, sessions }).create({ name: 'admin', password, role: 'admin' });
  } finally {
    await store.close();
  }
}

export interface TableSize {
  /** pg_total_relation_size: heap, indexes, TOAST and free space maps. */
  bytes: number;
  rows: number;
}

export interface OutageRow {
  point: string;
  type: string;
  startedAt: number;
  endedAt: number | null;
}

export interface RollupMark {
  at: number;
  blocks: TableSize;
  open: TableSize;
}

/** A session of its own on the bench's database (never waiting for the app's pool): what it holds. */
export class PgWatch {
  private constructor(private readonly c: Client) {}

  static async open(url: string): Promise<PgWatch> {
    const c = new Client({ connectionString: url });
    await c.connect();
    return new PgWatch(c);
  }

  /**
   * Row counts and sizes of both tables as of one moment between two rollup writes: the mark takes the
   * writers' advisory lock (server/store/pg/db.ts `lock('rollups')`, schema public), so a write that
   * moves a minute into rollup_blocks is never half counted (its pages written, its rows not committed).
   */
  async mark(): Promise<RollupMark> {
    await this.c.query('BEGIN');
    try {
      await this.c.query(`SELECT pg_advisory_xact_lock(hashtext('diemcau:public:rollups'))`);
      const { rows } = await this.c.query<{ bb: string; br: string; ob: string; or: string }>(
        `SELECT pg_total_relation_size('rollup_blocks') AS bb, (SELECT count(*) FROM rollup_blocks) AS br,
                pg_total_relation_size('rollup_open') AS ob, (SELECT count(*) FROM rollup_open) AS or`,
      );
      const r = rows[0]!;
      return {
        at: Date.now(),
        blocks: { bytes: Number(r.bb), rows: Number(r.br) },
        open: { bytes: Number(r.ob), rows: Number(r.or) },
      };
    } finally {
      await this.c.query('COMMIT');
    }
  }

  /** Outages in the log (every one false here: loopback addresses answer). */
  async outages(): Promise<number> {
    const { rows } = await this.c.query<{ n: string }>('SELECT count(*) AS n FROM outages');
    return Number(rows[0]!.n);
  }

  /** Outages started since `since` (ms), one per point, type and start (a meeting's copy counted once). */
  async outageRows(since: number): Promise<OutageRow[]> {
    const { rows } = await this.c.query<{ point: string; type: string; started_at: string; ended_at: string | null }>(
      `SELECT point, type, started_at, max(ended_at) AS ended_at FROM outages WHERE started_at >= $1
       GROUP BY point, type, started_at ORDER BY started_at`,
      [since],
    );
    return rows.map((r) => ({
      point: r.point,
      type: r.type,
      startedAt: Number(r.started_at),
      endedAt: r.ended_at === null ? null : Number(r.ended_at),
    }));
  }

  /** The server processes of the other sessions on this database (the instances' pools, the lease). */
  async backendPids(): Promise<number[]> {
    const { rows } = await this.c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  }

  /** rollup_open's dead rows and autovacuum runs, for the log: whether its working set is kept down. */
  async openVacuum(): Promise<string> {
    const { rows } = await this.c.query<{ live: string; dead: string; runs: string }>(
      `SELECT n_live_tup AS live, n_dead_tup AS dead, autovacuum_count AS runs
       FROM pg_stat_user_tables WHERE relname = 'rollup_open'`,
    );
    const r = rows[0];
    return r ? `${r.live} live rows, ${r.dead} dead, ${r.runs} autovacuum runs` : 'no statistics';
  }

  close(): Promise<void> {
    return this.c.end();
  }
}

export interface Vacuumer {
  /** VACUUMs run so far, and their time in all. */
  runs: number;
  ms: number;
  stop(): Promise<void>;
}

/**
 * rollup_open's design relies on autovacuum to reclaim the rewritten minutes (docs/STORE.md). Where the
 * server has it off (a CI configuration), this does its work: `VACUUM rollup_open` every `everyMs`
 * (autovacuum_naptime's default, 60 s), from a session of its own, whose CPU counts as PostgreSQL's.
 * Null when autovacuum is on: the server does it.
 */
export async function vacuumIfOff(url: string, everyMs = 60_000): Promise<Vacuumer | null> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ autovacuum: string }>('SHOW autovacuum');
  if (rows[0]?.autovacuum === 'on') {
    await c.end();
    return null;
  }
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const v: Vacuumer = {
    runs: 0,
    ms: 0,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
      await c.end();
    },
  };
  const timer = setInterval(() => {
    if (stopped) return;
    const t = performance.now();
    running = c.query('VACUUM rollup_open').then(() => {
      v.runs++;
      v.ms += performance.now() - t;
    });
    running.catch(() => {}); // a VACUUM cut short by the end of the run is no failure
  }, everyMs);
  return v;
}

export interface ActivitySampler {
  /** Statements seen running, by their first words, and how many samples saw each. */
  samples: Map<string, number>;
  /** Samples taken. */
  ticks: number;
  stop(): Promise<void>;
}

/**
 * Where PostgreSQL's time goes, by sampling: every `everyMs` the statements running on the database
 * (pg_stat_activity, state active), each counted under its first 60 characters. A statement seen in
 * k of n samples ran about k/n of the time (more than one at a time: the sum can pass n).
 */
export async function sampleActivity(url: string, everyMs = 500): Promise<ActivitySampler> {
  const c = new Client({ connectionString: url });
  await c.connect();
  let stopped = false;
  let busy: Promise<unknown> = Promise.resolve();
  const s: ActivitySampler = {
    samples: new Map(),
    ticks: 0,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy.catch(() => {});
      await c.end();
    },
  };
  const timer = setInterval(() => {
    if (stopped) return;
    busy = c
      .query<{ q: string }>(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q FROM pg_stat_activity
         WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      )
      .then(({ rows }) => {
        s.ticks++;
        for (const r of rows) s.samples.set(r.q, (s.samples.get(r.q) ?? 0) + 1);
      });
    busy.catch(() => {}); // the end of the run may cut a sample short
  }, everyMs);
  return s;
}

/**
 * A cluster's database for a bench part (cluster, national): a PostgreSQL database of the run's own, its
 * Redis keys (the cluster is named after the database) and the database dropped at the end, an admin
 * with `password`, the size watch, and VACUUM where autovacuum is off. The cleanups go on `cleanups`.
 */
export async function clusterDatabase(
  name: string,
  password: string,
  cleanups: (() => Promise<void>)[],
): Promise<{ db: TestDatabase; sizer: PgWatch; vacuum: Vacuumer | null }> {
  await Promise.all([ensurePostgres(), ensureRedis()]);
  const db = await createTestDatabase(name);
  // The instances of one database are one cluster, named after it: its keys are the run's own.
  cleanups.push(async () => {
    const r = await sharedClient();
    await dropCluster(r, db.name).finally(() => closeRedis(r));
  });
  cleanups.push(() => db.drop());
  await createAdmin(db.url, password);
  const sizer = await PgWatch.open(db.url);
  cleanups.push(() => sizer.close());
  const vacuum = await vacuumIfOff(db.url);
  if (vacuum) cleanups.push(() => vacuum.stop());
  return { db, sizer, vacuum };
}

/** The machine's Redis server's pid (its CPU is counted with the cluster's), or none if it does not say. */
export async function redisPid(): Promise<number[]> {
  const r = await sharedClient();
  try {
    const m = /process_id:(\d+)/.exec(await r.info('server'));
    return m ? [Number(m[1])] : [];
  } finally {
    closeRedis(r);
  }
}
