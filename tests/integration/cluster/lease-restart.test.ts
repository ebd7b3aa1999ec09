// PostgreSQL restarts under the lease: the holder is told lost, and once the server is back one candidate
// is active again with a higher epoch (the epoch lives in the table). A file of its own: the restart cuts
// every session on this machine, so it is kept short and PostgreSQL is running again whatever happens.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { activeEpoch, candidate, type Candidate } from './lease-harness';
import { createTestDb, ensurePostgres, waitUntil, type TestDb } from './pg-db';

let db: TestDb | null = null;
const running: Candidate[] = [];

afterAll(async () => {
  await ensurePostgres();
  await Promise.all(running.map((c) => c.lease.stop()));
  await db?.drop();
});

describe('monitor lease across a PostgreSQL restart', () => {
  it('the holder is lost; one candidate is active again with a higher epoch once PostgreSQL is back', async ({
    annotate,
  }) => {
    db = await createTestDb('restart', 'exclusive'); // waits for the other lease tests to finish
    const a = candidate(db.url, 'a');
    const b = candidate(db.url, 'b');
    running.push(a, b);
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);

    const t0 = performance.now();
    try {
      // Not execFileSync: the leases must see their sessions end while it runs.
      await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'restart']);
    } finally {
      await ensurePostgres();
    }
    const back = performance.now();
    expect(a.losses[0]?.code).toBe('session-ended');
    expect(a.losses[0]!.at - t0).toBeLessThan(back - t0); // told while PostgreSQL was going down
    const next = await waitUntil(
      'a candidate active again',
      () => [a, b].find((c) => c.lease.state === 'active' && c.lease.epoch !== null),
      10_000,
    );
    const after = performance.now();
    await annotate(
      `lease: restart took ${(back - t0).toFixed(0)} ms; ${next === a ? 'a' : 'b'} active ` +
        `${(after - back).toFixed(0)} ms after PostgreSQL answered, epoch ${next.lease.epoch}`,
    );
    expect(next.lease.epoch).toBeGreaterThan(e1);
    expect([a, b].filter((c) => c.lease.state === 'active')).toHaveLength(1);
  }, 120_000);
});
