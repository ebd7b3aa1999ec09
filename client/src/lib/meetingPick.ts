// Which meeting the dashboard opens: `?meeting=ID` wins, then the one chosen last time, then the one
// that matters now (in session, about to start, in line test, next scheduled, latest ended).
import { meetingTimes } from '../../../shared/phase';
import type { MeetingView } from '../../../shared/protocol';
import type { Phase } from '../../../shared/schemas';

export interface MeetingChoice {
  id: string | null;
  /** The URL named a meeting that does not exist. */
  missing: string | null;
}

const PRIORITY: Record<Phase, number> = { live: 0, waiting: 1, lineTest: 2, scheduled: 3, ended: 4 };

export function chooseMeeting(
  meetings: readonly MeetingView[],
  fromUrl: string | null,
  remembered: string | null,
): MeetingChoice {
  const exists = (id: string | null): id is string => id !== null && meetings.some((m) => m.id === id);
  const missing = fromUrl !== null && fromUrl !== '' && !exists(fromUrl) ? fromUrl : null;
  if (exists(fromUrl)) return { id: fromUrl, missing };
  if (exists(remembered)) return { id: remembered, missing };
  const best = [...meetings].sort((a, b) => {
    const p = PRIORITY[a.phase] - PRIORITY[b.phase];
    if (p !== 0) return p;
    const ta = meetingTimes(a).sessionStart;
    const tb = meetingTimes(b).sessionStart;
    // Among ended meetings the latest matters most; otherwise the soonest.
    return a.phase === 'ended' ? tb - ta : ta - tb;
  })[0];
  return { id: best?.id ?? null, missing };
}

/** Picker order: latest session first. */
export function sortForPicker(meetings: readonly MeetingView[]): MeetingView[] {
  return [...meetings].sort(
    (a, b) => meetingTimes(b).sessionStart - meetingTimes(a).sessionStart || (a.id < b.id ? -1 : 1),
  );
}

export function meetingFromUrl(search: string): string | null {
  const id = new URLSearchParams(search).get('meeting');
  return id === null || id.trim() === '' ? null : id.trim();
}

/** The same URL with `?meeting=ID` set, other parameters kept. */
export function urlWithMeeting(href: string, id: string | null): string {
  const url = new URL(href);
  if (id === null) url.searchParams.delete('meeting');
  else url.searchParams.set('meeting', id);
  return url.pathname + url.search + url.hash;
}
