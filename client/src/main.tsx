// First, before any module builds a schema: zod must not compile parsers with eval (the CSP forbids it).
// oxlint-disable-next-line import/no-unassigned-import -- run for its effect, before any other module
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './components/Root';
import { isWallHash } from './components/wall/wallApi';
import { WallRoot } from './components/wall/WallRoot';
import { WallStore } from './components/wall/wallStore';
import { I18nProvider } from './i18n/context';
import { AuthStore } from './live/auth';
import { connectSocket, LiveSession } from './live/session';

// Outside React so StrictMode's double effects do not open two sockets: the store opens one live
// session (socket) per login, and only once the server has said who is signed in.
const auth = new AuthStore(() => new LiveSession(connectSocket()));
// The wall display (#wall, a display link's page) has a sign-in of its own (components/wall/wallStore.ts).
const wall = isWallHash(window.location.hash)
  ? new WallStore((display) => new LiveSession(connectSocket(display)))
  : null;
if (wall) void wall.start();
else void auth.check();
// Into or out of the wall by its address alone: start afresh as that page.
window.addEventListener('hashchange', () => {
  if (isWallHash(window.location.hash) !== (wall !== null)) window.location.reload();
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>{wall ? <WallRoot wall={wall} /> : <Root auth={auth} />}</I18nProvider>
  </StrictMode>,
);
