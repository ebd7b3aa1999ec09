// An fping process dies (a real SIGKILL of the engine's child) during a live session: its points are
// shown unknown — never down, no outage — and results flow again within 2 s through the whole app.
import { afterAll, describe, expect, it } from 'vitest';
import type { PointStatus } from '../../../shared/schemas';
import { FpingEngine, fpingAvailable } from '../../../server/probe';
import type { PointTransition } from '../../../server/status/board';
import { api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';

const { units, points } = tinyProvince(49, 4);
let t: TestApp | null = null;
afterAll(async () => t?.dispose());

describe.skipIf(!fpingAvailable())('an fping process dies mid-session', () => {
  it('its points go unknown, not down, and are back within 2 s with no outage', { timeout: 60_000 }, async () => {
    t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      engine: 'fping',
    });
    const app = t;
    const rows = async () => (await api(app, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[];
    await waitFor(
      'all points up',
      async () => (await rows()).every((r) => r.state === 'up') && (await rows()).length === 6,
    );
    const engine = app.app.inProcess!.router.icmp;
    expect(engine).toBeInstanceOf(FpingEngine);
    const shards = (engine as FpingEngine).shardInfo();
    expect(shards).toHaveLength(1);
    const [shard] = shards;
    const pid = shard!.pid!;
    expect(pid).toBeGreaterThan(0);

    const transitions: (PointTransition & { wall: number })[] = [];
    app.app.monitor.board.onTransition((tr) => transitions.push({ ...tr, wall: Date.now() }));
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');

    const codes = points.map((p) => p.code);
    await waitFor('every point unknown, then up again', () =>
      codes.every((c) => {
        const mine = transitions.filter((x) => x.point === c).map((x) => x.to);
        return mine.includes('unknown') && mine[mine.length - 1] === 'up';
      }),
    );
    for (const c of codes) {
      const mine = transitions.filter((x) => x.point === c);
      expect(mine.map((x) => x.to)).toEqual(['unknown', 'up']);
      // Unknown from fping's death (not before it), up again after it; how fast is the bench's business.
      expect(mine[0]!.wall).toBeGreaterThanOrEqual(killedAt);
      expect(mine[1]!.at).toBeGreaterThan(mine[0]!.at);
    }
    expect(transitions.some((x) => x.to === 'down')).toBe(false);
    const now = (engine as FpingEngine).shardInfo()[0]!;
    expect(now.pid).toBeDefined();
    expect(now.pid).not.toBe(pid);
    expect((await rows()).every((r) => r.state === 'up')).toBe(true);
    expect((await api(app, 'GET', '/api/outages')).json).toEqual([]);
  });
});
