// The wall display's page (`/#wall`): a display link's screen or a signed-in user's, the wall itself
// once the screen is known, otherwise what to do about it. No interaction is needed once signed in.
import { useObservable } from '../../hooks/useObservable';
import { SessionContext } from '../../hooks/useSession';
import { useI18n } from '../../i18n/context';
import { WallView } from './WallView';
import type { WallStore } from './wallStore';

export function WallRoot({ wall }: { wall: WallStore }) {
  const { t } = useI18n();
  const state = useObservable(wall.state);
  if (state.kind === 'display' || state.kind === 'user') {
    return (
      <SessionContext.Provider value={state.live}>
        <WallView label={state.kind === 'display' ? state.me.label : null} />
      </SessionContext.Provider>
    );
  }
  if (state.kind === 'checking') {
    return (
      <div className="wall-message" data-testid="wall-message" data-kind={state.offline ? 'offline' : 'checking'}>
        <p>{state.offline ? t.wall.offline : t.wall.signingIn}</p>
      </div>
    );
  }
  const text =
    state.reason === 'revoked' ? t.wall.revoked : state.reason === 'badLink' ? t.wall.badLink : t.wall.noLink;
  return (
    <div className="wall-message" data-testid="wall-message" data-kind={state.reason}>
      <p>{text}</p>
      <p className="wall-howto">{t.wall.howTo}</p>
      <a href="/">{t.wall.login}</a>
    </div>
  );
}
