import { useSyncExternalStore } from 'react';
import type { Observable } from '../lib/observable';

export function useObservable<T>(obs: Observable<T>): T {
  return useSyncExternalStore(obs.subscribe, obs.get, obs.get);
}
