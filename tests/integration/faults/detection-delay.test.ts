// Issue 18 point 7: ICMP to three up points is cut during a line test (2 s cadence) and the outage
// must reach /api/outages as soon as the third lost probe's timeout has expired — not one interval
// later. The real app with the real fping engine; the cut is the test's own nftables table, dropping
// the echo requests on the way out (fping then prints nothing about them: the engine's own deadlines
// must report them). Every figure asserted is an instant of the monitor's (injected) clock.
import { afterAll, describe, expect, it } from 'vitest';
import type { Outage, PointStatus } from '../../../shared/schemas';
import { createEngine, DEFAULT_LOSS_GRACE_MS, fpingAvailable, fpingTimeout } from '../../../server/probe';
import type { ProbeResult } from '../../../server/probe/types';
import { createDropTable, destroyAllNftTables, nftSkipReason } from '../../helpers/nft';
import { JumpClock, api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { targetHost } from '../../../shared/targets';

const INTERVAL = 2_000; // the line-test cadence (SC2)
const TIMEOUT = fpingTimeout(INTERVAL); // 1 000 ms
const skip = !fpingAvailable() ? 'needs fping' : nftSkipReason();
let t: TestApp | null = null;
afterAll(async () => {
  destroyAllNftTables();
  await t?.dispose();
});

describe.skipIf(skip !== null)(`detection delay at the line-test cadence (${skip ?? 'fping, nft'})`, () => {
  it(
    '[H18.7][PR1] three up points cut: the outages are recorded within 2 intervals + timeout of their first lost probe',
    { timeout: 60_000 },
    async () => {
      // An hour behind the wall clock: the instants below are the monitor's, not the test's.
      const clock = new JumpClock();
      clock.jump(-3_600_000);
      const { units, points } = tinyProvince(58, 3);
      const cut = ['C1', 'C2', 'C3'];
      const hostOf = new Map(points.map((p) => [p.code, p.targets.map(targetHost)[0]!]));
      // The real fping engine, with each result's arrival noted on the monitor's clock.
      const results: { r: ProbeResult; at: number }[] = [];
      t = await startTestApp({
        clock,
        units,
        points,
        meetings: [meetingNow('LT', 'lineTest', undefined, clock.now())],
        cadence: { idleMs: 60_000, lineTestMs: INTERVAL, liveMs: 1_000 },
        engine: (o) =>
          createEngine({
            ...o,
            kind: 'fping',
            onResult: (r) => {
              results.push({ r, at: clock.now() });
              o.onResult(r);
            },
          }),
      });
      const app = t;
      const recorded = new Map<string, number>();
      app.app.monitor.onOutage((e) => {
        if (e.kind === 'opened') recorded.set(e.row.point, clock.now());
      });
      const rows = async () => (await api(app, 'GET', '/api/meetings/LT/status')).json as PointStatus[];
      await waitFor('all five points up', async () => {
        const r = await rows();
        return r.length === 5 && r.every((x) => x.state === 'up');
      });

      const table = createDropTable(); // dropped on the way out: sendto fails, fping says nothing
      const cutAt = clock.now();
      for (const code of cut) table.add(hostOf.get(code)!);
      const outages = await waitFor(
        'three outages in /api/outages',
        async () => {
          const o = (await api(app, 'GET', '/api/outages?meeting=LT')).json as Outage[];
          return o.length === 3 ? o : undefined;
        },
        20_000,
      );
      table.destroy();

      expect(outages.map((o) => o.point).sort()).toEqual(cut);
      for (const o of outages) {
        const host = hostOf.get(o.point)!;
        const startedAt = Date.parse(o.startedAt);
        const detectedAt = Date.parse(o.detectedAt);
        expect(o).toMatchObject({ type: 'down', phase: 'lineTest', endedAt: null });

        // The first lost probe is the first one sent after the cut (ST2: stamped at its send).
        expect(startedAt).toBeGreaterThanOrEqual(cutAt - 50);
        expect(startedAt).toBeLessThan(cutAt + INTERVAL + 50);
        // detectedAt is the send instant of the probe that completed the run (ST2, OU1): 2 intervals
        // after the first — within the bound the issue set for detection (3 intervals + timeout).
        expect(detectedAt - startedAt).toBeLessThanOrEqual(3 * INTERVAL + TIMEOUT + 500);
        expect(Math.abs(detectedAt - startedAt - 2 * INTERVAL)).toBeLessThan(INTERVAL / 4);

        // When the monitor knew: the outage was written once the third probe's timeout (plus the
        // engine's grace) had expired — before fping's next send, which was when it used to be known.
        const at = recorded.get(o.point)!;
        expect(at - detectedAt).toBeGreaterThanOrEqual(TIMEOUT);
        expect(at - startedAt).toBeLessThanOrEqual(2 * INTERVAL + TIMEOUT + 500);
        expect(at - cutAt).toBeLessThanOrEqual(3 * INTERVAL + TIMEOUT + 500);

        // The probe results behind it: each loss stamped at its send (a whole number of intervals
        // after the last reply), reported after its timeout, and within timeout + grace + 0.5 s.
        const mine = results.filter((x) => x.r.host === host);
        const lastReply = mine.findLast((x) => x.r.rtt !== null && x.r.t < startedAt)!;
        // (The store keeps whole milliseconds; results carry fractions.)
        const lost = mine.filter((x) => x.r.rtt === null && x.r.t > startedAt - 1 && x.r.t < detectedAt + 1);
        expect(lost).toHaveLength(3);
        expect(Math.abs(lost[0]!.r.t - startedAt)).toBeLessThan(1);
        expect(Math.abs(lost[2]!.r.t - detectedAt)).toBeLessThan(1);
        for (const { r, at: known } of lost) {
          const n = (r.t - lastReply.r.t) / INTERVAL;
          expect(Math.abs(n - Math.round(n))).toBeLessThan(0.1);
          expect(known - r.t).toBeGreaterThanOrEqual(TIMEOUT);
          expect(known - r.t).toBeLessThanOrEqual(TIMEOUT + DEFAULT_LOSS_GRACE_MS + 500);
        }
      }
      // The two points left alone stayed up, with no outage.
      const after = await rows();
      expect(after.filter((x) => !cut.includes(x.code)).map((x) => x.state)).toEqual(['up', 'up']);
    },
  );
});
