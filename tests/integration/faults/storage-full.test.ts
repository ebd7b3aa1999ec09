// The disk fills during a live session (a real tmpfs of the test's own, filled to ENOSPC): probing
// and the dashboards go on, the fault shows in /api/health, on the socket (`server:health`) and in
// the log; the outage detected meanwhile is written once space is back, and nothing is missing.
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeetingDelta, ServerHealth } from '../../../shared/protocol';
import type { Outage, PointStatus, Sample } from '../../../shared/schemas';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import {
  api,
  connectSocket,
  connected,
  meetingNow,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { mountTmpfs, type Tmpfs } from './tmpfs';

const skip = nftSkipReason();
const { units, points } = tinyProvince(47, 3);
const HOST = '127.47.1.2'; // C2
let fs: Tmpfs | null = null;
let t: TestApp | null = null;
let table: NftDropTable | null = null;
let socket: TestSocket | null = null;

afterAll(async () => {
  socket?.disconnect();
  table?.destroy();
  destroyAllNftTables();
  await t?.stop();
  fs?.unmount();
});

describe.skipIf(skip !== null)(`the disk fills mid-session${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(
    'monitoring goes on, the fault is shown, and the queued outage is written once space is back',
    { timeout: 120_000 },
    async () => {
      fs = mountTmpfs(8);
      const logs: string[] = [];
      const logger = pino({ level: 'info' }, { write: (l: string) => logs.push(l) });
      t = await startTestApp({
        dir: fs.dir,
        units,
        points,
        meetings: [meetingNow('LIVE', 'live')],
        cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
        heartbeatMs: 500,
        logger,
      });
      const app = t;
      const status = async (code: string) =>
        ((await api(app, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[]).find((s) => s.code === code);
      const health = async () =>
        (await api(app, 'GET', '/api/health', undefined, null)).json as ServerHealth & { ok: boolean };
      await waitFor('all points up', async () => {
        const rows = (await api(app, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[];
        return rows.length === points.length && rows.every((r) => r.state === 'up');
      });
      expect(await health()).toMatchObject({ ok: true, storage: 'ok', pendingWrites: 0 });

      socket = connectSocket(app.url, app.cookie);
      const pushed: ServerHealth[] = [];
      const deltas: MeetingDelta[] = [];
      socket.on('server:health', (h) => pushed.push(h));
      socket.on('meeting:delta', (d) => deltas.push(d));
      await connected(socket);
      expect((await socket.emitWithAck('meeting:join', { meetingId: 'LIVE' })).ok).toBe(true);

      // Fill the disk. The WAL is checkpointed to nothing first, so the next commit must grow it.
      const side = new Database(app.dbFile);
      side.pragma('wal_checkpoint(TRUNCATE)');
      side.close();
      fs.fill();
      const failing = await waitFor('storage failing in /api/health', async () => {
        const h = await health();
        return h.storage === 'failing' ? h : undefined;
      });
      expect(failing.ok).toBe(true);
      await waitFor('server:health "failing" on the socket', () => pushed.some((h) => h.storage === 'failing'));

      // A change through the API is refused cleanly; so is a new login. Reads go on.
      const put = await api(app, 'PUT', '/api/units/X9', { id: 'X9', name: 'Xã Chín', level: 'commune', parent: 'D1' });
      expect(put).toMatchObject({ status: 503, json: { error: { code: 'storage_unavailable' } } });
      expect((await api(app, 'GET', '/api/units/X9')).status).toBe(404);
      const login = await api(
        app,
        'POST',
        '/api/auth/login',
        { username: 'admin', password: 'mật-khẩu-thử-nghiệm-admin' },
        null,
      );
      expect(login.status).toBe(503);

      // A point goes down and comes back while nothing can be written.
      table = createDropTable({ hook: 'input' });
      const cutAt = Date.now();
      table.add(HOST);
      await waitFor('C2 down on the dashboard', async () => (await status('C2'))?.state === 'down', 15_000);
      await waitFor('the outage queued', async () => (await health()).pendingWrites > 0);
      expect((await api(app, 'GET', '/api/outages?point=C2')).json).toEqual([]);
      const restoredAt = Date.now();
      table.remove(HOST);
      await waitFor('C2 up again on the dashboard', async () => (await status('C2'))?.state === 'up', 15_000);
      const c2States = deltas.flatMap((d) => d.statuses.filter((s) => s.code === 'C2').map((s) => s.state));
      expect(c2States).toContain('down');
      expect((await health()).storage).toBe('failing');

      // Space is back: every queued write lands, in order.
      fs.free();
      await waitFor(
        'storage ok with nothing pending',
        async () => {
          const h = await health();
          return h.storage === 'ok' && h.pendingWrites === 0;
        },
        30_000,
      );
      const outages = (await api(app, 'GET', '/api/outages?point=C2')).json as Outage[];
      expect(outages).toHaveLength(1);
      const [o] = outages;
      expect(o).toMatchObject({ point: 'C2', meeting: 'LIVE', type: 'down', phase: 'live' });
      expect(Math.abs(Date.parse(o!.startedAt) - cutAt)).toBeLessThan(1_500);
      expect(Math.abs(Date.parse(o!.endedAt!) - restoredAt)).toBeLessThan(1_500);
      await waitFor('the outage reached the dashboard', () => {
        const seen = deltas.flatMap((d) => d.outages).filter((x) => x.id === o!.id);
        return seen.some((x) => x.endedAt === null) && seen.some((x) => x.endedAt !== null);
      });
      // The socket's push follows /api/health by up to a tick: wait for its last word to be "ok".
      await waitFor('server:health "ok" on the socket', () => {
        const last = pushed[pushed.length - 1];
        return last?.storage === 'ok' && last.pendingWrites === 0;
      });

      // The probe results of the fault period were kept and written too.
      await app.app.inProcess!.rollups.flush(Date.now() + 60_000, { all: true });
      const from = new Date(cutAt - 10_000).toISOString();
      const to = new Date(restoredAt + 10_000).toISOString();
      const samples = (await api(app, 'GET', `/api/points/C2/samples?from=${from}&to=${to}`)).json as Sample[];
      const lost = samples.reduce((n, s) => n + s.sent - s.received, 0);
      expect(lost).toBeGreaterThanOrEqual(3);

      const failLog = logs.find((l) => l.includes('storage: writes are failing'));
      expect(failLog).toMatch(/SQLITE_FULL/);
      expect(logs.some((l) => l.includes('storage: writes succeed again'))).toBe(true);
    },
  );
});
