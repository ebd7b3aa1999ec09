// One point's row: live line state, name and unit, readiness, one cell per item, the call button.
// Re-renders only when its own marks change (or the cursor enters or leaves it). The lead (state,
// point, readiness) is one box so a card (phone) can put it on a line of its own; on a desk it
// dissolves into the row's grid (display: contents).
import { memo } from 'react';
import type { ChecklistItemDef, ChecklistPoint, ItemResult } from '../../../../shared/checklist';
import { pointReadiness, resultOf, telHref } from '../../lib/checklistBoard';
import type { ChecklistStore } from '../../lib/checklistStore';
import { useStatus } from '../../hooks/useStatus';
import { useI18n } from '../../i18n/context';
import { StateIcon } from '../StateIcon';
import { usePointMarks } from './useChecklistLive';

export const RESULT_SYMBOL: Record<ItemResult, string> = { pending: '·', pass: '✓', fail: '✗', na: '–' };

export const cellId = (code: string, key: string): string => `cl-cell-${code}-${key}`;

export const ChecklistRow = memo(function ChecklistRow({
  point,
  unitName,
  items,
  store,
  row,
  activeCol,
  flash = 0,
  onCell,
}: {
  point: ChecklistPoint;
  unitName: string;
  items: readonly ChecklistItemDef[];
  store: ChecklistStore;
  row: number;
  /** The cursor's column when it is on this row, else null. */
  activeCol: number | null;
  /** Non-zero right after a tick moved the cursor onto this row: its cursor cell flashes. */
  flash?: number;
  onCell: (row: number, col: number) => void;
}) {
  const { t } = useI18n();
  const marks = usePointMarks(store, point.code);
  const status = useStatus(point.code);
  const r = pointReadiness(items, marks);
  const phone = point.technician?.phone ?? null;
  return (
    <div
      className={`cl-row${activeCol !== null ? ' active' : ''}${r.ready ? ' ready' : ''}`}
      role="row"
      aria-rowindex={row + 2}
      data-testid={`checklist-row-${point.code}`}
      data-ready={r.ready}
    >
      <span className="cl-lead" role="none">
        <span className="cl-live" role="gridcell" title={t.state[status?.state ?? 'unknown']}>
          <StateIcon state={status?.state ?? 'unknown'} />
        </span>
        <span className="cl-point" role="rowheader" title={`${point.code} · ${point.name} · ${unitName}`}>
          <span className="cl-code">{point.code}</span>
          <span className="cl-name">{point.name}</span>
          <span className="cl-unit">{unitName}</span>
        </span>
        <span
          className={`cl-ready${r.ready ? ' yes' : ''}`}
          role="gridcell"
          data-testid={`checklist-ready-${point.code}`}
        >
          {r.ready ? t.checklist.ready : t.checklist.notReady}
        </span>
      </span>
      {items.map((item, col) => {
        const result = resultOf(marks, item.key);
        const mark = marks?.[item.key];
        const label = `${item.label}: ${t.checklist.result[result]}${mark?.note ? ` — ${mark.note}` : ''}`;
        return (
          <span
            key={item.key}
            id={cellId(point.code, item.key)}
            role="gridcell"
            aria-selected={activeCol === col}
            aria-label={label}
            title={label}
            className={`cl-cell r-${result}${item.mode === 'automatic' || (item.codec !== null && point.hasCodec) ? ' auto' : ''}${activeCol === col ? ' cursor' : ''}${activeCol === col && flash > 0 ? ` arrived f${flash % 2}` : ''}`}
            data-testid={`cell-${point.code}-${item.key}`}
            data-result={result}
            onMouseDown={(e) => {
              // Keep the focus on the board (its keys), only move the cursor.
              e.preventDefault();
              onCell(row, col);
            }}
          >
            <span className="cl-symbol" aria-hidden="true">
              {RESULT_SYMBOL[result]}
            </span>
            <span className="cl-cell-label" aria-hidden="true">
              {item.label}
            </span>
            {mark?.note ? <span className="cl-has-note" aria-hidden="true" /> : null}
          </span>
        );
      })}
      <span className="cl-call" role="gridcell">
        {phone ? (
          <a
            href={telHref(phone)}
            className="cl-call-link"
            data-testid={`checklist-call-${point.code}`}
            title={`${t.checklist.call(point.technician?.name ?? '')} — ${phone}`}
            tabIndex={-1}
          >
            ☎
          </a>
        ) : (
          <span className="muted" title={t.checklist.noPhone}>
            —
          </span>
        )}
      </span>
    </div>
  );
});
