// [NV2, NV4] The dashboard's overview link (client/src/live/overview.ts) against the real app and a
// real Socket.IO client: the snapshot, deltas in seq order as a line is cut, a gap that joins again,
// leaving (no more deltas applied), and a reconnect with a fresh snapshot. Only the probe replies are
// scripted (every target answers at its interval; a cut host's replies are lost).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OverviewDelta } from '../../../shared/overview';
import type { Point, Unit } from '../../../shared/schemas';
import { targetHost } from '../../../shared/targets';
import { OverviewLive, type OverviewState } from '../../../client/src/live/overview';
import { meetingTotals } from '../../../client/src/lib/overview';
import { connected, connectSocket, meetingNow, point, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { scriptedEngine } from '../../helpers/scripted-engine';

const units: Unit[] = [];
const points: Point[] = [];
for (let p = 1; p <= 3; p++) {
  units.push({ id: `P${p}`, name: `Tỉnh ${p}`, level: 'province', parent: null });
  points.push(point(`P${p}`, `Điểm cầu Tỉnh ${p}`, 'province', `P${p}`, `127.184.${p}.100`));
  for (let c = 1; c <= 3; c++) {
    units.push({ id: `P${p}-X${c}`, name: `Xã ${c}`, level: 'commune', parent: `P${p}` });
    points.push(point(`P${p}-X${c}`, `Điểm cầu xã ${c}`, 'commune', `P${p}-X${c}`, `127.184.${p}.${c}`));
  }
}
const hostOf = (code: string): string => targetHost(points.find((p) => p.code === code)!.targets[0]!);

const ready = (s: OverviewState) => (s.kind === 'ready' ? s : undefined);

describe('[NV2] OverviewLive on a real server', () => {
  const cut = new Set<string>();
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ units, points, meetings: [meetingNow('m', 'live')], engine: scriptedEngine(cut) });
  });

  afterAll(async () => {
    await t?.dispose();
  });

  it('follows a cut line through deltas in order, joins again after a gap and after a reconnect', async () => {
    const socket = connectSocket(t.url, t.cookie);
    const phases: string[] = [];
    let clock = 0;
    const live = new OverviewLive(socket, {
      serverTime: (ms) => void (clock = ms),
      phase: (p) => void phases.push(p),
      health: () => {},
      unauthorized: () => {},
    });
    socket.on('overview:delta', (d) => live.onDelta(d));
    const worse: string[] = [];
    live.worse.on((ps) => void worse.push(...ps.map((p) => p.code)));
    await connected(socket);
    try {
      live.select('m');
      expect(live.state.get()).toEqual({ kind: 'loading', id: 'm' });
      const first = await waitFor('every point up', () => {
        const s = ready(live.state.get());
        return s && meetingTotals(s.model.regions).counts.up === points.length ? s : undefined;
      });
      expect(first.model.regions.map((r) => [r.id, r.total])).toEqual([
        ['P1', 4],
        ['P2', 4],
        ['P3', 4],
      ]);
      expect(phases).toContain('live');
      expect(clock).toBeGreaterThan(0);

      cut.add(hostOf('P2-X2'));
      const down = await waitFor('P2-X2 down', () => {
        const s = ready(live.state.get());
        return s?.model.problems.some((p) => p.code === 'P2-X2' && p.state === 'down') ? s : undefined;
      });
      expect(down.model.regions.find((r) => r.id === 'P2')!.counts).toMatchObject({ up: 3, down: 1 });
      expect(down.model.problemTotal).toBe(1);
      // The dashboard beeps for it, once (not again for the snapshots after the gap and the reconnect).
      expect(worse).toEqual(['P2-X2']);
      expect(down.model.seq).toBeGreaterThan(first.model.seq);

      // A delta from the future is a gap: a fresh snapshot replaces the model.
      const before = down.model.seq;
      const gap: OverviewDelta = {
        meetingId: 'm',
        seq: before + 10,
        serverTime: 0,
        regions: [],
        problems: [],
        removed: ['P2-X2'],
        problemTotal: 0,
      };
      const atGap = live.state.get();
      live.onDelta(gap);
      // Held deltas wait for the new snapshot: the state changes only when it has come.
      const again = await waitFor('a fresh snapshot', () =>
        live.state.get() !== atGap ? ready(live.state.get()) : undefined,
      );
      expect(again.model.problems.map((p) => p.code)).toEqual(['P2-X2']);
      expect(again.model.seq).toBeLessThan(before + 10);

      // A reconnect: the session calls rejoin on connect; a fresh snapshot comes.
      socket.disconnect();
      socket.connect();
      await connected(socket);
      live.rejoin();
      cut.delete(hostOf('P2-X2'));
      await waitFor('recovered after the reconnect', () => {
        const s = ready(live.state.get());
        return s && s.model.problemTotal === 0 && meetingTotals(s.model.regions).counts.up === points.length;
      });

      expect(worse).toEqual(['P2-X2']);

      // Left: deltas for the meeting are no longer applied (nor sent).
      live.select(null);
      expect(live.state.get()).toEqual({ kind: 'idle' });
      await new Promise((r) => setTimeout(r, 500));
      let sent = 0;
      socket.on('overview:delta', () => void sent++);
      cut.add(hostOf('P3-X1'));
      await new Promise((r) => setTimeout(r, 4_500));
      expect(sent).toBe(0);
      expect(live.state.get()).toEqual({ kind: 'idle' });
    } finally {
      live.dispose();
      socket.disconnect();
    }
  });
});
