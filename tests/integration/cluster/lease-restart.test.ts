// PostgreSQL restarts under the lease: the holder is told lost, and once the server is back one candidate
// is active again with a higher epoch (the epoch lives in the table). On a PostgreSQL server of the
// test's own (tests/helpers/pg-private.ts): the machine's shared one keeps serving the other test files.
import { afterAll, describe, expect, it } from 'vitest';
import { startPrivatePostgres, type PrivatePostgres } from '../../helpers/pg-private';
import { activeEpoch, candidate, type Candidate } from './lease-harness';
import { waitUntil } from './pg-db';

let pg: PrivatePostgres | null = null;
const running: Candidate[] = [];

afterAll(async () => {
  await Promise.all(running.map((c) => c.lease.stop()));
  pg?.destroy();
});

describe('monitor lease across a PostgreSQL restart', () => {
  it('the holder is lost; one candidate is active again with a higher epoch once PostgreSQL is back', async ({
    annotate,
  }) => {
    pg = await startPrivatePostgres();
    const a = candidate(pg.url, 'a');
    const b = candidate(pg.url, 'b');
    running.push(a, b);
    a.lease.start();
    const e1 = await activeEpoch(a, 5000);
    b.lease.start();
    await waitUntil('b standby with a session', () => b.lease.backendPid !== null, 5000);

    const t0 = performance.now();
    // Not blocking this process: the leases must see their sessions end while it runs.
    await pg.restart();
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
