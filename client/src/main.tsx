// First, before any module builds a schema: zod must not compile parsers with eval (the CSP forbids it).
// oxlint-disable-next-line import/no-unassigned-import -- run for its effect, before any other module
import './zodConfig';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './components/Root';
import { I18nProvider } from './i18n/context';
import { AuthStore } from './live/auth';
import { connectSocket, LiveSession } from './live/session';

// Outside React so StrictMode's double effects do not open two sockets: the store opens one live
// session (socket) per login, and only once the server has said who is signed in.
const auth = new AuthStore(() => new LiveSession(connectSocket()));
void auth.check();

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <Root auth={auth} />
    </I18nProvider>
  </StrictMode>,
);
