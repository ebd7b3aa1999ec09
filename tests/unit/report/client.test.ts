// The report view's pure helpers (client/src/lib): the outage log's filters, notes applied live,
// the unit bars and the order of the points — on the report computed from the hand-worked fixture.
import { beforeAll, describe, expect, it } from 'vitest';
import { asyncStore } from '../../../server/store/async';
import type { MeetingReport, OutageNote } from '../../../shared/report';
import { computeReport } from '../../../server/report/compute';
import { NO_FILTER, durationIn, filterOutages, newestFirst, subtreeIndex } from '../../../client/src/lib/reportFilters';
import { reportUrls } from '../../../client/src/lib/reportApi';
import { defaultPhase, troubleFirst, unitBars, withNote } from '../../../client/src/lib/reportView';
import { MemoryStore } from '../../helpers/memory-store';
import { MEETING, NOW, POINTS, THRESHOLDS, UNITS, seed } from './fixture';

let r: MeetingReport;
beforeAll(async () => {
  const store = new MemoryStore();
  seed(store);
  r = await computeReport({
    store: asyncStore(store),
    meeting: MEETING,
    participants: POINTS,
    points: POINTS,
    units: UNITS,
    now: NOW,
    thresholds: THRESHOLDS,
  });
});

const note = (outageId: number, over: Partial<OutageNote> = {}): OutageNote => ({
  outageId,
  meeting: MEETING.id,
  cause: 'line',
  note: 'Đứt cáp',
  acknowledgedBy: 'kt',
  acknowledgedByName: null,
  acknowledgedAt: '2026-03-06T09:00:00.000+07:00',
  updatedBy: 'kt',
  updatedByName: null,
  updatedAt: '2026-03-06T09:00:00.000+07:00',
  ...over,
});

const codes = (list: { point: string; type: string }[]) => list.map((o) => `${o.point}:${o.type}`).sort();

describe('outage log filters', () => {
  it('keep everything when empty, and list newest first', () => {
    const all = filterOutages(r.outages, NO_FILTER, subtreeIndex(r.units));
    expect(all).toHaveLength(4);
    expect(newestFirst(all).map((o) => o.startedAt)).toEqual(
      all
        .map((o) => o.startedAt)
        .toSorted()
        .toReversed(),
    );
  });

  it('by phase (an outage counts where it overlaps), unit subtree, point text, type', () => {
    const sub = subtreeIndex(r.units);
    const f = (patch: Partial<typeof NO_FILTER>) => codes(filterOutages(r.outages, { ...NO_FILTER, ...patch }, sub));
    expect(f({ phase: 'lineTest' })).toEqual(['B:down']);
    expect(f({ phase: 'live' })).toEqual(['B:down', 'B:severe', 'C:down']);
    expect(f({ unit: 'QT-CL' })).toHaveLength(4); // the district holds every commune
    expect(f({ unit: 'QT-CL-C' })).toEqual(['C:down']);
    expect(f({ point: 'cam tuyen' })).toEqual(['C:down']); // diacritics optional
    expect(f({ point: 'Thành' })).toHaveLength(3);
    expect(f({ type: 'severe' })).toEqual(['B:severe']);
  });

  it('by duration within the chosen phase', () => {
    const sub = subtreeIndex(r.units);
    // B's session outage lasted 15 min 4 s in all but 10 min 4 s within the session.
    const b = r.outages.find((o) => o.point === 'B' && o.type === 'down' && o.liveMs > 0)!;
    expect([durationIn(b, null), durationIn(b, 'live'), durationIn(b, 'lineTest')]).toEqual([904_000, 604_000, 0]);
    expect(codes(filterOutages(r.outages, { ...NO_FILTER, minMinutes: 15 }, sub))).toEqual([
      'B:down',
      'B:down',
      'C:down',
    ]);
    expect(codes(filterOutages(r.outages, { ...NO_FILTER, phase: 'live', minMinutes: 15 }, sub))).toEqual(['C:down']);
  });

  it('by cause and acknowledgement, notes applied live', () => {
    const sub = subtreeIndex(r.units);
    const c = r.outages.find((o) => o.point === 'C')!;
    const b = r.outages.find((o) => o.type === 'severe')!;
    const noted = withNote(withNote(r, note(c.id, { cause: 'power' })), note(b.id, { cause: null }));
    expect(noted.outages.find((o) => o.id === c.id)!.note!.cause).toBe('power');
    expect(r.outages.find((o) => o.id === c.id)!.note).toBeNull(); // the original is untouched
    const f = (patch: Partial<typeof NO_FILTER>) =>
      codes(filterOutages(noted.outages, { ...NO_FILTER, ...patch }, sub));
    expect(f({ cause: 'power' })).toEqual(['C:down']);
    expect(f({ cause: 'none' })).toEqual(['B:down', 'B:down', 'B:severe']);
    expect(f({ acknowledged: true })).toEqual(['B:severe', 'C:down']);
    expect(f({ acknowledged: false })).toEqual(['B:down', 'B:down']);
    expect(withNote(r, note(424_242))).toBe(r);
  });
});

describe('report view helpers', () => {
  it('shows the session once it has started, else the line test', () => {
    expect(defaultPhase(r)).toBe('live');
    expect(defaultPhase({ ...r, phases: { ...r.phases, live: { ...r.phases.live, status: 'notStarted' } } })).toBe(
      'lineTest',
    );
  });

  it('bars the first level with two units or more; points lowest time up first', () => {
    expect(unitBars(r.units, 'live').map((b) => [b.name, b.up])).toEqual([
      ['Xã Cam Hiếu', 90.69],
      ['Xã Cam Nghĩa', 0],
      ['Xã Cam Thành', 68.36],
      ['Xã Cam Tuyền', 0],
    ]);
    expect(unitBars(r.units, 'live', 2).map((b) => b.name)).toEqual(['Xã Cam Nghĩa', 'Xã Cam Tuyền']);
    expect(troubleFirst(r.points, 'live').map((p) => p.code)).toEqual(['C', 'N', 'B', 'A']);
  });
});

describe('[NV5] a unit’s report from the dashboard', () => {
  it('asks for the unit’s report and its downloads with ?unit=, the whole meeting’s without', () => {
    expect(reportUrls.pdf('hn-1')).toBe('/api/meetings/hn-1/report.pdf');
    expect(reportUrls.pdf('hn-1', 'HT-A')).toBe('/api/meetings/hn-1/report.pdf?unit=HT-A');
    expect(reportUrls.xlsx('hn-1', 'HT-A')).toBe('/api/meetings/hn-1/report.xlsx?unit=HT-A');
    expect(reportUrls.csv('hn-1', 'regions')).toBe('/api/meetings/hn-1/report.csv?table=regions');
    expect(reportUrls.csv('hn-1', 'points', 'HT.A_1')).toBe('/api/meetings/hn-1/report.csv?table=points&unit=HT.A_1');
  });
});
