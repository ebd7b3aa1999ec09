// The wall's header: meeting, phase and countdown, the counts per state and the clock, sized from the
// header's height so they read from across the room.
import { useSyncExternalStore } from 'react';
import { meetingTimes } from '../../../../shared/phase';
import type { MeetingView } from '../../../../shared/protocol';
import { formatTime } from '../../../../shared/time';
import { countdownFor, countdownText } from '../../lib/countdown';
import type { MeetingTotals } from '../../lib/overview';
import { DISPLAY_STATES } from '../../lib/stateMeta';
import { useObservable } from '../../hooks/useObservable';
import { useSession } from '../../hooks/useSession';
import { useCounts } from '../../hooks/useStatus';
import { useTick } from '../../hooks/useTick';
import { useI18n } from '../../i18n/context';
import { StateIcon } from '../StateIcon';

export function WallHeader({
  height,
  meeting,
  label,
  total,
  page,
  overview,
}: {
  height: number;
  meeting: MeetingView | null;
  label: string | null;
  total: number;
  page: string | null;
  /** [NV4] A large meeting's overview: its counts are the regions' sum (no grid is joined). */
  overview?: MeetingTotals;
}) {
  const { t, lang } = useI18n();
  const live = useSession();
  const gridCounts = useCounts();
  const store = live.statuses;
  const gridEndpointDown = useSyncExternalStore(
    store.subscribeSummary,
    store.endpointDownCount,
    store.endpointDownCount,
  );
  const counts = overview?.counts ?? gridCounts;
  const endpointDown = overview?.endpointDown ?? gridEndpointDown;
  const phase = useObservable(live.phase) ?? meeting?.phase ?? null;
  useTick();
  const now = live.now();
  const cd = meeting && phase ? countdownFor(phase, meetingTimes(meeting), now) : null;
  const big = Math.round(height * 0.42);
  const small = Math.round(height * 0.16);
  return (
    <header className="wall-header" style={{ height, fontSize: small }}>
      <div className="wall-meeting">
        <div className="wall-title" data-testid="wall-title">
          {meeting?.title ?? t.wall.title}
        </div>
        <div className="wall-phase-line">
          {phase && (
            <span className={`phase p-${phase}`} data-testid="phase" data-phase={phase}>
              {t.phase[phase]}
            </span>
          )}
          {cd && (
            <span className="wall-countdown" data-testid="countdown" data-kind={cd.kind}>
              {cd.kind === 'end' && cd.overdue ? (
                t.countdown.overtime
              ) : (
                <>
                  <span className="countdown-label">{t.countdown[cd.kind]}</span>{' '}
                  <strong style={{ fontSize: Math.round(height * 0.3) }}>{countdownText(cd.remainingMs, lang)}</strong>
                </>
              )}
            </span>
          )}
        </div>
      </div>
      <div className="wall-counts" role="group" aria-label={t.counts.title}>
        {DISPLAY_STATES.map((s) => (
          <div key={s} className={`wall-count s-${s}${counts[s] > 0 ? ' some' : ''}`}>
            <span className="wall-count-n" data-testid={`count-${s}`} style={{ fontSize: big }}>
              {counts[s]}
            </span>
            <span className="wall-count-label">
              <StateIcon state={s} /> {t.state[s]}
            </span>
          </div>
        ))}
        {/* [TG5] Counted apart (these points are "up" in the line's counts), and only when there are some. */}
        {endpointDown > 0 && (
          <div className="wall-count ep-down some">
            <span className="wall-count-n" data-testid="count-endpoint-down" style={{ fontSize: big }}>
              {endpointDown}
            </span>
            <span className="wall-count-label">⊘ {t.targets.endpointDown}</span>
          </div>
        )}
      </div>
      <div className="wall-side">
        <div className="wall-clock" data-testid="wall-clock" style={{ fontSize: Math.round(height * 0.3) }}>
          {formatTime(now)}
        </div>
        <div className="wall-meta">
          {t.wall.points(total)}
          {page && (
            <>
              {' · '}
              <span data-testid="wall-page">{page}</span>
            </>
          )}
        </div>
        {label && <div className="wall-meta">{t.wall.display(label)}</div>}
      </div>
    </header>
  );
}
