import { describe, expect, it } from 'vitest';
import {
  buildGroups,
  compareCodes,
  filterGroups,
  groupKeyOf,
  mineFirst,
  unitOrder,
} from '../../../client/src/lib/grouping';
import { withinUnits } from '../../../client/src/lib/permissions';
import { point, unit } from './fixtures';

// Three-level province (Hà Tĩnh before 2025) and a two-level one (after July 2025).
const units = [
  unit('HT', 'province', null, 'Tỉnh Hà Tĩnh'),
  unit('HT-CX', 'district', 'HT', 'Huyện Cẩm Xuyên'),
  unit('HT-CX-CB', 'commune', 'HT-CX', 'Xã Cẩm Bình'),
  unit('HT-CX-CV', 'commune', 'HT-CX', 'Xã Cẩm Vịnh'),
  unit('HT-TH', 'district', 'HT', 'Huyện Thạch Hà'),
  unit('HT-TH-TD', 'commune', 'HT-TH', 'Xã Thạch Đài'),
  unit('QT', 'province', null, 'Tỉnh Quảng Trị'),
  unit('QT-X1', 'commune', 'QT', 'Xã Vĩnh Linh'),
];

describe('grouping points by unit', () => {
  const byId = new Map(units.map((u) => [u.id, u]));

  it('a commune-level point joins its district (the parent of its unit)', () => {
    expect(groupKeyOf({ level: 'commune', unit: 'HT-CX-CB' }, byId)).toBe('HT-CX');
  });

  it('in a two-level province a commune point joins the province', () => {
    expect(groupKeyOf({ level: 'commune', unit: 'QT-X1' }, byId)).toBe('QT');
  });

  it('province and district points join their own unit', () => {
    expect(groupKeyOf({ level: 'district', unit: 'HT-CX' }, byId)).toBe('HT-CX');
    expect(groupKeyOf({ level: 'province', unit: 'HT' }, byId)).toBe('HT');
  });

  it('a commune point whose unit is unknown or has no parent keeps its unit', () => {
    expect(groupKeyOf({ level: 'commune', unit: 'NOPE' }, byId)).toBe('NOPE');
    const orphan = new Map([['C', unit('C', 'commune', null)]]);
    expect(groupKeyOf({ level: 'commune', unit: 'C' }, orphan)).toBe('C');
  });

  it('unit order is the tree in pre-order, siblings in inventory order', () => {
    const order = unitOrder(units);
    const ids = [...order.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(ids).toEqual(['HT', 'HT-CX', 'HT-CX-CB', 'HT-CX-CV', 'HT-TH', 'HT-TH-TD', 'QT', 'QT-X1']);
  });

  it('children listed before their parent still follow it; cycles do not hang', () => {
    const shuffled = [
      unit('B', 'commune', 'A'),
      unit('A', 'district', null),
      unit('X', 'district', 'Y'),
      unit('Y', 'district', 'X'),
    ];
    const order = unitOrder(shuffled);
    expect(order.get('A')).toBeLessThan(order.get('B')!);
    expect(order.size).toBe(4);
  });

  it('groups follow the unit tree and tiles follow their codes (numeric-aware)', () => {
    const points = [
      point('QT-10', 'commune', 'QT-X1'),
      point('HT-CX-10', 'commune', 'HT-CX-CV'),
      point('HT-CX-2', 'commune', 'HT-CX-CB'),
      point('HT-CX', 'district', 'HT-CX'),
      point('HT', 'province', 'HT'),
      point('HT-TH-1', 'commune', 'HT-TH-TD'),
      point('QT', 'province', 'QT'),
      point('QT-9', 'commune', 'QT-X1'),
    ];
    const groups = buildGroups(points, units);
    expect(groups.map((g) => [g.unitId, g.codes])).toEqual([
      ['HT', ['HT']],
      ['HT-CX', ['HT-CX', 'HT-CX-2', 'HT-CX-10']],
      ['HT-TH', ['HT-TH-1']],
      ['QT', ['QT', 'QT-9', 'QT-10']],
    ]);
    expect(groups[1]).toMatchObject({ name: 'Huyện Cẩm Xuyên', level: 'district', ancestors: ['Tỉnh Hà Tĩnh'] });
  });

  it('points of units missing from the inventory come last, under the unit id', () => {
    const groups = buildGroups([point('Z1', 'district', 'ZZ'), point('HT', 'province', 'HT')], units);
    expect(groups.map((g) => g.unitId)).toEqual(['HT', 'ZZ']);
    expect(groups[1]).toMatchObject({ name: 'ZZ', level: null, ancestors: [] });
  });

  it('filterGroups drops empty groups and keeps untouched ones by identity', () => {
    const groups = buildGroups(
      [point('HT', 'province', 'HT'), point('HT-CX-1', 'commune', 'HT-CX-CB'), point('HT-CX-2', 'commune', 'HT-CX-CB')],
      units,
    );
    const out = filterGroups(groups, (c) => c !== 'HT' && c !== 'HT-CX-2');
    expect(out.map((g) => [g.unitId, g.codes])).toEqual([['HT-CX', ['HT-CX-1']]]);
    const all = filterGroups(groups, () => true);
    expect(all[0]).toBe(groups[0]);
  });

  it('compareCodes orders numbers inside codes numerically', () => {
    expect(['A-10', 'A-2', 'A-1', 'B-1'].sort(compareCodes)).toEqual(['A-1', 'A-2', 'A-10', 'B-1']);
  });

  it('[PH4] a technician of Thạch Hà sees the groups holding his points first, flagged as his', () => {
    const points = [
      point('HT', 'province', 'HT'),
      point('HT-CX', 'district', 'HT-CX'),
      point('HT-CX-CB', 'commune', 'HT-CX-CB'),
      point('HT-TH', 'district', 'HT-TH'),
      point('HT-TH-TD', 'commune', 'HT-TH-TD'),
    ];
    const groups = buildGroups(points, units);
    expect(groups.map((g) => g.unitId)).toEqual(['HT', 'HT-CX', 'HT-TH']);
    const unitOf = new Map(points.map((p) => [p.code, p.unit]));
    const scoped = (scope: string[]) => (code: string) => withinUnits(unitOf.get(code)!, scope, byId);
    const mine = mineFirst(groups, scoped(['HT-TH']));
    expect(mine.map((g) => [g.unitId, g.mine ?? false])).toEqual([
      ['HT-TH', true],
      ['HT', false],
      ['HT-CX', false],
    ]);
    // One commune of Cẩm Xuyên: its district's group comes first.
    expect(mineFirst(groups, scoped(['HT-CX-CB'])).map((g) => g.unitId)).toEqual(['HT-CX', 'HT', 'HT-TH']);
    // Nobody's, or everybody's (the province): the groups as they were, the same objects.
    expect(mineFirst(groups, () => false)).toBe(groups);
    expect(mineFirst(groups, scoped(['HT']))).toBe(groups);
  });
});
