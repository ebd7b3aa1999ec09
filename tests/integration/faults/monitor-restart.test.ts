// The monitor process dies mid-meeting (SIGKILL): the server shows every point unknown at once, starts
// a new monitor process, and the points come back up through real probes; the time without one is a
// `stopped` gap and the server itself never stopped answering. On SQLite and on PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MONITOR_NICE } from '../../../server/workers/nice';
import type { MonitorGap } from '../../../shared/protocol';
import type { PointStatus } from '../../../shared/schemas';
import type { RemoteMonitor } from '../../../server/pipeline/remote';
import { api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { STORE_BACKENDS, type TestStore } from '../../helpers/backends';

const { units, points } = tinyProvince(53, 3);

/** Fields of /proc/PID/stat after the command's closing parenthesis (state is [0]). */
const stat = (pid: number): string[] => {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
};
const niceOf = (pid: number): number => Number(stat(pid)[16]);
const commOf = (pid: number): string => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
const childrenOf = (ppid: number): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(stat(pid)[1]) === ppid;
      } catch {
        return false; // gone meanwhile
      }
    });
let t: TestApp | null = null;
let store: TestStore | null = null;

afterEach(async () => {
  await t?.dispose();
  t = null;
  await store?.drop();
  store = null;
});

describe.each(STORE_BACKENDS)('the monitor process dies, %s', (_name, open) => {
  it(
    '[MG3] points are unknown until a new monitor process probes them; the span is a gap',
    { timeout: 60_000 },
    async () => {
      store = await open();
      t = await startTestApp({
        units,
        points,
        meetings: [meetingNow('LIVE', 'live')],
        monitorProcess: true,
        db: store.db,
      });
      const app = t;
      const remote = app.app.monitor as RemoteMonitor;
      const states = async () =>
        ((await api(app, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[]).map((s) => s.state);
      await waitFor('every point up', async () => (await states()).every((s) => s === 'up'), 20_000);
      const first = remote.pid!;
      // The monitor and its fping above everything else (root here; deploy/ allows it with LimitNICE).
      const wanted = process.getuid?.() === 0 ? MONITOR_NICE : 0;
      expect(niceOf(first)).toBe(wanted);
      const fping = childrenOf(first).filter((pid) => commOf(pid) === 'fping');
      expect(fping.length).toBeGreaterThan(0);
      for (const pid of fping) expect(niceOf(pid)).toBe(wanted);
      const killedAt = Date.now();
      process.kill(first, 'SIGKILL');
      await waitFor('every point unknown', async () => (await states()).every((s) => s === 'unknown'), 5_000);
      await waitFor('a new monitor process', () => remote.pid !== null && remote.pid !== first, 20_000);
      await waitFor('every point up again', async () => (await states()).every((s) => s === 'up'), 20_000);
      const gaps = (await api(app, 'GET', '/api/meetings/LIVE/gaps')).json as MonitorGap[];
      const stopped = gaps.filter((g) => g.reason === 'stopped');
      expect(stopped).toHaveLength(1);
      expect(Date.parse(stopped[0]!.from)).toBeLessThanOrEqual(killedAt);
    },
  );
});
