// The monitor lease against the real PostgreSQL: hand-over on stop, on a killed session, on a SIGKILLed
// or frozen holder, and never two holders at once (docs/FAILOVER.md). Each test has a database of its own.
import type { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FencedError, fenceCheck, fencedSessionSql } from '../../../server/cluster/fence';
import { activeEpoch, candidate, childCandidate, type Candidate, type Period } from './lease-harness';
import { adminQuery, createTestDb, waitUntil, type TestDb } from './pg-db';

let db: TestDb;
let running: Candidate[] = [];
let children: ChildProcess[] = [];

beforeEach(async () => {
  db = await createTestDb('lease');
  running = [];
  children = [];
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(running.map((c) => c.lease.stop()));
  await db.drop();
});

function make(name: string): Candidate {
  const c = candidate(db.url, name);
  running.push(c);
  return c;
}

/** Whether a backend with this pid is still alive. */
async function backendAlive(pid: number): Promise<boolean> {
  return (await adminQuery('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length > 0;
}

describe('monitor lease', () => {
  it('one active with epoch 1, the other standby; stop() hands over at once with epoch 2', async ({ annotate }) => {
    const a = make('a');
    a.lease.start();
    expect(await activeEpoch(a, 5000)).toBe(1);
    const b = make('b');
    b.lease.start();
    await new Promise((r) => setTimeout(r, 1500)); // a standby tries once a second
    expect(b.lease.state).toBe('standby');
    expect(b.periods).toHaveLength(0);
    const row = (await adminQuery<{ holder: string }>('SELECT holder FROM monitor_lease', [], db.url))[0];
    expect(row?.holder).toBe('a');

    const next = b.nextAcquired(1500);
    const t0 = performance.now();
    await a.stop();
    expect(await next).toBe(2);
    const ms = performance.now() - t0;
    await annotate(`lease: hand-over after stop() in ${ms.toFixed(0)} ms`);
    expect(a.lease.state).toBe('off');
    expect(a.losses).toHaveLength(0); // a clean stop is not a loss
  }, 20_000);

  it('the holder whose session is terminated is told at once; the standby follows with a higher epoch', async ({
    annotate,
  }) => {
    const a = make('a');
    a.lease.start();
    const epochA = await activeEpoch(a, 5000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const pid = a.lease.backendPid!;
    const next = b.nextAcquired(2000);
    const t0 = performance.now();
    await adminQuery('SELECT pg_terminate_backend($1)', [pid], db.url);
    await waitUntil('a told lost', () => a.losses.length > 0, 1000, 1);
    const lostMs = performance.now() - t0;
    expect(lostMs).toBeLessThan(500);
    expect(a.losses[0]?.code).toBe('session-ended');
    expect(a.lease.state).not.toBe('active');
    const epochB = await next;
    await annotate(
      `lease: lost after ${lostMs.toFixed(0)} ms, standby active after ${(performance.now() - t0).toFixed(0)} ms`,
    );
    expect(epochB).toBeGreaterThan(epochA);
  }, 20_000);

  it('a holder SIGKILLed in a child process: the standby is active within 10 s', async ({ annotate }) => {
    const { child, events } = childCandidate(db.url, 'child');
    children.push(child);
    const acquired = await waitUntil('the child active', () => events.find((e) => e.ev === 'acquired'), 15_000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const next = b.nextAcquired(10_000);
    const t0 = performance.now();
    child.kill('SIGKILL');
    const epoch = await next;
    await annotate(`lease: standby active ${(performance.now() - t0).toFixed(0)} ms after SIGKILL of the holder`);
    expect(epoch).toBeGreaterThan(acquired.epoch!);
    expect(await backendAlive(acquired.pid!)).toBe(false);
  }, 40_000);

  it('a stuck holder (heartbeats paused, session open) is ended after ttl and told lost when it resumes', async ({
    annotate,
  }) => {
    const a = make('a');
    a.lease.start();
    const epochA = await activeEpoch(a, 5000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const pid = a.lease.backendPid!;
    const next = b.nextAcquired(10_000);
    const t0 = performance.now();
    a.lease.pause();
    const epochB = await next;
    const ms = performance.now() - t0;
    await annotate(`lease: stuck holder replaced ${ms.toFixed(0)} ms after its heartbeats stopped (ttl 5000)`);
    // Not before the ttl (less the one heartbeat interval the last beat may be old), within ttl + retry.
    expect(ms).toBeGreaterThan(4000 - 50);
    expect(ms).toBeLessThan(5000 + 1000 + 1000);
    expect(epochB).toBeGreaterThan(epochA);
    expect(await backendAlive(pid)).toBe(false);
    expect(a.losses).toHaveLength(0); // frozen: it has not noticed anything yet

    const t1 = performance.now();
    a.lease.resume();
    await waitUntil('a told lost', () => a.losses.length > 0, 1000, 1);
    expect(performance.now() - t1).toBeLessThan(100);
    expect(['heartbeat-overdue', 'session-ended']).toContain(a.losses[0]?.code);
    // It goes back to standby and does not take the lease from the fresh holder.
    await new Promise((r) => setTimeout(r, 2500));
    expect(a.lease.state).toBe('standby');
    expect(b.lease.state).toBe('active');
  }, 30_000);

  it('a holder frozen by SIGSTOP is replaced after ttl and reports lost on SIGCONT', async ({ annotate }) => {
    const { child, events } = childCandidate(db.url, 'child');
    children.push(child);
    const acquired = await waitUntil('the child active', () => events.find((e) => e.ev === 'acquired'), 15_000);
    const b = make('b');
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const next = b.nextAcquired(10_000);
    const t0 = performance.now();
    child.kill('SIGSTOP');
    const epoch = await next;
    await annotate(`lease: SIGSTOPped holder replaced after ${(performance.now() - t0).toFixed(0)} ms`);
    expect(epoch).toBeGreaterThan(acquired.epoch!);
    expect(await backendAlive(acquired.pid!)).toBe(false);
    const t1 = performance.now();
    child.kill('SIGCONT');
    const lost = await waitUntil('the child to report lost', () => events.find((e) => e.ev === 'lost'), 3000, 1);
    await annotate(`lease: the woken holder reported ${lost.code} ${(lost.at - t1).toFixed(0)} ms after SIGCONT`);
    expect(['heartbeat-overdue', 'session-ended']).toContain(lost.code);
    expect(b.lease.state).toBe('active');
  }, 40_000);

  it('start() during a pending stop() becomes a candidate again once the release is done', async () => {
    const a = make('a');
    a.lease.start();
    expect(await activeEpoch(a, 5000)).toBe(1);
    const stopping = a.stop();
    a.lease.start();
    await stopping;
    expect(await a.nextAcquired(3000)).toBe(2);
    expect(() => candidate(db.url, 'x', { heartbeatMs: 3000, ttlMs: 5000 })).toThrow('twice heartbeatMs');
  }, 20_000);

  it('never two active: 3 candidates started, stopped and cut at random for 15 s', async ({ annotate }) => {
    await adminQuery('CREATE TABLE writes (id bigserial PRIMARY KEY, epoch bigint, instance text)', [], db.url);
    const all: Period[] = [];
    const cs = ['a', 'b', 'c'].map((name) => candidate(db.url, name, {}, all));
    running.push(...cs);
    const writers = cs.map((c) => fencedWriter(db.url, c));
    let cuts = 0;
    const end = performance.now() + 15_000;
    cs[0]!.lease.start();
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 600));
      const c = cs[Math.floor(Math.random() * cs.length)]!;
      const roll = Math.random();
      if (roll < 0.2 && c.lease.state === 'active' && c.lease.backendPid !== null) {
        cuts++;
        await adminQuery('SELECT pg_terminate_backend($1)', [c.lease.backendPid], db.url);
      } else if (c.lease.state === 'off') c.lease.start();
      else if (roll < 0.6) await c.stop();
    }
    await Promise.all(cs.map((c) => c.stop()));
    const refused = (await Promise.all(writers.map((w) => w.done()))).reduce((a, b) => a + b, 0);

    const periods = [...all].sort((x, y) => x.from - y.from);
    await annotate(
      `lease: ${periods.length} active periods, ${cuts} sessions cut, ${refused} writes fenced off; ` +
        periods.map((p) => `${p.instance}#${p.epoch} ${(p.to! - p.from).toFixed(0)} ms (${p.end})`).join(', '),
    );
    // At least one handover (a loaded machine makes fewer moves in the 15 s than an idle one).
    expect(periods.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < periods.length; i++) {
      const [prev, cur] = [periods[i - 1]!, periods[i]!];
      expect(prev.to, `${prev.instance}#${prev.epoch} still open`).not.toBeNull();
      expect(
        cur.from,
        `${cur.instance}#${cur.epoch} began before ${prev.instance}#${prev.epoch} ended`,
      ).toBeGreaterThanOrEqual(prev.to!);
      expect(cur.epoch).toBeGreaterThan(prev.epoch);
    }
    // In commit order (ids are taken under the fence's row lock) the epochs never go back.
    const rows = await adminQuery<{ epoch: string; instance: string }>(
      'SELECT epoch::text, instance FROM writes ORDER BY id',
      [],
      db.url,
    );
    expect(rows.length).toBeGreaterThan(50);
    const owner = new Map(periods.map((p) => [p.epoch, p.instance]));
    let last = 0;
    for (const r of rows) {
      const e = Number(r.epoch);
      expect(e).toBeGreaterThanOrEqual(last);
      expect(owner.get(e)).toBe(r.instance);
      last = e;
    }
  }, 60_000);
});

/** While `c` is active, writes a row every ~20 ms in a fenced transaction; done() → writes refused. */
function fencedWriter(url: string, c: Candidate): { done(): Promise<number> } {
  const state = { stop: false };
  let refused = 0;
  const loop = (async () => {
    const client = new Client({ connectionString: url });
    client.on('error', () => undefined); // a dropped session fails the next query, which fails the test
    await client.connect();
    await client.query(fencedSessionSql(5000));
    try {
      while (!state.stop) {
        const epoch = c.lease.state === 'active' ? c.lease.epoch : null;
        if (epoch !== null) {
          await client.query('BEGIN');
          try {
            await fenceCheck(client, epoch);
            await client.query('INSERT INTO writes (epoch, instance) VALUES ($1, $2)', [
              epoch,
              c.periods.at(-1)!.instance,
            ]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            if (!(err instanceof FencedError)) throw err;
            refused++;
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    done: async () => {
      state.stop = true;
      await loop;
      return refused;
    },
  };
}
