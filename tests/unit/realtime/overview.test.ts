// [NV1] the regions of a meeting; [NV2] the overview kept by the hub: counts move with statuses, the
// problem list is cut at its limit in problemOrder, and a dashboard applying the deltas
// (applyOverviewDelta) holds exactly the server's list and counts after any sequence of changes.
import { describe, expect, it } from 'vitest';
import {
  applyOverviewDelta,
  meetingRegions,
  problemOrder,
  type OverviewModel,
  type ProblemPoint,
} from '../../../shared/overview';
import type { Point, PointState, PointStatus, Unit } from '../../../shared/schemas';
import { MeetingOverview } from '../../../server/realtime/overview';
import { toWireInstant } from '../../../shared/time';

const unit = (id: string, level: Unit['level'], parent: string | null, name = `Đơn vị ${id}`): Unit => ({
  id,
  name,
  level,
  parent,
});
const pt = (code: string, unitId: string): Point => ({
  code,
  name: `Điểm cầu ${code}`,
  level: 'commune',
  unit: unitId,
  targets: [{ kind: 'icmp', host: '127.0.0.1', role: 'primary' }],
  contacts: [],
});

describe('meetingRegions (NV1)', () => {
  const units = [
    unit('TW', 'province', null, 'Trung ương'),
    unit('HN', 'province', null, 'Hà Nội'),
    unit('HN-1', 'commune', 'HN'),
    unit('NA', 'province', null, 'Nghệ An'),
    unit('NA-D', 'district', 'NA'),
    unit('NA-1', 'commune', 'NA-D'),
    unit('NA-2', 'commune', 'NA-D'),
    unit('XX', 'province', null, 'Không tham gia'),
  ];

  it('sees a national meeting by province: the roots its points lie under, in inventory order', () => {
    const points = [pt('na1', 'NA-1'), pt('tw', 'TW'), pt('hn1', 'HN-1'), pt('na2', 'NA-2')];
    const { regions, regionOf } = meetingRegions(units, points);
    expect(regions.map((r) => r.id)).toEqual(['TW', 'HN', 'NA']);
    expect(regions.every((r) => !r.own)).toBe(true);
    expect(Object.fromEntries(regionOf)).toEqual({ na1: 'NA', tw: 'TW', hn1: 'HN', na2: 'NA' });
  });

  it("sees a province's meeting by its children, the province's own points first as a region of their own", () => {
    const points = [pt('na1', 'NA-1'), pt('na', 'NA'), pt('na2', 'NA-2')];
    const { regions, regionOf } = meetingRegions(units, points);
    // `na` sits on NA itself, so the deepest common unit is NA (not NA-D): NA's own points come first.
    expect(regions).toEqual([
      { id: 'NA', name: 'Nghệ An', level: 'province', own: true },
      { id: 'NA-D', name: 'Đơn vị NA-D', level: 'district', own: false },
    ]);
    expect(regionOf.get('na')).toBe('NA');
    expect(regionOf.get('na1')).toBe('NA-D');
  });

  it('goes down to the deepest common unit: a district meeting is seen by commune', () => {
    const { regions } = meetingRegions(units, [pt('na1', 'NA-1'), pt('na2', 'NA-2')]);
    expect(regions.map((r) => r.id)).toEqual(['NA-1', 'NA-2']);
  });

  it('gives a point whose unit is missing a region named by its unit id, and survives a cycle', () => {
    const cyclic = [unit('A', 'province', 'B'), unit('B', 'province', 'A')];
    const { regions, regionOf } = meetingRegions(cyclic, [pt('a', 'A'), pt('z', 'GONE')]);
    expect(regionOf.get('z')).toBe('GONE');
    expect(regions.map((r) => r.id)).toContain('GONE');
    expect(regions.map((r) => r.id)).toContain('B');
  });
});

const T0 = Date.parse('2026-12-04T08:00:00+07:00');
const status = (code: string, state: PointState, since: number, endpoint: PointState | null = null): PointStatus => ({
  code,
  state,
  rtt: state === 'up' ? 1 : null,
  loss: 0,
  jitter: null,
  since: toWireInstant(since),
  backup: null,
  endpoint,
  inCall: null,
});

describe('MeetingOverview (NV2)', () => {
  const units = [unit('A', 'province', null), unit('B', 'province', null), unit('C', 'province', null)];
  const codes = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  const points = codes.map((c, i) => pt(c, ['A', 'B', 'C'][i % 3]!));

  function build(limit: number) {
    const now = new Map<string, PointStatus>(codes.map((c) => [c, status(c, 'up', T0)]));
    const ov = new MeetingOverview({
      units,
      points,
      status: (c) => now.get(c),
      reason: (c) => (now.get(c)?.state === 'unknown' ? 'no-contact' : null),
      limit,
    });
    return { ov, now };
  }

  it('counts each region by state and follows a status change in O(1)', () => {
    const { ov, now } = build(5);
    expect(ov.regionViews().map((r) => [r.id, r.total, r.counts.up])).toEqual([
      ['A', 10, 10],
      ['B', 10, 10],
      ['C', 10, 10],
    ]);
    expect(ov.change()).toBeNull();
    const s = status('p00', 'down', T0 + 1000);
    now.set('p00', s);
    expect(ov.apply('p00', s)).toBe(true);
    const c = ov.change()!;
    expect(c.regions).toEqual([
      { id: 'A', counts: { up: 9, degraded: 0, severe: 0, down: 1, unknown: 0 }, endpointDown: 0 },
    ]);
    expect(c.problems.map((p) => [p.code, p.state, p.region])).toEqual([['p00', 'down', 'A']]);
    expect(c.removed).toEqual([]);
    expect(c.problemTotal).toBe(1);
    // The same status again moves nothing.
    expect(ov.apply('p00', s)).toBe(false);
    expect(ov.change()).toBeNull();
    // A code outside the meeting is ignored.
    expect(ov.apply('nope', s)).toBe(false);
  });

  it('counts a point whose line is up and whose endpoint is down, and lists it above the degraded', () => {
    const { ov } = build(10);
    ov.apply('p01', status('p01', 'up', T0, 'down'));
    ov.apply('p02', status('p02', 'degraded', T0 - 60_000));
    const c = ov.change()!;
    expect(c.regions.find((r) => r.id === 'B')!.endpointDown).toBe(1);
    expect(ov.shownProblems().map((p) => p.code)).toEqual(['p01', 'p02']);
  });

  it('keeps the worst `limit` problems; the deltas, applied in order, rebuild exactly the server list', () => {
    const limit = 4;
    const { ov, now } = build(limit);
    const first = ov.regionViews();
    let model: OverviewModel = { seq: 0, regions: first, problems: ov.shownProblems(), problemTotal: 0, phase: 'live' };
    const states: PointState[] = ['up', 'degraded', 'severe', 'down', 'unknown'];
    // A fixed pseudo-random walk: 400 changes over 30 points, ticks of 1–7 changes.
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let t = T0;
    let maxWire = 0;
    for (let tick = 0; tick < 120; tick++) {
      const n = 1 + rnd(7);
      for (let k = 0; k < n; k++) {
        const code = codes[rnd(codes.length)]!;
        const state = states[rnd(states.length)]!;
        const s = status(code, state, (t += 1000), rnd(5) === 0 ? 'down' : null);
        now.set(code, s);
        ov.apply(code, s);
      }
      const c = ov.change();
      if (!c) continue;
      maxWire = Math.max(maxWire, c.problems.length + c.removed.length);
      model = applyOverviewDelta(model, { meetingId: 'M', seq: model.seq + 1, serverTime: t, ...c });
      expect(model.problems).toEqual(ov.shownProblems());
      expect(model.problems.length).toBeLessThanOrEqual(limit);
      expect(model.regions).toEqual(ov.regionViews());
    }
    // What the server holds: every non-up point (or endpoint down) is a problem, the list is their worst.
    const expected: ProblemPoint[] = [...now.values()]
      .filter((s) => s.state !== 'up' || s.endpoint === 'down')
      .map((s) => ({
        code: s.code,
        name: `Điểm cầu ${s.code}`,
        region: ['A', 'B', 'C'][codes.indexOf(s.code) % 3]!,
        state: s.state,
        endpoint: s.endpoint,
        since: s.since,
        reason: s.state === 'unknown' ? ('no-contact' as const) : null,
      }))
      .sort(problemOrder);
    expect(model.problemTotal).toBe(expected.length);
    expect(model.problems).toEqual(expected.slice(0, limit));
    // A delta's list part is bounded by twice the limit whatever happened.
    expect(maxWire).toBeLessThanOrEqual(2 * limit);
    const counted = model.regions.reduce((n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0), 0);
    expect(counted).toBe(codes.length);
  });

  it('counts a point with no status yet as unknown, a problem without a since', () => {
    const ov = new MeetingOverview({ units, points: points.slice(0, 3), status: () => undefined, reason: () => null });
    expect(ov.regionViews().map((r) => r.counts.unknown)).toEqual([1, 1, 1]);
    expect(ov.shownProblems().map((p) => [p.code, p.since])).toEqual([
      ['p00', null],
      ['p01', null],
      ['p02', null],
    ]);
  });
});
