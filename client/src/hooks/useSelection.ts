// The selected point (detail panel) lives in an Observable so a change re-renders only the two tiles
// concerned, not the grid.
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import { Observable } from '../lib/observable';

export const SelectionContext = createContext<Observable<string | null>>(new Observable<string | null>(null));

export function useSelectionStore(): Observable<string | null> {
  return useContext(SelectionContext);
}

export function useIsSelected(code: string): boolean {
  const sel = useSelectionStore();
  const get = useCallback(() => sel.get() === code, [sel, code]);
  return useSyncExternalStore(sel.subscribe, get, get);
}
