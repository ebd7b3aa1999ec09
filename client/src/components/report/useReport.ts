// A meeting's report: loaded on mount (the view is keyed by the meeting), recomputed on demand and
// every minute while a phase is under way, notes applied as they arrive over the view's own socket.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MeetingReport, OutageNote } from '../../../../shared/report';
import { reportApi } from '../../lib/reportApi';
import { ReportLive } from '../../lib/reportLive';
import { withNote } from '../../lib/reportView';
import { connectSocket } from '../../live/session';

export type ReportState =
  | { kind: 'loading' }
  | { kind: 'ready'; report: MeetingReport; refreshing: boolean }
  | { kind: 'error'; message: string };

const REFRESH_MS = 60_000;

export function useReport(
  meetingId: string,
  /** [NV5] A unit's own report (`?unit=`); null: the whole meeting's. */
  unit: string | null = null,
): {
  state: ReportState;
  refresh: () => void;
  applyNote: (n: OutageNote) => void;
  /** The last note that arrived from someone else, to say so on screen. */
  lastLive: OutageNote | null;
} {
  const [state, setState] = useState<ReportState>({ kind: 'loading' });
  const [lastLive, setLastLive] = useState<OutageNote | null>(null);
  const [live] = useState(() => new ReportLive(connectSocket));
  const ctrl = useRef<AbortController | null>(null);

  /** Fetches; the state changes only when the answer comes. */
  const fetchReport = useCallback(() => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    reportApi
      .report(meetingId, c.signal, unit)
      .then((report) => setState({ kind: 'ready', report, refreshing: false }))
      .catch((err: unknown) => {
        if (!c.signal.aborted) setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      });
  }, [meetingId, unit]);

  const refresh = useCallback(() => {
    setState((s) => (s.kind === 'ready' ? { ...s, refreshing: true } : { kind: 'loading' }));
    fetchReport();
  }, [fetchReport]);

  const applyNote = useCallback((n: OutageNote) => {
    setState((s) => (s.kind === 'ready' ? { ...s, report: withNote(s.report, n) } : s));
  }, []);

  useEffect(() => {
    fetchReport();
    return () => ctrl.current?.abort();
  }, [fetchReport]);

  // The socket opens in the effect, so StrictMode's extra mount leaves none behind.
  useEffect(() => {
    live.open();
    live.select(meetingId);
    const off = live.notes.on((n) => {
      applyNote(n);
      setLastLive(n);
    });
    return () => {
      off();
      live.close();
    };
  }, [live, meetingId, applyNote]);

  const underWay =
    state.kind === 'ready' &&
    (state.report.phases.lineTest.status === 'inProgress' || state.report.phases.live.status === 'inProgress');
  useEffect(() => {
    if (!underWay) return;
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [underWay, refresh]);

  // Another unit asked for: the shown report stays, marked refreshing, until the new one comes.
  const shown: ReportState =
    state.kind === 'ready' && (state.report.scope?.unit ?? null) !== unit ? { ...state, refreshing: true } : state;
  return { state: shown, refresh, applyNote, lastLive };
}
