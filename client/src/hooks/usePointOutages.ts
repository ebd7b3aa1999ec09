// A point's outages in this meeting: the stored history (REST) merged with what the live feed has seen
// since, so an outage opened while the panel is open shows up at once.
import { useEffect, useMemo, useState } from 'react';
import type { Outage } from '../../../shared/schemas';
import { api } from '../live/api';
import { mergeOutages } from '../lib/outages';
import { useObservable } from './useObservable';
import { useSession } from './useSession';

const HISTORY_LIMIT = 200;

export function usePointOutages(meetingId: string, code: string): { outages: Outage[]; error: string | null } {
  const live = useObservable(useSession().outages);
  const [history, setHistory] = useState<Outage[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // The panel is keyed by point, so there is no previous point's history to clear here.
    const ctrl = new AbortController();
    api
      .outages({ meeting: meetingId, point: code, limit: HISTORY_LIMIT }, ctrl.signal)
      .then(setHistory)
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(err instanceof Error ? err.message : String(err));
      });
    return () => ctrl.abort();
  }, [meetingId, code]);
  const outages = useMemo(
    () =>
      mergeOutages(
        history,
        live.filter((o) => o.point === code),
        HISTORY_LIMIT,
      ),
    [history, live, code],
  );
  return { outages, error };
}
