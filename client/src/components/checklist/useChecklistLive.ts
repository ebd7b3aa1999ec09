// One checklist link (its own socket) for as long as the view is open, following the chosen meeting.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { ChecklistLive } from '../../lib/checklistLive';
import type { ChecklistStore } from '../../lib/checklistStore';
import type { PointMarks } from '../../lib/checklistBoard';
import { connectSocket } from '../../live/session';

export function useChecklistLive(meetingId: string | null): ChecklistLive {
  // The socket opens in the effect, so StrictMode's extra render or mount leaves none behind.
  const [live] = useState(() => new ChecklistLive(connectSocket));
  useEffect(() => {
    live.open();
    return () => live.close();
  }, [live]);
  useEffect(() => {
    live.select(meetingId);
  }, [live, meetingId]);
  return live;
}

/** Re-renders on any change of the checklist (the summary, the roll call). */
export function useChecklistVersion(store: ChecklistStore): number {
  return useSyncExternalStore(store.subscribe, store.version, store.version);
}

/** One point's marks; re-renders only when they change. */
export function usePointMarks(store: ChecklistStore, code: string): PointMarks | undefined {
  return useSyncExternalStore(
    (cb) => store.subscribePoint(code, cb),
    () => store.marksOf(code),
    () => store.marksOf(code),
  );
}
