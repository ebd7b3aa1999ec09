// PostgreSQL restarts in the middle of an outage: the monitor goes on, the outage writes wait in order
// and land once the server is back — the outage closes once, one opened meanwhile is there, nothing is
// duplicated. On a PostgreSQL server of the test's own (tests/helpers/pg-private.ts), so the machine's
// shared one keeps serving the other test files.
import { afterAll, describe, expect, it } from 'vitest';
import type { Outage } from '../../../shared/schemas';
import { api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { startPrivatePostgres, type PrivatePostgres } from '../../helpers/pg-private';

const skip = nftSkipReason();
const { units, points } = tinyProvince(46, 3);
const C1 = '127.46.1.1';
const C2 = '127.46.1.2';
let pg: PrivatePostgres | null = null;
let t: TestApp | null = null;
let table: NftDropTable | null = null;

afterAll(async () => {
  table?.destroy();
  destroyAllNftTables();
  await t?.dispose().catch(() => undefined);
  pg?.destroy();
});

const outagesOf = async (app: TestApp, code: string): Promise<Outage[]> =>
  (await api(app, 'GET', `/api/outages?meeting=LIVE&point=${code}`)).json as Outage[];

describe.skipIf(skip !== null)(`PostgreSQL restarts mid-outage${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('outage writes wait while it is down and land in order once it is back: none lost, none twice', async () => {
    pg = await startPrivatePostgres();
    t = await startTestApp({
      db: pg.url,
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 500 },
    });
    const app = t;
    const board = app.app.monitor.board;
    const recorder = app.app.inProcess!.recorder;
    await waitFor('every point up', () => ['C1', 'C2'].every((c) => board.status(c)?.state === 'up'), 15_000);

    table = createDropTable({ hook: 'input' });
    table.add(C2);
    const [open] = await waitFor('C2 outage written', async () => {
      const o = await outagesOf(app, 'C2');
      return o.length === 1 ? o : undefined;
    });

    pg.stop();
    // While the server is down: C2 comes back (its close must wait), C1 is cut (its opening must wait).
    table.remove(C2);
    table.add(C1);
    await waitFor('C2 up, C1 down', () => board.status('C2')?.state === 'up' && board.status('C1')?.state === 'down');
    await waitFor('writes queued', () => recorder.pendingWrites >= 2, 10_000);
    expect(app.app.health.snapshot().storage).toBe('failing');

    pg.start();
    await waitFor('queued writes on disk', () => recorder.pendingWrites === 0, 20_000);
    await waitFor('storage ok', () => app.app.health.snapshot().storage === 'ok', 10_000);
    const c2 = await outagesOf(app, 'C2');
    expect(c2).toHaveLength(1);
    expect(c2[0]).toMatchObject({ id: open!.id, startedAt: open!.startedAt });
    expect(c2[0]!.endedAt).not.toBeNull();
    const c1 = await outagesOf(app, 'C1');
    expect(c1).toHaveLength(1);
    expect(c1[0]).toMatchObject({ point: 'C1', type: 'down', endedAt: null });
    // C1's outage began while the server was down, after C2's close: the order is kept.
    expect(Date.parse(c1[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(c2[0]!.endedAt!) - 1_000);
  });
});
