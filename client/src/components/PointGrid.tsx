import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WirePoint } from '../../../shared/wire';
import type { PointGroup } from '../lib/grouping';
import { watchPlanned } from '../lib/planned';
import { buildRows, gridColumns } from '../lib/rows';
import { useElementWidth } from '../hooks/useElementWidth';
import { useI18n } from '../i18n/context';
import { GroupHeader } from './GroupHeader';
import { TileRow } from './TileRow';

const GROUP_ROW_HEIGHT = 44;
const TILE_ROW_HEIGHT = 92;
const GRID_PADDING = 24;
/**
 * A province (40–400 points) is drawn whole, so the browser's find and scripted checks see every tile;
 * past this many tiles only the rows in view (± overscan) exist in the DOM.
 */
const RENDER_ALL_MAX_TILES = 1_000;
const OVERSCAN_ROWS = 6;

export function PointGrid({
  groups,
  pointsByCode,
}: {
  groups: readonly PointGroup[];
  pointsByCode: ReadonlyMap<string, WirePoint>;
}) {
  const { t } = useI18n();
  // Planned work marks its tiles (issue 17 point 4).
  useEffect(() => watchPlanned(), []);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef);
  const columns = gridColumns(width, GRID_PADDING);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = useMemo(() => buildRows(groups, collapsed, columns), [groups, collapsed, columns]);
  const tileCount = useMemo(() => groups.reduce((n, g) => n + g.codes.length, 0), [groups]);

  const toggle = useCallback((unitId: string) => {
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(unitId)) next.add(unitId);
      return next;
    });
  }, []);

  const estimateSize = useCallback(
    (i: number) => (rows[i]?.kind === 'group' ? GROUP_ROW_HEIGHT : TILE_ROW_HEIGHT),
    [rows],
  );
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  // No React Compiler here; the virtualizer is only read during this component's own render.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: tileCount <= RENDER_ALL_MAX_TILES ? rows.length : OVERSCAN_ROWS,
    // Scroll updates go through React's normal batching instead of flushSync (no warnings in React 19).
    useFlushSync: false,
  });

  return (
    <div className="grid-scroll" ref={scrollRef} data-testid="point-grid" data-rows={rows.length}>
      {rows.length === 0 ? (
        <p className="empty">{t.grid.empty}</p>
      ) : (
        <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <div
                key={item.key}
                className="grid-row"
                style={{ height: item.size, transform: `translateY(${item.start}px)` }}
              >
                {row.kind === 'group' ? (
                  <GroupHeader group={row.group} collapsed={row.collapsed} onToggle={toggle} />
                ) : (
                  <TileRow codes={row.codes} pointsByCode={pointsByCode} columns={columns} />
                )}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}
