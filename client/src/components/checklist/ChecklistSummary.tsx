// Counts and percentage ready over the whole meeting; each count is also a filter.
import type { ChecklistItemDef } from '../../../../shared/checklist';
import { summarize, type ReadinessFilter } from '../../lib/checklistBoard';
import type { ChecklistStore } from '../../lib/checklistStore';
import { useI18n } from '../../i18n/context';
import { useChecklistVersion } from './useChecklistLive';

export function ChecklistSummary({
  store,
  codes,
  items,
  filter,
  onFilter,
}: {
  store: ChecklistStore;
  codes: readonly string[];
  items: readonly ChecklistItemDef[];
  filter: ReadinessFilter;
  onFilter: (f: ReadinessFilter) => void;
}) {
  const { t } = useI18n();
  useChecklistVersion(store);
  const s = summarize(codes, items, store.marksOf);
  const button = (f: ReadinessFilter, label: string, value: string, testId: string) => (
    <button
      type="button"
      className={`cl-count f-${f}${filter === f ? ' active' : ''}`}
      aria-pressed={filter === f}
      onClick={() => onFilter(filter === f ? 'all' : f)}
    >
      <span className="cl-count-label">{label}</span>
      <span className="cl-count-n" data-testid={testId}>
        {value}
      </span>
    </button>
  );
  return (
    <div className="cl-summary" role="group" aria-label={t.checklist.title}>
      {button('ready', t.checklist.summary.ready, t.checklist.summary.of(s.ready, s.total), 'checklist-ready')}
      <span className="cl-percent" data-testid="checklist-percent">
        {s.percent} %
      </span>
      <progress className="cl-progress" max={s.total || 1} value={s.ready} aria-hidden="true" />
      {button('failing', t.checklist.summary.failing, String(s.failing), 'checklist-failing')}
      {button('pending', t.checklist.summary.pending, String(s.pending), 'checklist-pending')}
    </div>
  );
}
