import { describe, expect, it } from 'vitest';
import type { PointGroup } from '../../../client/src/lib/grouping';
import { buildRows, columnsFor, gridColumns } from '../../../client/src/lib/rows';

const group = (unitId: string, n: number): PointGroup => ({
  unitId,
  name: unitId,
  level: 'district',
  ancestors: [],
  codes: Array.from({ length: n }, (_, i) => `${unitId}-${i + 1}`),
});

describe('grid rows', () => {
  it('columnsFor fits as many minimum-width tiles as possible, at least one', () => {
    expect(columnsFor(0)).toBe(1);
    expect(columnsFor(167)).toBe(1);
    expect(columnsFor(168)).toBe(1);
    expect(columnsFor(168 * 2 + 8)).toBe(2);
    expect(columnsFor(168 * 2 + 7)).toBe(1);
    expect(columnsFor(1000, 100, 0)).toBe(10);
  });

  it('[PH1] a phone held upright has one column of tiles, wider screens as many as fit', () => {
    expect(gridColumns(375, 24)).toBe(1);
    expect(gridColumns(479, 24)).toBe(1);
    expect(gridColumns(480, 24)).toBe(2);
    expect(gridColumns(1440, 24)).toBe(columnsFor(1416));
  });

  it('a header row per group, then rows of `columns` tiles', () => {
    const rows = buildRows([group('A', 5), group('B', 2)], new Set(), 2);
    expect(rows.map((r) => (r.kind === 'group' ? `#${r.group.unitId}` : r.codes.join(',')))).toEqual([
      '#A',
      'A-1,A-2',
      'A-3,A-4',
      'A-5',
      '#B',
      'B-1,B-2',
    ]);
  });

  it('a collapsed group keeps only its header', () => {
    const rows = buildRows([group('A', 5), group('B', 2)], new Set(['A']), 3);
    expect(rows.map((r) => r.key)).toEqual(['g:A', 'g:B', 't:B:B-1']);
    expect(rows[0]).toMatchObject({ kind: 'group', collapsed: true });
  });

  it('row keys are unique', () => {
    const rows = buildRows([group('A', 50), group('B', 7)], new Set(), 4);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });
});
