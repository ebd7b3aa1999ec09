import { createContext, useContext } from 'react';
import type { LiveSession } from '../live/session';

export const SessionContext = createContext<LiveSession | null>(null);

export function useSession(): LiveSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext.Provider>');
  return session;
}
