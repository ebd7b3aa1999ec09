// The meeting's monitor gaps (spans when no monitor ran), loaded when a chart opens and again after each
// reconnect: a gap is recorded only when a monitor starts again, and the socket drops when it stopped.
import { useEffect, useState } from 'react';
import type { MonitorGap } from '../../../shared/protocol';
import { api } from '../live/api';
import { useSession } from './useSession';

export function useGaps(meetingId: string): MonitorGap[] {
  const session = useSession();
  const [gaps, setGaps] = useState<MonitorGap[]>([]);
  useEffect(() => {
    let ctrl: AbortController | null = null;
    const load = (): void => {
      ctrl?.abort();
      const c = new AbortController();
      ctrl = c;
      api
        .gaps(meetingId, c.signal)
        .then(setGaps)
        // Without gaps the chart is still right about what was measured; nothing to tell the user.
        .catch(() => {});
    };
    load();
    const off = session.connection.subscribe(() => {
      if (session.connection.get() === 'connected') load();
    });
    return () => {
      ctrl?.abort();
      off();
    };
  }, [session, meetingId]);
  return gaps;
}
