// Per-point subscriptions: a tile re-renders only when its own status changes.
import { useCallback, useSyncExternalStore } from 'react';
import type { PointState, PointStatus } from '../../../shared/schemas';
import type { StateCounts, StatesView } from '../lib/statusStore';
import { useSession } from './useSession';

export function useStatus(code: string): PointStatus | undefined {
  const store = useSession().statuses;
  const subscribe = useCallback((cb: () => void) => store.subscribe(code, cb), [store, code]);
  const get = useCallback(() => store.get(code), [store, code]);
  return useSyncExternalStore(subscribe, get, get);
}

export function useCounts(): StateCounts {
  const store = useSession().statuses;
  return useSyncExternalStore(store.subscribeSummary, store.counts, store.counts);
}

/** The states view while `enabled` (a state filter is on), else null: no re-renders on state changes. */
export function useStatesView(enabled: boolean): StatesView | null {
  const store = useSession().statuses;
  const get = useCallback(() => (enabled ? store.statesView() : null), [store, enabled]);
  return useSyncExternalStore(store.subscribeSummary, get, get);
}

/** Per-state counts over some codes, as a string key so unchanged counts do not re-render. */
export function useGroupSummary(codes: readonly string[], states: readonly PointState[]): string {
  const store = useSession().statuses;
  const get = useCallback(() => {
    const n = states.map(() => 0);
    for (const code of codes) {
      const i = states.indexOf(store.stateOf(code));
      if (i >= 0) n[i]! += 1;
    }
    return n.join(',');
  }, [store, codes, states]);
  return useSyncExternalStore(store.subscribeSummary, get, get);
}
