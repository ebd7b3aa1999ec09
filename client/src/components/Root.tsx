// The login screen or the dashboard, whichever the session allows. The dashboard is keyed by login, so
// each login starts it afresh on its own live session (socket).
import { useObservable } from '../hooks/useObservable';
import { AuthContext, MeContext } from '../hooks/useAuth';
import { SessionContext } from '../hooks/useSession';
import { useI18n } from '../i18n/context';
import type { AuthStore } from '../live/auth';
import { App } from './App';
import { LoginScreen } from './LoginScreen';

export function Root({ auth }: { auth: AuthStore }) {
  const { t } = useI18n();
  const state = useObservable(auth.state);
  return (
    <AuthContext.Provider value={auth}>
      {state.kind === 'signedIn' ? (
        <MeContext.Provider value={state.me}>
          <SessionContext.Provider value={state.live}>
            <App key={state.generation} />
          </SessionContext.Provider>
        </MeContext.Provider>
      ) : state.kind === 'checking' ? (
        <p className="login-checking" data-testid="auth-checking">
          {t.auth.checking}
        </p>
      ) : (
        <LoginScreen
          reason={state.kind === 'signedOut' ? state.reason : null}
          unreachable={state.kind === 'unreachable' ? (state.storage ? 'storage' : 'network') : null}
        />
      )}
    </AuthContext.Provider>
  );
}
