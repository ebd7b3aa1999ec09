// The meeting list (REST), loaded at start, when the server says meetings changed and on (re)connect.
import { useEffect, useState } from 'react';
import type { MeetingView } from '../../../shared/protocol';
import { api } from '../live/api';
import { useSession } from './useSession';

export interface MeetingsState {
  meetings: MeetingView[] | null;
  error: string | null;
}

export function useMeetings(): MeetingsState {
  const session = useSession();
  const [state, setState] = useState<MeetingsState>({ meetings: null, error: null });

  useEffect(() => {
    let ctrl: AbortController | null = null;
    const load = (): void => {
      ctrl?.abort();
      const c = new AbortController();
      ctrl = c;
      api
        .meetings(c.signal)
        .then((meetings) => setState({ meetings, error: null }))
        .catch((err: unknown) => {
          if (!c.signal.aborted) {
            setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
          }
        });
    };
    load();
    const offChanged = session.meetingsChanged.on(load);
    const offConnection = session.connection.subscribe(() => {
      if (session.connection.get() === 'connected') load();
    });
    return () => {
      ctrl?.abort();
      offChanged();
      offConnection();
    };
  }, [session]);

  return state;
}
