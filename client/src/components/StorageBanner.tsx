// While the server cannot write its database: monitoring goes on, but the technicians must know that
// the log is waiting in memory (and that changes are refused meanwhile).
import { formatDateTimeSec } from '../../../shared/time';
import { useObservable } from '../hooks/useObservable';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

export function StorageBanner() {
  const { t } = useI18n();
  const health = useObservable(useSession().health);
  if (health === null || health.storage !== 'failing') return null;
  const since = Date.parse(health.since);
  return (
    <div
      className="notice storage-banner"
      role="alert"
      data-testid="storage-banner"
      data-pending={health.pendingWrites}
    >
      <span>
        {t.health.failing(health.pendingWrites)}
        {Number.isFinite(since) && <> ({t.health.since(formatDateTimeSec(since))})</>}
      </span>
      <span className="notice-hint">{t.health.hint}</span>
    </div>
  );
}
