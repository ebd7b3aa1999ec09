// The overview's client-side arithmetic and the dashboard's address for it (docs/NATIONAL.md NV4).
import { describe, expect, it } from 'vitest';
import { applyOverviewDelta, OVERVIEW_FROM, type ProblemPoint, type RegionView } from '../../../shared/overview';
import {
  isLargeMeeting,
  meetingTotals,
  newlyBad,
  overviewSize,
  regionProblems,
  regionsByProblems,
} from '../../../client/src/lib/overview';
import { problemAlertText } from '../../../client/src/lib/alerts';
import { MESSAGES } from '../../../client/src/i18n';
import { askFor, AUTO, shownView, urlWithView, viewFromUrl } from '../../../client/src/lib/viewRoute';
import { overviewModel } from '../../../client/src/live/overview';

const region = (id: string, counts: Partial<RegionView['counts']>, endpointDown = 0): RegionView => {
  const c = { up: 0, degraded: 0, severe: 0, down: 0, unknown: 0, ...counts };
  return {
    id,
    name: `Tỉnh ${id}`,
    level: 'province',
    own: false,
    total: c.up + c.degraded + c.severe + c.down + c.unknown,
    counts: c,
    endpointDown,
  };
};

describe('[NV4] regions most problems first', () => {
  const a = region('A', { up: 800 });
  const b = region('B', { up: 790, degraded: 10 });
  const c = region('C', { up: 795, down: 5 });
  const d = region('D', { up: 797, degraded: 2, severe: 1 }, 2);
  const e = region('E', { up: 800 });

  it('counts every line not up and the dead endpoints behind lines up', () => {
    expect(regionProblems(d)).toBe(5);
    expect(regionProblems(a)).toBe(0);
  });

  it('sorts by problems, then by points down, then keeps inventory order', () => {
    expect(regionsByProblems([a, b, c, d, e]).map((r) => r.id)).toEqual(['B', 'C', 'D', 'A', 'E']);
    expect(regionsByProblems([e, a]).map((r) => r.id)).toEqual(['E', 'A']);
  });

  it('leaves its input as it was', () => {
    const input = [a, b];
    regionsByProblems(input);
    expect(input.map((r) => r.id)).toEqual(['A', 'B']);
  });

  it('sums the regions into the meeting totals', () => {
    expect(meetingTotals([b, c, d])).toEqual({
      total: 2400,
      counts: { up: 2382, degraded: 12, severe: 1, down: 5, unknown: 0 },
      endpointDown: 2,
    });
    expect(meetingTotals([]).total).toBe(0);
  });
});

describe('[NV4] a large meeting', () => {
  it('is one of more than OVERVIEW_FROM points; a size not given is a small meeting', () => {
    expect(isLargeMeeting({ size: OVERVIEW_FROM + 1 })).toBe(true);
    expect(isLargeMeeting({ size: OVERVIEW_FROM })).toBe(false);
    expect(isLargeMeeting({})).toBe(false);
    expect(isLargeMeeting(null)).toBe(false);
  });

  it("takes the overview's size from the meeting, else from its regions", () => {
    const rs = [region('A', { up: 1500 }), region('B', { up: 1000 })];
    expect(overviewSize({ size: 7 }, rs)).toBe(7);
    expect(overviewSize({}, rs)).toBe(2500);
  });
});

describe('[NV4] the address of a view', () => {
  it('reads a region, the overview or the default', () => {
    expect(viewFromUrl('?meeting=m&unit=HT')).toEqual({ view: 'auto', unit: 'HT' });
    expect(viewFromUrl('?meeting=m&unit=HT&view=overview')).toEqual({ view: 'auto', unit: 'HT' });
    expect(viewFromUrl('?meeting=m&view=overview')).toEqual({ view: 'overview', unit: null });
    expect(viewFromUrl('?meeting=m')).toEqual(AUTO);
    expect(viewFromUrl('?meeting=m&view=tiles')).toEqual(AUTO);
  });

  it('ignores a unit that is not a code (never sent to the server)', () => {
    expect(viewFromUrl('?unit=Hà%20Tĩnh')).toEqual(AUTO);
    expect(viewFromUrl('?unit=')).toEqual(AUTO);
  });

  it('opens a large meeting in the overview and a small one in the grid unless asked', () => {
    expect(shownView(AUTO, true)).toEqual({ kind: 'overview' });
    expect(shownView(AUTO, false)).toEqual({ kind: 'grid' });
    expect(shownView({ view: 'overview', unit: null }, false)).toEqual({ kind: 'overview' });
    expect(shownView({ view: 'auto', unit: 'HT' }, true)).toEqual({ kind: 'region', unit: 'HT' });
  });

  it('writes what it reads back, keeping the meeting', () => {
    for (const large of [true, false]) {
      for (const view of [{ kind: 'overview' }, { kind: 'region', unit: 'HT-01' }, { kind: 'grid' }] as const) {
        if (large && view.kind === 'grid') continue;
        const href = urlWithView('http://x/?meeting=m&view=overview&unit=NA#point=A', askFor(view, large), '');
        expect(new URL(href, 'http://x').searchParams.get('meeting')).toBe('m');
        expect(shownView(viewFromUrl(new URL(href, 'http://x').search), large)).toEqual(view);
      }
    }
    expect(urlWithView('http://x/?meeting=m', askFor({ kind: 'region', unit: 'HT' }, true), 'point=HT-1')).toBe(
      '/?meeting=m&unit=HT#point=HT-1',
    );
    expect(urlWithView('http://x/?meeting=m&unit=HT', askFor({ kind: 'overview' }, false))).toBe(
      '/?meeting=m&view=overview',
    );
  });
});

describe('[NV2] the overview model', () => {
  it('starts from the snapshot and moves with its deltas', () => {
    const snap = {
      meeting: { phase: 'live' } as never,
      seq: 3,
      serverTime: 0,
      regions: [region('A', { up: 800 }), region('B', { up: 800 })],
      problems: [],
      problemTotal: 0,
    };
    const m0 = overviewModel(snap);
    expect(m0).toMatchObject({ seq: 3, phase: 'live', problemTotal: 0 });
    const p = {
      code: 'B-1',
      name: 'Điểm cầu B-1',
      region: 'B',
      state: 'down' as const,
      endpoint: null,
      since: '2026-12-04T10:00:00+07:00',
      reason: 'no-contact' as const,
    };
    const m1 = applyOverviewDelta(m0, {
      meetingId: 'm',
      seq: 4,
      serverTime: 0,
      regions: [{ id: 'B', counts: { up: 799, degraded: 0, severe: 0, down: 1, unknown: 0 }, endpointDown: 0 }],
      problems: [p],
      removed: [],
      problemTotal: 1,
    });
    expect(meetingTotals(m1.regions).counts.down).toBe(1);
    expect(m1.problems).toEqual([p]);
    expect(m0.problems).toEqual([]);
  });
});

const problem = (
  code: string,
  state: ProblemPoint['state'],
  endpoint: ProblemPoint['endpoint'] = null,
): ProblemPoint => ({
  code,
  name: `Điểm cầu ${code}`,
  region: 'A',
  state,
  endpoint,
  since: '2026-12-04T10:05:00+07:00',
  reason: null,
});

describe('[NV4] the overview beeps', () => {
  it('for points that entered down or severe, or got worse into it; not for degraded, unknown or an endpoint', () => {
    const before = [problem('A1', 'degraded'), problem('A2', 'down'), problem('A3', 'unknown')];
    const entered = [
      problem('A1', 'severe'), // worse: degraded → severe
      problem('A2', 'down'), // changed (since, reason), still down: already beeped
      problem('A3', 'down'), // unknown → down
      problem('A4', 'down'), // new
      problem('A5', 'degraded'),
      problem('A6', 'up', 'down'),
      problem('A7', 'unknown'),
    ];
    expect(newlyBad(before, entered).map((p) => p.code)).toEqual(['A1', 'A3', 'A4']);
    expect(newlyBad([], [])).toEqual([]);
  });

  it('words one point by its state and name, several as a count and names', () => {
    const vi = MESSAGES.vi;
    expect(problemAlertText([problem('A4', 'down')], vi)).toEqual({
      title: 'Mất kết nối: Điểm cầu A4',
      body: 'từ 10:05:00',
    });
    const many = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7'].map((c) => problem(c, 'severe'));
    const text = problemAlertText(many, MESSAGES.en)!;
    expect(text.title).toMatch(/7/);
    expect(text.body).toContain('Điểm cầu B1');
    expect(text.body).not.toContain('Điểm cầu B6');
    expect(problemAlertText([], vi)).toBeNull();
  });
});
