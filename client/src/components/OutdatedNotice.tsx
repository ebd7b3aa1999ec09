import { useObservable } from '../hooks/useObservable';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

export function OutdatedNotice() {
  const { t } = useI18n();
  const status = useObservable(useSession().connection);
  if (status === 'forbidden') {
    return (
      <div className="notice" role="alert" data-testid="forbidden-notice">
        <span>{t.connection.forbiddenNotice}</span>
      </div>
    );
  }
  if (status !== 'outdated') return null;
  return (
    <div className="notice" role="alert" data-testid="outdated-notice">
      <span>{t.connection.outdatedNotice}</span>
      <button type="button" onClick={() => window.location.reload()}>
        {t.connection.reload}
      </button>
    </div>
  );
}
