// The outage log's filter bar.
import { CAUSES, REPORT_PHASES, type ReportUnit } from '../../../../shared/report';
import { OUTAGE_TYPES } from '../../../../shared/schemas';
import { DURATION_STEPS, NO_FILTER, type OutageFilter } from '../../lib/reportFilters';
import { unitRowName } from '../../lib/reportView';
import { useI18n } from '../../i18n/context';

export function OutageFilters({
  value,
  onChange,
  units,
}: {
  value: OutageFilter;
  onChange: (f: OutageFilter) => void;
  units: readonly ReportUnit[];
}) {
  const { t } = useI18n();
  const f = t.report.log.filters;
  const set = (patch: Partial<OutageFilter>): void => onChange({ ...value, ...patch });
  return (
    <div className="rp-filters" data-testid="outage-filters">
      <label>
        {f.phase}
        <select
          data-testid="filter-phase"
          value={value.phase ?? ''}
          onChange={(e) => set({ phase: e.target.value === '' ? null : (e.target.value as OutageFilter['phase']) })}
        >
          <option value="">{f.allPhases}</option>
          {REPORT_PHASES.map((p) => (
            <option key={p} value={p}>
              {t.report.phase[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {f.unit}
        <select
          data-testid="filter-unit"
          value={value.unit ?? ''}
          onChange={(e) => set({ unit: e.target.value || null })}
        >
          <option value="">{f.allUnits}</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {`${'\u00a0\u00a0'.repeat(u.depth)}${unitRowName(u, units, t.report.units.own)}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        {f.point}
        <input
          data-testid="filter-point"
          type="search"
          value={value.point}
          placeholder={f.pointPlaceholder}
          onChange={(e) => set({ point: e.target.value })}
        />
      </label>
      <label>
        {f.type}
        <select
          data-testid="filter-type"
          value={value.type ?? ''}
          onChange={(e) => set({ type: e.target.value === '' ? null : (e.target.value as OutageFilter['type']) })}
        >
          <option value="">{f.allTypes}</option>
          {OUTAGE_TYPES.map((k) => (
            <option key={k} value={k}>
              {t.outageType[k]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {f.duration}
        <select
          data-testid="filter-duration"
          value={value.minMinutes}
          onChange={(e) => set({ minMinutes: Number(e.target.value) })}
        >
          <option value={0}>{f.anyDuration}</option>
          {DURATION_STEPS.map((m) => (
            <option key={m} value={m}>
              {f.atLeast(m)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {f.cause}
        <select
          data-testid="filter-cause"
          value={value.cause ?? ''}
          onChange={(e) => set({ cause: e.target.value === '' ? null : (e.target.value as OutageFilter['cause']) })}
        >
          <option value="">{f.allCauses}</option>
          <option value="none">{f.noCause}</option>
          {CAUSES.map((c) => (
            <option key={c} value={c}>
              {t.report.cause[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {f.acknowledged}
        <select
          data-testid="filter-ack"
          value={value.acknowledged === null ? '' : value.acknowledged ? 'yes' : 'no'}
          onChange={(e) => set({ acknowledged: e.target.value === '' ? null : e.target.value === 'yes' })}
        >
          <option value="">{f.all}</option>
          <option value="yes">{f.yes}</option>
          <option value="no">{f.no}</option>
        </select>
      </label>
      <button type="button" className="toolbar-button" onClick={() => onChange(NO_FILTER)}>
        {f.clear}
      </button>
    </div>
  );
}
