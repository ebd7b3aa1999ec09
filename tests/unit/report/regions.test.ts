// [NV5] The report by region and a unit's report, on the province of province-fixture.ts (a real
// SQLite file): the regions are the overview's (meetingRegions), their figures and timelines add up to
// the meeting's, and a unit's report cut from the whole is the report of its points computed alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingRegions } from '../../../shared/overview';
import { REPORT_PHASES, worstFirst, type AggregateFigures, type MeetingReport } from '../../../shared/report';
import type { Point, Unit } from '../../../shared/schemas';
import { computeReport } from '../../../server/report/compute';
import { regionsTitle } from '../../../server/report/regions';
import { limitTable, needsTimeline, scopeReport, viewReport } from '../../../server/report/scope';
import { asyncStore } from '../../../server/store/async';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { Store, SyncStore } from '../../../server/store/types';
import { MEETING, POINTS, UNITS, seedProvince } from '../../integration/report/province-fixture';

const THRESHOLDS = { lossPct: 1, rttMs: 100, jitterMs: 20 };
const NOW = Date.parse('2026-03-07T09:00:00+07:00');
const dir = mkdtempSync(join(tmpdir(), 'dc-regions-'));
let sync: SyncStore;
let store: Store;
let whole: MeetingReport;

const compute = (participants: readonly Point[], now = NOW): Promise<MeetingReport> =>
  computeReport({ store, meeting: MEETING, participants, points: POINTS, units: UNITS, now, thresholds: THRESHOLDS });
const unit = (id: string): Unit => UNITS.find((u) => u.id === id)!;
const under = (ids: readonly string[]): Point[] => POINTS.filter((p) => ids.includes(p.unit));
const NO_CURRENT = { notes: [], checklist: null, rollCall: null };

beforeAll(async () => {
  sync = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seedProvince(sync);
  store = asyncStore(sync);
  whole = await compute(POINTS);
});

afterAll(() => {
  sync.close();
  rmSync(dir, { recursive: true, force: true });
});

const ADDITIVE = [
  'points',
  'pointsWithDown',
  'pointsUnknown',
  'downCount',
  'severeCount',
  'periodMs',
  'upMs',
  'degradedMs',
  'severeMs',
  'downMs',
  'unknownMs',
  'sent',
  'received',
] as const satisfies readonly (keyof AggregateFigures)[];

describe('[NV5] the report by region', () => {
  it('has the overview’s regions (meetingRegions), the province’s own point first, named by their level', () => {
    const { regions } = meetingRegions(UNITS, POINTS);
    expect(whole.regions!.map((g) => [g.id, g.name, g.level, g.own, g.points])).toEqual([
      ['HT', 'Tỉnh Hà Tĩnh', 'province', true, 1],
      ['HT-A', 'Huyện An', 'district', false, 3],
      ['HT-B', 'Huyện Bình', 'district', false, 1],
    ]);
    expect(whole.regions!.map((g) => g.id)).toEqual(regions.map((g) => g.id));
    expect(regionsTitle(whole.regions!)).toBe('Theo huyện');
    // A national meeting's regions are provinces.
    expect(regionsTitle([{ level: 'province', own: false }])).toBe('Theo tỉnh');
    expect(regionsTitle([{ level: 'commune', own: false }])).toBe('Theo xã');
  });

  it('adds up to the summary in both phases, and each region is its row of the unit table', () => {
    for (const ph of REPORT_PHASES) {
      const s = whole.summary[ph]!;
      for (const k of ADDITIVE) {
        expect(
          whole.regions!.reduce((a, g) => a + g[ph]![k], 0),
          `${ph}.${k}`,
        ).toBe(s[k]);
      }
      expect(whole.units.find((u) => u.id === 'HT#own')![ph]).toEqual(whole.regions![0]![ph]);
      expect(whole.units.find((u) => u.id === 'HT-A')![ph]).toEqual(whole.regions![1]![ph]);
    }
    // Worked out by hand (province-fixture.ts): P 2 outages (210 s), DA + A1 2 (340 s), B1 2 (420 s).
    expect(whole.regions!.map((g) => [g.live!.downCount, g.live!.downMs / 1000, g.live!.pointsWithDown])).toEqual([
      [2, 210, 1],
      [2, 340, 2],
      [2, 420, 1],
    ]);
  });

  it('gives each region a timeline; the regions’ add up to the meeting’s, step by step', () => {
    for (const ph of REPORT_PHASES) {
      const rows = whole.timeline[ph]!.rows;
      const parts = whole.regions!.map((g) => g.timeline![ph]!.rows);
      expect(parts.every((p) => p.length === rows.length)).toBe(true);
      rows.forEach((row, i) => {
        for (const k of ['up', 'degraded', 'down', 'unknown'] as const) {
          // Each series is rounded to 0.01 on its own.
          expect(Math.abs(parts.reduce((a, p) => a + p[i]![k], 0) - row[k])).toBeLessThanOrEqual(0.03);
        }
      });
    }
  });

  it('ranks the worst first: the lowest availability, then the most downtime', () => {
    const order = worstFirst(whole.regions!, 'live').map((g) => g.id);
    const avail = (id: string) => whole.regions!.find((g) => g.id === id)!.live!.reachablePct!;
    expect(avail(order[0]!)).toBeLessThanOrEqual(avail(order[1]!));
    expect(avail(order[1]!)).toBeLessThanOrEqual(avail(order[2]!));
    // B1's 420 s down of 3,600 is the worst share.
    expect(order[0]).toBe('HT-B');
    expect(whole.regions!.map((g) => g.id)).toEqual(['HT', 'HT-A', 'HT-B']);
  });
});

describe('[NV5] a unit’s report', () => {
  it('cut from the whole, is the report of its points computed alone, timeline included', async () => {
    const cut = scopeReport(whole, unit('HT-A'), UNITS);
    const alone = await compute(under(['HT-A', 'HT-A-1', 'HT-A-2']));
    expect(cut.scope).toEqual({ unit: 'HT-A', name: 'Huyện An', level: 'district' });
    expect(cut.summary).toEqual({
      lineTest: whole.units.find((u) => u.id === 'HT-A')!.lineTest,
      live: whole.units.find((u) => u.id === 'HT-A')!.live,
    });
    expect(cut.summary.live).toEqual(alone.summary.live);
    expect(cut.summary.lineTest).toEqual(alone.summary.lineTest);
    expect(cut.points).toEqual(alone.points);
    // Computed alone, the tree keeps the province above the district; the cut starts at the unit.
    expect(cut.units).toEqual(alone.units.filter((u) => u.id !== 'HT').map((u) => ({ ...u, depth: u.depth - 1 })));
    expect(cut.outages.map((o) => o.id)).toEqual(
      alone.outages.filter((o) => ['DA', 'A1', 'A2'].includes(o.point)).map((o) => o.id),
    );
    expect(cut.outages.every((o) => ['DA', 'A1', 'A2'].includes(o.point))).toBe(true);
    expect(needsTimeline(whole, cut)).toBe(false);
    expect(cut.timeline).toEqual(alone.timeline);
    expect(cut.regions!.map((g) => [g.id, g.own, g.points])).toEqual([
      ['HT-A', true, 1],
      ['HT-A-1', false, 1],
      ['HT-A-2', false, 1],
    ]);
  });

  it('below the regions’ level computes its timeline from the store, as of the whole report’s time', async () => {
    const alone = await compute(under(['HT-B-1']));
    let asked: number | null = null;
    const view = await viewReport(whole, NO_CURRENT, {
      unit: unit('HT-B-1'),
      units: UNITS,
      timeline: async (now) => {
        asked = now;
        return (await compute(under(['HT-B-1']), now)).timeline;
      },
    });
    expect(asked).toBe(NOW);
    expect(view.timeline).toEqual(alone.timeline);
    expect(view.summary).toEqual(alone.summary);
    expect(view.points.map((p) => p.code)).toEqual(['B1']);
    expect(view.outageGroups!.every((g) => g.points.every((p) => p.code === 'B1'))).toBe(true);
  });

  it('from a snapshot stored before regions existed, computes a region’s timeline afresh', async () => {
    const { regions: _none, ...old } = whole;
    const view = await viewReport(old, NO_CURRENT, {
      unit: unit('HT-A'),
      units: UNITS,
      timeline: async (now) => (await compute(under(['HT-A', 'HT-A-1', 'HT-A-2']), now)).timeline,
    });
    expect(view.timeline).toEqual(whole.regions![1]!.timeline);
    expect(view.summary.live).toEqual(whole.units.find((u) => u.id === 'HT-A')!.live);
    expect(view.regions!.map((g) => g.id)).toEqual(['HT-A', 'HT-A-1', 'HT-A-2']);
  });

  it('of the regions’ common unit is the whole meeting’s', () => {
    const cut = scopeReport(whole, unit('HT'), UNITS);
    expect(cut.summary).toEqual(whole.summary);
    expect(cut.points).toEqual(whole.points);
    expect(cut.timeline).toEqual(whole.timeline);
    expect(needsTimeline(whole, cut)).toBe(false);
  });

  it('lists only its points in the checklist and the roll call', () => {
    const t = {
      title: 'Điểm danh',
      columns: ['Mã điểm cầu', 'Tên'],
      rows: [
        ['DA', 'a'],
        ['B1', 'b'],
        ['A1', 'c'],
      ],
    };
    expect(limitTable(t, new Set(['DA', 'A1']))!.rows).toEqual([
      ['DA', 'a'],
      ['A1', 'c'],
    ]);
    expect(limitTable(null, new Set())).toBeNull();
  });
});
