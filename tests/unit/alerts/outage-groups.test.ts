// The outage log grouped as the incident engine groups live events (docs/SPEC.md AL15): the feed and
// the report read the same problems the alerts told about.
import { describe, expect, it } from 'vitest';
import { groupOutages, LineGroups, type GroupableOutage } from '../../../shared/outage-groups';
import { tinyProvince } from '../../helpers/app';

const T0 = Date.UTC(2026, 2, 6, 1, 0, 0);
const S = 1000;
const { units, points } = tinyProvince(202, 4);
const groups = new LineGroups(units, points);
let id = 0;
const o = (point: string, start: number, end: number | null, type = 'down'): GroupableOutage => ({
  id: ++id,
  point,
  type,
  start: T0 + start,
  end: end === null ? null : T0 + end,
});
const shape = (list: GroupableOutage[]) =>
  groupOutages(list, groups).map((g) => `${g.kind}:${g.points.join(',')}:${g.outages.length}:${g.drops}`);

describe('outage groups', () => {
  it('[AL15] a district cut is one unit problem; a late commune of it joins; a commune alone is its own', () => {
    const list = [
      o('C1', 0, 300 * S),
      o('D1', 1 * S, 290 * S),
      o('C2', 2 * S, 295 * S),
      o('C3', 2 * S, 299 * S),
      o('C4', 60 * S, 280 * S), // while the line is down
      o('C2', 1000 * S, 1100 * S), // much later, alone
    ];
    const g = groupOutages(list, groups);
    expect(shape(list)).toEqual(['unit:C1,D1,C2,C3,C4:5:1', 'point:C2:1:1']);
    expect(g[0]).toMatchObject({ unit: { id: 'D1', name: 'Huyện Một' }, start: T0, end: T0 + 300 * S });
  });

  it('[AL15] two communes of five together are two problems; three are the unit line', () => {
    expect(shape([o('C1', 0, 10 * S), o('C2', 1 * S, 10 * S)])).toEqual(['point:C1:1:1', 'point:C2:1:1']);
    expect(shape([o('C1', 0, 10 * S), o('C2', 1 * S, 10 * S), o('C3', 3 * S, null)])[0]).toBe('unit:C1,C2,C3:3:1');
  });

  it('[AL15] thirty bounces of one line are one flapping problem, open while the last is', () => {
    const list = Array.from({ length: 30 }, (_, i) => o('C3', i * 20 * S, i === 29 ? null : i * 20 * S + 15 * S));
    const g = groupOutages(list, groups);
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ kind: 'flapping', points: ['C3'], drops: 30, end: null });
    expect(g[0]!.outages).toHaveLength(30);
  });

  it('[AL15] losses far apart stay plain; the third within the window (slower than settle) is flapping', () => {
    expect(shape([o('C1', 0, 10 * S), o('C1', 3600 * S, 3610 * S)])).toEqual(['point:C1:1:1', 'point:C1:1:1']);
    expect(
      shape([o('C1', 0, 10 * S), o('C1', 60 * S, 70 * S), o('C1', 120 * S, 130 * S), o('C1', 180 * S, 190 * S)]),
    ).toEqual(['point:C1:1:1', 'point:C1:1:1', 'flapping:C1:2:4']);
  });

  it('[AL15] one loss recorded for two meetings is one loss; down and severe are apart', () => {
    const a = o('C2', 0, 10 * S);
    const b = { ...o('C2', 0, 10 * S) };
    expect(shape([a, b, o('C2', 20 * S, 40 * S, 'severe')])).toEqual(['point:C2:2:1', 'point:C2:1:1']);
  });
});
