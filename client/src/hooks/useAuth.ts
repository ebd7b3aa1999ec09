import { createContext, useContext } from 'react';
import type { Me } from '../../../shared/protocol';
import type { AuthStore } from '../live/auth';

export const AuthContext = createContext<AuthStore | null>(null);
/** The signed-in user; provided around the dashboard only, so null means "not signed in". */
export const MeContext = createContext<Me | null>(null);

export function useAuth(): AuthStore {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside <AuthContext.Provider>');
  return auth;
}

export function useMe(): Me | null {
  return useContext(MeContext);
}
