import type { ReactNode } from 'react';
import type { MeetingView } from '../../../shared/protocol';
import type { PointState } from '../../../shared/schemas';
import { formatDateTime } from '../../../shared/time';
import type { Health } from '../live/api';
import { useI18n } from '../i18n/context';
import { ConnectionIndicator } from './ConnectionIndicator';
import { LangToggle } from './LangToggle';
import { MuteToggle } from './MuteToggle';
import { PhaseCountdown } from './PhaseCountdown';
import { SearchBox } from './SearchBox';
import { StateCounts } from './StateCounts';
import { UserMenu } from './UserMenu';

export function Header({
  meeting,
  picker,
  health,
  muted,
  onMuted,
  search,
  onSearch,
  stateFilter,
  onStateFilter,
  admin = false,
  onToggleAdmin,
  checklist = false,
  onToggleChecklist,
  report = false,
  onToggleReport,
  overview = false,
}: {
  meeting: MeetingView | null;
  picker: ReactNode;
  health: Health | null;
  muted: boolean;
  onMuted: (muted: boolean) => void;
  search: string;
  onSearch: (v: string) => void;
  stateFilter: PointState | null;
  onStateFilter: (s: PointState | null) => void;
  /** The admin view is shown: no meeting, counts or search in the header. */
  admin?: boolean;
  onToggleAdmin?: () => void;
  /** The line-test checklist view is shown. */
  checklist?: boolean;
  onToggleChecklist?: () => void;
  /** The post-meeting report view is shown. */
  report?: boolean;
  onToggleReport?: () => void;
  /** The overview by region is shown: its counts are the regions' own, not the grid's. */
  overview?: boolean;
}) {
  const { t } = useI18n();
  return (
    <header className="topbar">
      <div className="topbar-row">
        <div className="title">
          <h1>{admin ? t.admin.title : (meeting?.title ?? t.appTitle)}</h1>
          {meeting && !admin && (
            <span className="subtitle">
              {t.phase.lineTest}: {formatDateTime(Date.parse(meeting.lineTest.start))} · {t.phase.live}:{' '}
              {formatDateTime(Date.parse(meeting.session.start))} –{' '}
              {formatDateTime(Date.parse(meeting.session.plannedEnd))}
            </span>
          )}
        </div>
        {meeting && !admin && <PhaseCountdown meeting={meeting} />}
        <div className="toolbar">
          {!admin && picker}
          <ConnectionIndicator />
          <MuteToggle muted={muted} onChange={onMuted} />
          <LangToggle />
          {onToggleChecklist && !admin && (
            <button
              type="button"
              className="toolbar-button"
              data-testid="checklist-toggle"
              aria-pressed={checklist}
              onClick={onToggleChecklist}
            >
              {checklist ? t.checklist.close : t.checklist.open}
            </button>
          )}
          {onToggleReport && !admin && (
            <button
              type="button"
              className="toolbar-button"
              data-testid="report-toggle"
              aria-pressed={report}
              onClick={onToggleReport}
            >
              {report ? t.report.close : t.report.open}
            </button>
          )}
          {onToggleAdmin && (
            <button
              type="button"
              className="toolbar-button"
              data-testid="admin-toggle"
              aria-pressed={admin}
              onClick={onToggleAdmin}
            >
              {admin ? t.admin.close : t.admin.open}
            </button>
          )}
          {health && (
            <span className="engine" title={t.engine}>
              {health.engine} {health.version}
            </span>
          )}
          <UserMenu />
        </div>
      </div>
      {!admin && !overview && (
        <div className="topbar-row">
          <StateCounts filter={stateFilter} onFilter={onStateFilter} />
          <SearchBox value={search} onChange={onSearch} />
        </div>
      )}
    </header>
  );
}
