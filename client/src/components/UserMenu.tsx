// Who is signed in (name and role) in the header; the menu shows the unit scope and the session's end,
// and signs out.
import { useEffect, useRef, useState } from 'react';
import { formatDateTime } from '../../../shared/time';
import { useAuth, useMe } from '../hooks/useAuth';
import { useI18n } from '../i18n/context';

export function UserMenu() {
  const { t } = useI18n();
  const auth = useAuth();
  const me = useMe();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!me) return null;
  const { user } = me;
  const role = t.auth.role[user.role];

  const logout = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await auth.logout();
    } catch (err) {
      // Still signed in on the server: say so rather than pretend.
      setError(`${t.auth.logoutFailed}: ${err instanceof Error ? err.message : String(err)}`);
      setBusy(false);
    }
  };

  return (
    <div className="user-menu" ref={ref}>
      <button
        type="button"
        className="toolbar-button user-button"
        data-testid="user-menu"
        data-role={user.role}
        aria-haspopup="true"
        aria-expanded={open}
        title={t.auth.menu}
        onClick={() => setOpen(!open)}
      >
        <span className="user-name" data-testid="user-name">
          {user.displayName ?? user.name}
        </span>{' '}
        <span className={`role-badge r-${user.role}`} data-testid="user-role">
          {role}
        </span>
      </button>
      {open && (
        <div className="user-panel" data-testid="user-panel">
          <dl>
            <dt>{t.auth.username}</dt>
            <dd>
              <code>{user.name}</code>
            </dd>
            <dt>{t.auth.roleLabel}</dt>
            <dd>{role}</dd>
            {user.role === 'technician' && (
              <>
                <dt>{t.auth.scope}</dt>
                <dd data-testid="user-scope">{user.units.length > 0 ? user.units.join(', ') : t.auth.allUnits}</dd>
              </>
            )}
            <dt>{t.auth.sessionUntil}</dt>
            <dd>{formatDateTime(Date.parse(me.session.expiresAt))}</dd>
          </dl>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button
            type="button"
            className="primary-button"
            data-testid="logout"
            disabled={busy}
            onClick={() => void logout()}
          >
            {busy ? t.auth.loggingOut : t.auth.logout}
          </button>
        </div>
      )}
    </div>
  );
}
