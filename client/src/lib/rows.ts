// The grid is virtualised by rows: a header row per group, then rows of `columns` tiles. Row keys are
// stable across filtering and resizing so the virtualiser keeps its place.
import type { PointGroup } from './grouping';

export type GridRow =
  | { kind: 'group'; key: string; group: PointGroup; collapsed: boolean }
  | { kind: 'tiles'; key: string; unitId: string; codes: string[] };

export const TILE_MIN_WIDTH = 168;
export const TILE_GAP = 8;

/** How many tiles fit in a row of this width (at least one). */
export function columnsFor(width: number, minWidth = TILE_MIN_WIDTH, gap = TILE_GAP): number {
  return Math.max(1, Math.floor((width + gap) / (minWidth + gap)));
}

/** Narrower than this (a phone held upright), tiles are one column: a whole name per line, a thumb's width. */
export const ONE_COLUMN_BELOW = 480;

/** The grid's columns for the width of its scroller (padding included). */
export function gridColumns(scrollerWidth: number, padding: number): number {
  if (scrollerWidth > 0 && scrollerWidth < ONE_COLUMN_BELOW) return 1;
  return columnsFor(Math.max(0, scrollerWidth - padding));
}

export function buildRows(groups: readonly PointGroup[], collapsed: ReadonlySet<string>, columns: number): GridRow[] {
  const cols = Math.max(1, Math.floor(columns));
  const rows: GridRow[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.unitId);
    rows.push({ kind: 'group', key: `g:${group.unitId}`, group, collapsed: isCollapsed });
    if (isCollapsed) continue;
    for (let i = 0; i < group.codes.length; i += cols) {
      const codes = group.codes.slice(i, i + cols);
      rows.push({ kind: 'tiles', key: `t:${group.unitId}:${codes[0]}`, unitId: group.unitId, codes });
    }
  }
  return rows;
}
