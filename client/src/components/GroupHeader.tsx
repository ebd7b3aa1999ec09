import { memo } from 'react';
import type { PointGroup } from '../lib/grouping';
import { PROBLEM_STATES, STATE_ICON } from '../lib/stateMeta';
import { useGroupSummary } from '../hooks/useStatus';
import { useI18n } from '../i18n/context';

export const GroupHeader = memo(function GroupHeader({
  group,
  collapsed,
  onToggle,
}: {
  group: PointGroup;
  collapsed: boolean;
  onToggle: (unitId: string) => void;
}) {
  const { t } = useI18n();
  const summary = useGroupSummary(group.codes, PROBLEM_STATES).split(',').map(Number);
  return (
    <div className="group-header" data-testid={`group-${group.unitId}`} data-collapsed={collapsed}>
      <button
        type="button"
        className="group-toggle"
        aria-expanded={!collapsed}
        title={collapsed ? t.grid.expand : t.grid.collapse}
        onClick={() => onToggle(group.unitId)}
      >
        <span className="chevron" aria-hidden="true">
          {collapsed ? '▸' : '▾'}
        </span>
        {group.ancestors.length > 0 && <span className="group-path">{group.ancestors.join(' › ')} › </span>}
        <span className="group-name">{group.name}</span>
        <span className="group-count">{t.grid.points(group.codes.length)}</span>
        {group.mine && <span className="group-mine">{t.checklist.mine}</span>}
      </button>
      <span className="group-summary">
        {PROBLEM_STATES.map((s, i) =>
          (summary[i] ?? 0) > 0 ? (
            <span key={s} className={`badge s-${s}`} title={t.state[s]}>
              {STATE_ICON[s]} {summary[i]}
            </span>
          ) : null,
        )}
      </span>
    </div>
  );
});
