// Report figures against the fixture of fixture.ts, every number worked out by hand below (rules
// [RPn] of docs/REPORT.md). Run on the SQLite store (a real file) and on the in-memory store.
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MeetingReport, PhaseFigures } from '../../../shared/report';
import { computeReport } from '../../../server/report/compute';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { SyncStore } from '../../../server/store/types';
import { MemoryStore } from '../../helpers/memory-store';
import { LIVE, LT, MEETING, NOW, POINTS, THRESHOLDS, UNITS, at, seed } from './fixture';

const S = 1000;
const dir = mkdtempSync(join(tmpdir(), 'dc-report-'));
const stores: SyncStore[] = [];
afterAll(() => {
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reportOn(store: SyncStore, now = NOW): Promise<MeetingReport> {
  stores.push(store);
  seed(store);
  return computeReport({
    store: asyncStore(store),
    meeting: MEETING,
    participants: POINTS,
    points: POINTS,
    units: UNITS,
    now,
    thresholds: THRESHOLDS,
    yieldEvery: 2,
  });
}

const pointOf = (r: MeetingReport, code: string) => r.points.find((p) => p.code === code)!;

/** Times in seconds, for legible expectations. */
const secs = (f: PhaseFigures | null) =>
  f && {
    up: f.upMs / S,
    degraded: f.degradedMs / S,
    severe: f.severeMs / S,
    down: f.downMs / S,
    unknown: f.unknownMs / S,
    period: f.periodMs / S,
  };

describe.each([
  ['SQLite', () => openSqliteStore(join(dir, `r-${stores.length}.sqlite`))],
  ['in-memory', () => new MemoryStore()],
])('report figures on the %s store', (_name, open) => {
  let report: MeetingReport;
  const get = async () => (report ??= await reportOn(open()));

  it('[RP1] covers the line test and the session as planned, both complete', async () => {
    const r = await get();
    expect(r.phases.lineTest).toEqual({
      from: '2026-03-05T15:00:00.000+07:00',
      to: '2026-03-05T15:30:00.000+07:00',
      coveredTo: '2026-03-05T15:30:00.000+07:00',
      status: 'complete',
    });
    expect(r.phases.live.status).toBe('complete');
    expect(r.points.map((p) => p.code)).toEqual(['A', 'N', 'B', 'C']);
    expect(r.gaps).toEqual([{ from: '2026-03-06T08:20:00.000+07:00', to: '2026-03-06T08:25:35.000+07:00' }]);
  });

  it('[RP4] a point up throughout is unknown only for the monitor gap (a partial bucket included)', async () => {
    const a = pointOf(await get(), 'A').live!;
    // 327 buckets stored (33 fell in the gap); the bucket 08:25:30 has 5 s in the gap.
    expect(secs(a)).toEqual({ up: 3265, degraded: 0, severe: 0, down: 0, unknown: 335, period: 3600 });
    expect(a).toMatchObject({ upPct: 90.69, unknownPct: 9.31, downPct: 0, reachablePct: 100 });
    expect(a).toMatchObject({ rttMedian: 20, rttP95: 20, lossPct: 0, sent: 3270, received: 3270, downCount: 0 });
    expect(pointOf(await get(), 'A').lineTest).toMatchObject({ upPct: 100, upMs: 1_800_000, sent: 900, lossPct: 0 });
  });

  it('[RP2][RP3][RP5] an outage across the session start is clipped; amber buckets are degraded', async () => {
    const b = pointOf(await get(), 'B').live!;
    // Down 08:00:00–08:10:04 = 604 s (the 5 min before the session are not the session's).
    // Severe 08:30–08:31 = 60 s. Amber: 12 slow buckets, 08:50 (1 lost of 10), 08:51 (jitter) = 140 s.
    // Up: 327 buckets × 10 s − 600 (down buckets) − 4 (08:10:00 is down for 4 s, up for 6) − 60 (severe)
    //     − 140 (amber) − 5 (08:25:30 in the gap) = 2461 s. Unknown: the gap, 335 s.
    expect(secs(b)).toEqual({ up: 2461, degraded: 200, severe: 60, down: 604, unknown: 335, period: 3600 });
    expect(b).toMatchObject({
      upPct: 68.36,
      degradedPct: 5.56,
      downPct: 16.78,
      unknownPct: 9.31,
      reachablePct: 81.5, // (2461 + 200) / (3600 − 335)
      downCount: 1,
      severeCount: 1,
      longestDownMs: 604_000,
    });
    // 267 buckets with replies: 249 at 20 ms, 12 at 150, 6 at 300. p95: rank ⌈0.95 × 267⌉ = 254 → 150.
    expect([b.rttMedian, b.rttP95]).toEqual([20, 150]);
    // Lost: 60 × 10 + 4 + 1 = 605 of 3270.
    expect(b).toMatchObject({ sent: 3270, received: 2665, lossPct: 18.5 });
  });

  it('[RP2] an outage across the line test end counts its part within the line test', async () => {
    const b = pointOf(await get(), 'B').lineTest!;
    expect(secs(b)).toEqual({ up: 1500, degraded: 0, severe: 0, down: 300, unknown: 0, period: 1800 });
    expect(b).toMatchObject({ upPct: 83.33, downPct: 16.67, downCount: 1, longestDownMs: 300_000, lossPct: 16.67 });
  });

  it('[RP2][RP4] a point down for the whole session is down except during the gap', async () => {
    const c = pointOf(await get(), 'C').live!;
    expect(secs(c)).toEqual({ up: 0, degraded: 0, severe: 0, down: 3265, unknown: 335, period: 3600 });
    expect(c).toMatchObject({
      downPct: 90.69,
      reachablePct: 0,
      downCount: 1,
      longestDownMs: 3_265_000,
      rttMedian: null,
      rttP95: null,
      lossPct: 100,
    });
    expect(pointOf(await get(), 'C').lineTest).toMatchObject({ upPct: 100, rttMedian: 35, rttP95: 35 });
  });

  it('[RP4] a point never probed is unknown for both phases', async () => {
    const n = pointOf(await get(), 'N');
    for (const f of [n.lineTest!, n.live!]) {
      expect(f).toMatchObject({
        unknownPct: 100,
        upPct: 0,
        reachablePct: null,
        rttMedian: null,
        lossPct: null,
        sent: 0,
      });
    }
  });

  it('[RP10] units and the meeting sum their points’ times', async () => {
    const r = await get();
    const live = r.summary.live!;
    // Up 3265 + 2461; degraded 200; down 604 + 3265; unknown 335 × 3 + 3600; of 4 × 3600 s.
    expect(secs(live)).toEqual({ up: 5726, degraded: 200, severe: 60, down: 3869, unknown: 4605, period: 14400 });
    expect(live).toMatchObject({
      upPct: 39.76,
      degradedPct: 1.39,
      downPct: 26.87,
      unknownPct: 31.98,
      reachablePct: 60.5, // 5926 / 9795
      downCount: 2,
      severeCount: 1,
      longestDownMs: 3_265_000,
      points: 4,
      pointsWithDown: 2,
      pointsUnknown: 1,
      rttMedian: 20,
      rttP95: 20, // 576 of 594 replies' buckets at 20 ms
      lossPct: 39.5, // 3875 / 9810
    });
    const lt = r.summary.lineTest!;
    expect(secs(lt)).toEqual({ up: 5100, degraded: 0, severe: 0, down: 300, unknown: 1800, period: 7200 });
    // 510 buckets: 330 at 20 ms, 180 at 35 → median 20, p95 (rank 485) 35.
    expect(lt).toMatchObject({
      upPct: 70.83,
      downPct: 4.17,
      unknownPct: 25,
      reachablePct: 94.44,
      rttMedian: 20,
      rttP95: 35,
    });

    // Siblings in Vietnamese order: Cam Hiếu, Cam Nghĩa, Cam Thành, Cam Tuyền.
    expect(r.units.map((u) => [u.id, u.depth, u.live?.points])).toEqual([
      ['QT', 0, 4],
      ['QT-CL', 1, 4],
      ['QT-CL-A', 2, 1],
      ['QT-CL-N', 2, 1],
      ['QT-CL-B', 2, 1],
      ['QT-CL-C', 2, 1],
    ]);
    const district = r.units.find((u) => u.id === 'QT-CL')!;
    expect(district.live).toEqual(live);
    expect(r.units.find((u) => u.id === 'QT-CL-B')!.live).toMatchObject({ upPct: 68.36, points: 1, pointsWithDown: 1 });
  });

  it('[RP11] the timeline counts points per state, the gap as unknown', async () => {
    const live = (await get()).timeline.live!;
    expect(live.stepMs).toBe(20_000);
    expect(live.rows).toHaveLength(180);
    const row = (t: number) => live.rows.find((x) => x.t === t);
    expect(row(LIVE)).toEqual({ t: LIVE, up: 1, degraded: 0, down: 2, unknown: 1 });
    expect(row(at('08:20:00'))).toEqual({ t: at('08:20:00'), up: 0, degraded: 0, down: 0, unknown: 4 });
    expect(row(at('08:40:00'))).toEqual({ t: at('08:40:00'), up: 1, degraded: 1, down: 1, unknown: 1 });
    // 08:10:00–08:10:20: A up; B down 4 s of the 20, up the rest; C down; N unknown.
    expect(row(at('08:10:00'))).toEqual({ t: at('08:10:00'), up: 1.8, degraded: 0, down: 1.2, unknown: 1 });
    const lt = (await get()).timeline.lineTest!;
    expect(lt.rows[0]).toEqual({ t: LT, up: 3, degraded: 0, down: 0, unknown: 1 });
  });

  it('[RP7] lists the meeting’s outages only, with their parts within each phase', async () => {
    const r = await get();
    expect(r.outages.map((o) => [o.point, o.type, o.lineTestMs / S, o.liveMs / S, o.open])).toEqual([
      ['B', 'down', 300, 0, false],
      ['C', 'down', 0, 3600, true],
      ['B', 'down', 0, 604, false],
      ['B', 'severe', 0, 60, false],
    ]);
    const c = r.outages.find((o) => o.point === 'C')!;
    expect(c).toMatchObject({ pointName: 'Điểm cầu xã Cam Tuyền', unitName: 'Xã Cam Tuyền', endedAt: null });
    expect(c.durationMs).toBe(NOW - at('07:30:00'));
  });
});

describe('a report during the session', () => {
  it('[RP1] covers the session up to the last complete bucket; the line test is complete', async () => {
    const now = at('08:15:07');
    const r = await reportOn(new MemoryStore(), now);
    expect(r.phases.live).toMatchObject({ status: 'inProgress', coveredTo: '2026-03-06T08:15:00.000+07:00' });
    expect(r.meeting.phase).toBe('live');
    const b = pointOf(r, 'B').live!;
    expect(secs(b)).toEqual({ up: 296, degraded: 0, severe: 0, down: 604, unknown: 0, period: 900 });
    // C's open outage runs to the report's time, clipped to what is covered.
    expect(pointOf(r, 'C').live!.downMs).toBe(900_000);
    expect(r.timeline.live!.rows.at(-1)!.t).toBeLessThan(now);
  });

  it('[RP1] before the line test there are no figures', async () => {
    const r = await reportOn(new MemoryStore(), LT - 60_000);
    expect(r.phases.lineTest.status).toBe('notStarted');
    expect(r.summary).toEqual({ lineTest: null, live: null });
    expect(r.points.every((p) => p.lineTest === null && p.live === null)).toBe(true);
    expect(r.timeline).toEqual({ lineTest: null, live: null });
  });
});
