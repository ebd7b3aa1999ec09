// The readiness grid: a header of items and one row per point, virtualised (only the rows in view,
// plus some, are in the DOM) so 400 or 40 000 points scroll alike. Narrower than a desk (a phone), each
// row is a card: the point on a line of its own, then its items as labelled cells big enough for a thumb. The grid itself holds the focus and
// the keys; the cursor is shown with aria-activedescendant, so virtualised rows need no DOM focus.
import { useVirtualizer } from '@tanstack/react-virtual';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, type KeyboardEvent } from 'react';
import type { ChecklistItemDef, ChecklistPoint } from '../../../../shared/checklist';
import { boardLayout, type Cursor } from '../../lib/checklistBoard';
import { useElementWidth } from '../../hooks/useElementWidth';
import type { ChecklistStore } from '../../lib/checklistStore';
import { useI18n } from '../../i18n/context';
import { ChecklistRow, cellId } from './ChecklistRow';

const OVERSCAN = 12;

export interface BoardHandle {
  focus(): void;
}

export const ChecklistBoard = forwardRef<
  BoardHandle,
  {
    order: readonly string[];
    points: ReadonlyMap<string, ChecklistPoint>;
    unitName: (unitId: string) => string;
    items: readonly ChecklistItemDef[];
    store: ChecklistStore;
    cursor: Cursor | null;
    /** Changes when a tick moved the cursor by itself: the cell it landed on flashes. */
    flash: number;
    onCell: (row: number, col: number) => void;
    onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
  }
>(function ChecklistBoard({ order, points, unitName, items, store, cursor, flash, onCell, onKeyDown }, ref) {
  const { t } = useI18n();
  const scrollRef = useRef<HTMLDivElement>(null);
  useImperativeHandle(ref, () => ({ focus: () => scrollRef.current?.focus() }), []);
  const layout = boardLayout(useElementWidth(scrollRef), items.length);
  const rowHeight = layout.rowHeight;
  const getItemKey = useCallback((i: number) => order[i] ?? i, [order]);
  // oxlint-disable-next-line react/incompatible-library -- read only during this component's render
  const virtualizer = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey,
    overscan: OVERSCAN,
    useFlushSync: false,
  });
  // Every row changes height when the layout does.
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);
  const row = cursor?.row ?? null;
  useEffect(() => {
    if (row !== null) virtualizer.scrollToIndex(row, { align: 'auto' });
  }, [row, virtualizer]);

  // Fixed tracks: every row is a grid of its own, and only fixed sizes line them up with the header.
  // A card's cells share its width.
  const columns = layout.compact
    ? `repeat(${layout.perLine}, minmax(0, 1fr))`
    : `2rem 15rem 7.5rem repeat(${items.length}, 5.75rem) 3rem`;
  const activeCode = cursor ? order[cursor.row] : undefined;
  const activeItem = cursor ? items[cursor.col] : undefined;
  return (
    <div
      className={`cl-board${layout.compact ? ' compact' : ''}`}
      ref={scrollRef}
      role="grid"
      aria-label={t.checklist.title}
      aria-rowcount={order.length + 1}
      aria-colcount={items.length + 4}
      aria-activedescendant={activeCode && activeItem ? cellId(activeCode, activeItem.key) : undefined}
      tabIndex={0}
      data-testid="checklist-board"
      data-rows={order.length}
      data-layout={layout.compact ? 'cards' : 'grid'}
      onKeyDown={onKeyDown}
      style={{ ['--cl-columns' as string]: columns }}
    >
      <div className="cl-head" role="row" aria-rowindex={1}>
        <span role="columnheader" />
        <span role="columnheader">{t.checklist.columns.point}</span>
        <span role="columnheader">{t.checklist.columns.ready}</span>
        {items.map((i) => (
          <span
            key={i.key}
            role="columnheader"
            className={`cl-item-head${i.required ? '' : ' optional'}${i.mode === 'automatic' ? ' auto' : ''}`}
            title={[i.label, i.hint, i.mode === 'automatic' ? t.checklist.automatic : null].filter(Boolean).join(' — ')}
          >
            {i.label}
            {i.mode === 'automatic' ? <small> ({t.checklist.automatic})</small> : null}
          </span>
        ))}
        <span role="columnheader">{t.checklist.columns.call}</span>
      </div>
      {order.length === 0 ? (
        <p className="empty">{t.checklist.empty}</p>
      ) : (
        <div className="cl-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const code = order[v.index];
            const point = code === undefined ? undefined : points.get(code);
            if (!point) return null;
            return (
              <div key={v.key} className="cl-slot" style={{ height: v.size, transform: `translateY(${v.start}px)` }}>
                <ChecklistRow
                  point={point}
                  unitName={unitName(point.unit)}
                  items={items}
                  store={store}
                  row={v.index}
                  activeCol={cursor?.row === v.index ? cursor.col : null}
                  flash={cursor?.row === v.index ? flash : 0}
                  onCell={onCell}
                />
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
});
