import { lazy, Suspense, useEffect } from 'react';
import type { MeetingView } from '../../../shared/protocol';
import { formatDateTimeSec } from '../../../shared/time';
import { formatLoss, formatPointRtt, formatRtt, unitPath } from '../lib/format';
import type { MeetingData } from '../live/meetingData';
import { usePointOutages } from '../hooks/usePointOutages';
import { useStatus } from '../hooks/useStatus';
import { useI18n } from '../i18n/context';
import { ContactList } from './ContactList';
import { PointOutages } from './PointOutages';
import { StateIcon } from './StateIcon';
import { TargetList } from './TargetList';
import { TestNow } from './TestNow';

// Recharts is the heaviest dependency: it loads when a technician first opens a point.
const PointCharts = lazy(() => import('./PointCharts').then((m) => ({ default: m.PointCharts })));

export function PointDetail({ code, data, onClose }: { code: string; data: MeetingData; onClose: () => void }) {
  const { t } = useI18n();
  const point = data.pointsByCode.get(code);
  const status = useStatus(code);
  const { outages, error } = usePointOutages(data.meeting.id, code);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  if (!point) return null;
  const state = status?.state ?? 'unknown';
  const path = unitPath(point.unit, data.unitsById);
  const meeting: MeetingView = data.meeting;
  return (
    <aside className="detail" data-testid="point-detail" data-code={code} aria-label={point.name}>
      <header className={`detail-head s-${state}`}>
        <div>
          <h2>{point.name}</h2>
          <code>{point.code}</code>
        </div>
        <button type="button" className="close" aria-label={t.detail.close} title={t.detail.close} onClick={onClose}>
          ✕
        </button>
      </header>
      <div className={`detail-state s-${state}`} data-state={state}>
        <StateIcon state={state} /> <strong>{t.state[state]}</strong>
        {status?.since && (
          <span className="muted">
            {' '}
            · {t.detail.since} {formatDateTimeSec(Date.parse(status.since))}
          </span>
        )}
        <span className="detail-metrics">
          {formatPointRtt(status, t.locale)} · {formatLoss(status?.loss, t.locale)} · {t.detail.jitter}{' '}
          {formatRtt(status?.jitter, t.locale)}
        </span>
      </div>
      <dl className="detail-facts">
        <dt>{t.detail.unitPath}</dt>
        <dd>{path.length > 0 ? path.map((u) => u.name).join(' › ') : point.unit}</dd>
        {point.room && (
          <>
            <dt>{t.detail.room}</dt>
            <dd>{point.room}</dd>
          </>
        )}
        {point.address && (
          <>
            <dt>{t.detail.address}</dt>
            <dd>{point.address}</dd>
          </>
        )}
      </dl>
      <TestNow key={code} code={code} unit={point.unit} unitsById={data.unitsById} />
      <TargetList point={point} status={status} />
      <ContactList contacts={point.contacts} />
      <Suspense fallback={<p className="muted">{t.detail.chartLoading}</p>}>
        <PointCharts key={code} point={point} meeting={meeting} outages={outages} />
      </Suspense>
      <PointOutages outages={outages} error={error} />
    </aside>
  );
}
