import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { SessionContext } from './hooks/useSession';
import { I18nProvider } from './i18n/context';
import { connectSocket, LiveSession } from './live/session';

// One live session for the page's lifetime, created outside React so StrictMode's double effects do not
// open two sockets.
const session = new LiveSession(connectSocket());

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionContext.Provider value={session}>
        <App />
      </SessionContext.Provider>
    </I18nProvider>
  </StrictMode>,
);
