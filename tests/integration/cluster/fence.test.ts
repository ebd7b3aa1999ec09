// Fencing against the real PostgreSQL: a write under an old epoch is refused, a write checked before a
// hand-over is ordered before it, and a frozen writer cannot hold the next holder off past the ttl.
import { Client } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FencedError, fenceCheck, fencedSessionSql } from '../../../server/cluster/fence';
import { activeEpoch, candidate, type Candidate } from './lease-harness';
import { adminQuery, createTestDb, waitUntil, type TestDb } from './pg-db';

let db: TestDb;
let running: Candidate[] = [];
let clients: Client[] = [];

beforeEach(async () => {
  db = await createTestDb('fence');
  running = [];
  clients = [];
});

afterEach(async () => {
  await Promise.all(running.map((c) => c.lease.stop()));
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await db.drop();
});

function make(name: string, opts: Parameters<typeof candidate>[2] = {}): Candidate {
  const c = candidate(db.url, name, opts);
  running.push(c);
  return c;
}

/** A writer's session, as the store would open it, with a table to write to. */
async function writer(ttlMs = 5000): Promise<Client> {
  const c = new Client({ connectionString: db.url });
  c.on('error', () => undefined); // ended by the server in one test; its queries report that
  clients.push(c);
  await c.connect();
  await c.query(fencedSessionSql(ttlMs));
  await c.query('CREATE TABLE IF NOT EXISTS writes (id bigserial PRIMARY KEY, epoch bigint)');
  return c;
}

/** BEGIN, fence, insert, COMMIT; rolls back and rethrows on any error. */
async function fencedInsert(c: Client, epoch: number): Promise<void> {
  await c.query('BEGIN');
  try {
    await fenceCheck(c, epoch);
    await c.query('INSERT INTO writes (epoch) VALUES ($1)', [epoch]);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  }
}

describe('fenceCheck', () => {
  it('passes with the current epoch, throws FencedError with an old one, refuses outside a transaction', async () => {
    const a = make('a');
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    const w = await writer();
    await fencedInsert(w, e1);
    await expect(fenceCheck(w, e1)).rejects.toThrow('needs an open transaction');

    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    await a.stop();
    const e2 = await activeEpoch(b, 2000);
    const err: unknown = await fencedInsert(w, e1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FencedError);
    expect(err).toMatchObject({ epoch: e1, current: e2 });
    await fencedInsert(w, e2);
    const rows = await adminQuery<{ epoch: string }>('SELECT epoch::text FROM writes ORDER BY id', [], db.url);
    expect(rows.map((r) => Number(r.epoch))).toEqual([e1, e2]);
  }, 20_000);

  it('a write fenced before the hand-over commits before the successor becomes active', async ({ annotate }) => {
    const a = make('a');
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const w = await writer();
    await w.query('BEGIN');
    await fenceCheck(w, e1); // holds the lease row FOR SHARE until COMMIT
    await a.stop();
    await new Promise((r) => setTimeout(r, 1500));
    expect(b.lease.state).toBe('standby'); // its claim waits for the write
    await w.query('INSERT INTO writes (epoch) VALUES ($1)', [e1]);
    const t0 = performance.now();
    await w.query('COMMIT');
    const e2 = await activeEpoch(b, 1000);
    await annotate(`fence: successor active ${(performance.now() - t0).toFixed(0)} ms after the old write committed`);
    expect(e2).toBeGreaterThan(e1);
  }, 20_000);

  it('a writer frozen inside its transaction is ended after the ttl, and the successor takes over', async ({
    annotate,
  }) => {
    const opts = { ttlMs: 2000, heartbeatMs: 500, retryMs: 500 };
    const a = make('a', opts);
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    const b = make('b', opts);
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const w = await writer(opts.ttlMs);
    await w.query('BEGIN');
    await fenceCheck(w, e1); // then nothing: the writer's process is frozen
    const t0 = performance.now();
    await a.stop();
    const e2 = await activeEpoch(b, opts.ttlMs + 3000);
    await annotate(
      `fence: successor active ${(performance.now() - t0).toFixed(0)} ms after a frozen writer (ttl 2000)`,
    );
    expect(e2).toBeGreaterThan(e1);
    await expect(w.query('SELECT 1')).rejects.toThrow(/idle-in-transaction|terminat|Connection/i);
  }, 20_000);

  it('a paused holder whose writer runs on has every write after the takeover refused', async () => {
    const a = make('a');
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const wa = await writer();
    const wb = await writer();
    a.lease.pause(); // the lease is stuck but its monitor still believes it holds epoch e1
    // It writes on until the fence refuses it: from the moment the successor's claim commits.
    let before = 0;
    const deadline = performance.now() + 10_000;
    for (;;) {
      const err: unknown = await fencedInsert(wa, e1).catch((e: unknown) => e);
      if (err instanceof FencedError) break;
      expect(err).toBeUndefined();
      expect(performance.now()).toBeLessThan(deadline);
      before++;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(before).toBeGreaterThan(100); // ~ttl of writes at 20 ms
    const e2 = await activeEpoch(b, 1000);
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      await fencedInsert(wb, e2);
      const err: unknown = await fencedInsert(wa, e1).catch((e: unknown) => e);
      if (err instanceof FencedError) refused++;
    }
    expect(refused).toBe(20);
    a.lease.resume();
    const rows = await adminQuery<{ epoch: string }>('SELECT epoch::text FROM writes ORDER BY id', [], db.url);
    const firstNew = rows.findIndex((r) => Number(r.epoch) === e2);
    expect(firstNew).toBeGreaterThan(0);
    expect(rows.slice(firstNew).every((r) => Number(r.epoch) === e2)).toBe(true);
  }, 30_000);
});
