// The holder's machine vanishes: every packet of its lease session is dropped (nftables on lo, by the
// session's client port), as when a VM's host dies. The holder gives up on its own before the standby
// takes over, and the server's keepalives end the silent session even with no standby to do it.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nftSkipReason } from '../../helpers/nft';
import { activeEpoch, candidate, type Candidate } from './lease-harness';
import { adminQuery, createTestDb, waitUntil, type TestDb } from './pg-db';

const skip = nftSkipReason();
let db: TestDb;
let running: Candidate[] = [];
let tables: string[] = [];
let counter = 0;

beforeEach(async () => {
  db = await createTestDb('netcut');
  running = [];
  tables = [];
});

afterEach(async () => {
  for (const t of tables) execFileSync('nft', ['delete', 'table', 'inet', t], { stdio: 'ignore' });
  await Promise.all(running.map((c) => c.lease.stop()));
  await db.drop();
});

/** Drops every packet to or from this client port on lo, both ways: the peer falls silent. */
function blackhole(port: number): void {
  const name = `diemcau_lease_${process.pid}_${counter++}`;
  const rules = `table inet ${name} {
  chain input { type filter hook input priority -10; policy accept;
    iif "lo" tcp sport ${port} drop
    iif "lo" tcp dport ${port} drop
  }
}`;
  execFileSync('nft', ['-f', '-'], { input: rules });
  tables.push(name);
}

async function clientPort(pid: number): Promise<number> {
  const rows = await adminQuery<{ port: number }>('SELECT client_port AS port FROM pg_stat_activity WHERE pid = $1', [
    pid,
  ]);
  return rows[0]!.port;
}

async function backendAlive(pid: number): Promise<boolean> {
  return (await adminQuery('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length > 0;
}

describe.skipIf(skip !== null)(`machine loss${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('the holder is lost before the standby is active, and the standby is active within ttl + retry', async ({
    annotate,
  }) => {
    const a = candidate(db.url, 'a');
    const b = candidate(db.url, 'b');
    running.push(a, b);
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);
    const pid = a.lease.backendPid!;
    const next = b.nextAcquired(10_000);
    const t0 = performance.now();
    blackhole(await clientPort(pid));
    const e2 = await next;
    const active = performance.now();
    const lost = a.losses[0];
    await annotate(
      `lease: machine loss — holder gave up (${lost?.code}) after ${((lost?.at ?? NaN) - t0).toFixed(0)} ms, ` +
        `standby active after ${(active - t0).toFixed(0)} ms`,
    );
    // Its own heartbeat gives up first, unless a loaded machine delays that timer past the standby's move.
    expect(['heartbeat-overdue', 'session-ended']).toContain(lost?.code);
    expect(lost!.at).toBeLessThan(b.periods[0]!.from);
    expect(active - t0).toBeLessThan(5000 + 1000 + 1500);
    expect(e2).toBeGreaterThan(e1);
    expect(await backendAlive(pid)).toBe(false);
  }, 30_000);

  it("with no standby, the server's keepalives end the silent holder's session by themselves", async ({ annotate }) => {
    const a = candidate(db.url, 'a');
    running.push(a);
    a.lease.start();
    await activeEpoch(a, 5000);
    const pid = a.lease.backendPid!;
    const t0 = performance.now();
    blackhole(await clientPort(pid));
    await waitUntil('the backend gone', async () => !(await backendAlive(pid)), 12_000, 100);
    const ms = performance.now() - t0;
    await annotate(`lease: the server ended the silent session after ${ms.toFixed(0)} ms`);
    // idle 2 s + 3 probes 1 s apart, counted from the last packet (≤ one heartbeat before the cut).
    expect(ms).toBeGreaterThan(3500);
    expect(ms).toBeLessThan(8000);
  }, 30_000);
});
