// Filters by unit, readiness and failing item, and "sort again" (the order holds while ticking).
import type { ChecklistItemDef } from '../../../../shared/checklist';
import type { Unit } from '../../../../shared/schemas';
import { READINESS_FILTERS, type BoardFilters, type ReadinessFilter } from '../../lib/checklistBoard';
import { useI18n } from '../../i18n/context';

export function ChecklistFilters({
  filters,
  onChange,
  units,
  items,
  stale,
  onResort,
}: {
  filters: BoardFilters;
  onChange: (f: BoardFilters) => void;
  /** Units that hold points of the meeting, in tree order, with their depth. */
  units: readonly { unit: Unit; depth: number }[];
  items: readonly ChecklistItemDef[];
  /** Something changed since the rows were sorted. */
  stale: boolean;
  onResort: () => void;
}) {
  const { t } = useI18n();
  const f = t.checklist.filters;
  return (
    <div className="cl-filters">
      <label>
        <span>{f.unit}</span>
        <select
          data-testid="checklist-filter-unit"
          value={filters.unit ?? ''}
          onChange={(e) => onChange({ ...filters, unit: e.target.value || null })}
        >
          <option value="">{f.allUnits}</option>
          {units.map(({ unit, depth }) => (
            <option key={unit.id} value={unit.id}>
              {`${'\u00a0\u00a0'.repeat(depth)}${unit.name}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{f.state}</span>
        <select
          data-testid="checklist-filter-state"
          value={filters.state}
          onChange={(e) => onChange({ ...filters, state: e.target.value as ReadinessFilter })}
        >
          {READINESS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {f.states[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{f.item}</span>
        <select
          data-testid="checklist-filter-item"
          value={filters.failingItem ?? ''}
          onChange={(e) => onChange({ ...filters, failingItem: e.target.value || null })}
        >
          <option value="">{f.anyItem}</option>
          {items.map((i) => (
            <option key={i.key} value={i.key}>
              {i.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className={`toolbar-button${stale ? ' cl-stale' : ''}`}
        data-testid="checklist-resort"
        title={f.resortHint}
        onClick={onResort}
      >
        {f.resort}
      </button>
    </div>
  );
}
