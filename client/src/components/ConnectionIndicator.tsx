import { useObservable } from '../hooks/useObservable';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

export function ConnectionIndicator() {
  const { t } = useI18n();
  const status = useObservable(useSession().connection);
  // Before the first connection the dashboard is, for all the viewer can do, reconnecting.
  // Signed out, the dashboard is about to give way to the login screen.
  const shown = status === 'connecting' || status === 'signedOut' ? 'reconnecting' : status;
  const label =
    status === 'connected'
      ? t.connection.connected
      : status === 'outdated'
        ? t.connection.outdated
        : status === 'forbidden'
          ? t.connection.forbidden
          : status === 'connecting'
            ? t.connection.connecting
            : t.connection.reconnecting;
  return (
    <div className={`connection c-${shown}`} data-testid="connection" data-status={shown} role="status">
      <span className="dot" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
