import type { PointState } from '../../../shared/schemas';
import { DISPLAY_STATES } from '../lib/stateMeta';
import { useCounts } from '../hooks/useStatus';
import { useI18n } from '../i18n/context';
import { StateIcon } from './StateIcon';

export function StateCounts({
  filter,
  onFilter,
}: {
  filter: PointState | null;
  onFilter: (state: PointState | null) => void;
}) {
  const { t } = useI18n();
  const counts = useCounts();
  return (
    <div className="counts" role="group" aria-label={t.counts.title}>
      {DISPLAY_STATES.map((s) => (
        <button
          key={s}
          type="button"
          className={`count s-${s}${filter === s ? ' active' : ''}`}
          aria-pressed={filter === s}
          title={filter === s ? t.counts.filterOn(t.state[s]) : t.counts.title}
          onClick={() => onFilter(filter === s ? null : s)}
        >
          <StateIcon state={s} />
          <span className="count-label">{t.state[s]}</span>
          <span className="count-n" data-testid={`count-${s}`}>
            {counts[s]}
          </span>
        </button>
      ))}
    </div>
  );
}
