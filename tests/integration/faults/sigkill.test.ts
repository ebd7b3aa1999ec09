// The server is SIGKILLed mid-meeting (a real `diemcau serve` child) while a point is down, and
// started again on the same database: the open outage continues (one record, no duplicate), the
// session cookie still works, and the time nobody was watching is a monitor gap.
import { spawn, type ChildProcess } from 'node:child_process';
import { asyncStore } from '../../../server/store/async';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitorGap } from '../../../shared/protocol';
import type { Outage, PointStatus } from '../../../shared/schemas';
import { ManualClock } from '../../../server/clock';
import { Sessions } from '../../../server/auth/sessions';
import { Users } from '../../../server/auth/users';
import { openSqliteStore } from '../../../server/store/sqlite';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { api, closedOutages, login, meetingNow, tinyProvince, waitFor } from '../../helpers/app';

const skip = nftSkipReason();
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const { units, points } = tinyProvince(48, 3);
const HOST = '127.48.1.2'; // C2
const dir = mkdtempSync(join(tmpdir(), 'dc-sigkill-'));
const children: ChildProcess[] = [];
let table: NftDropTable | null = null;

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  table?.destroy();
  destroyAllNftTables();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `diemcau serve` on a free port; resolves with its URL once the banner is out. */
async function serve(db: string, config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--config',
      config,
      '--db',
      db,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--engine',
      'fping',
      '--log-level',
      'warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await waitFor('the serve banner', () => /diemcau: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1], 20_000);
  return { child, url };
}

describe.skipIf(skip !== null)(`SIGKILL mid-meeting${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it(
    'continues the open outage without a duplicate and records the downtime as a gap',
    { timeout: 120_000 },
    async () => {
      const db = join(dir, 'diemcau.sqlite');
      const config = join(dir, 'province.json');
      writeFileSync(config, JSON.stringify({ units, points, meetings: [meetingNow('LIVE', 'live')] }, null, 2));
      // An account made beforehand, straight in the database, as `diemcau user add` does.
      const store = openSqliteStore(db);
      const clock = new ManualClock(Date.now());
      const users = new Users({
        store: asyncStore(store),
        clock,
        sessions: new Sessions({ store: asyncStore(store), clock, logger: pino({ level: 'silent' }) }),
      });
      await users.create({ name: 'xem', password: 'màn-hình-phòng-họp', role: 'viewer' });
      store.close();

      const first = await serve(db, config);
      const cookie = await login(first.url, 'xem', 'màn-hình-phòng-họp');
      const t = (url: string) => ({ url, cookie });
      const status = async (url: string, code: string) =>
        ((await api(t(url), 'GET', '/api/meetings/LIVE/status')).json as PointStatus[]).find((s) => s.code === code);
      const outages = async (url: string) => (await api(t(url), 'GET', '/api/outages?point=C2')).json as Outage[];

      await waitFor('C2 up', async () => (await status(first.url, 'C2'))?.state === 'up', 20_000);
      table = createDropTable({ hook: 'input' });
      table.add(HOST);
      const [open] = await waitFor(
        'an open outage of C2',
        async () => {
          const o = await outages(first.url);
          return o.length === 1 ? o : undefined;
        },
        20_000,
      );
      expect(open).toMatchObject({ point: 'C2', meeting: 'LIVE', type: 'down', endedAt: null });

      // Let a heartbeat or two land, then kill: no shutdown handler runs.
      await new Promise((r) => setTimeout(r, 6_000));
      const exited = new Promise<NodeJS.Signals | null>((r) => first.child.once('exit', (_c, sig) => r(sig)));
      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await new Promise((r) => setTimeout(r, 3_000));

      const restartedAt = Date.now();
      const second = await serve(db, config);
      // The session survived the crash (it lives in the database, not in the process).
      expect((await api(t(second.url), 'GET', '/api/auth/me')).status).toBe(200);
      await waitFor(
        'C2 down after the restart',
        async () => (await status(second.url, 'C2'))?.state === 'down',
        20_000,
      );
      const during = await outages(second.url);
      expect(during).toHaveLength(1);
      expect(during[0]).toMatchObject({ id: open!.id, startedAt: open!.startedAt, endedAt: null });

      // The time no monitor ran; a busy machine may add a short `stall` span of its own (MG1).
      const gaps = ((await api(t(second.url), 'GET', '/api/meetings/LIVE/gaps')).json as MonitorGap[]).filter(
        (g) => g.reason === 'stopped',
      );
      expect(gaps).toHaveLength(1);
      const from = Date.parse(gaps[0]!.from);
      const to = Date.parse(gaps[0]!.to);
      // From the monitor's last sign of life to the new start: its process sees the server gone and
      // records its stop within moments (or, killed with it, its last heartbeat, every 5 s, counts).
      expect(from).toBeLessThanOrEqual(killedAt + 1_000);
      expect(from).toBeGreaterThan(killedAt - 5_000 - 1_000);
      expect(to).toBeGreaterThanOrEqual(restartedAt);
      expect(to - restartedAt).toBeLessThan(10_000);
      expect(
        ((await api(t(second.url), 'GET', '/api/gaps')).json as MonitorGap[]).filter((g) => g.reason === 'stopped'),
      ).toEqual(gaps);

      table.remove(HOST);
      await waitFor('C2 up after the restart', async () => (await status(second.url, 'C2'))?.state === 'up', 20_000);
      const after = await closedOutages('the outage closed', () => outages(second.url));
      expect(after).toHaveLength(1);
      expect(after[0]!.id).toBe(open!.id);
      expect(after[0]!.endedAt).not.toBeNull();

      // A clean stop this time (its run records the stop).
      const stopped = new Promise((r) => second.child.once('exit', r));
      second.child.kill('SIGTERM');
      await stopped;
    },
  );
});
