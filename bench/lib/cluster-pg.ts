// The cluster bench's PostgreSQL side: the admin account the instances log in with, the size of the
// rollup tables (server/store/pg/schema.ts: rollup_blocks for closed minutes, rollup_open for the two
// being written) and the server processes serving the bench's database, whose CPU is noted.
import pino from 'pino';
import { Client } from 'pg';
import { Sessions } from '../../server/auth/sessions';
import { Users } from '../../server/auth/users';
import { systemClock } from '../../server/clock';
import { openStore } from '../../server/store/open';

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

export interface RollupMark {
  at: number;
  blocks: TableSize;
  open: TableSize;
}

/** One session of its own for the marks, so they never wait for the app's pool. */
export class RollupSizer {
  private constructor(private readonly c: Client) {}

  static async open(url: string): Promise<RollupSizer> {
    const c = new Client({ connectionString: url });
    await c.connect();
    return new RollupSizer(c);
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

  /** The server processes of the other sessions on this database (the instances' pools, the lease). */
  async backendPids(): Promise<number[]> {
    const { rows } = await this.c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rows.map((r) => r.pid);
  }

  close(): Promise<void> {
    return this.c.end();
  }
}
