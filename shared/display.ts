// Display links (wall display, docs/SECURITY.md "Display links"): what crosses the wire between the
// admin screen, the wall and the server. A link is a long random token that signs one screen in,
// read-only, bound to one meeting or to whichever meeting is current.
import { z } from 'zod';
import { meetingTimes, phaseAt } from './phase';
import { Code, Text, type Meeting, type Phase } from './schemas';

/** Body of POST /api/display-links. `meeting: null` binds the link to the current meeting. */
export const NewDisplayLinkBody = z.strictObject({
  label: Text(80),
  meeting: Code.nullable(),
});
export type NewDisplayLinkBody = z.infer<typeof NewDisplayLinkBody>;

/** A link as the admin screen lists it: never its token (only its SHA-256 is stored). */
export interface DisplayLinkView {
  id: number;
  label: string;
  /** The meeting it is bound to; null: the current meeting. */
  meeting: string | null;
  createdBy: string;
  /** ISO 8601 with offset. */
  createdAt: string;
  /** Last time a screen used it (sign-in, socket, /me); null if never. */
  lastSeenAt: string | null;
  /** Null while active. */
  revokedAt: string | null;
}

/** The answer to POST /api/display-links: the token and its URL, shown once. */
export interface CreatedDisplayLink {
  link: DisplayLinkView;
  token: string;
  /** Path and hash to open on the wall: `/#wall?k=TOKEN`. */
  path: string;
}

/** Body of POST /api/display/session: the token from the link. */
export const DisplaySignIn = z.strictObject({ token: z.string().min(1).max(200) });

/** GET /api/display/me: who the screen is and which meeting it shows now. */
export interface DisplayMe {
  id: number;
  label: string;
  /** The bound meeting, or null for "the current meeting". */
  bound: string | null;
  /** The meeting to show now (the bound one, or the current one); null when there is none. */
  meetingId: string | null;
}

/** The display link's token as the wall's URL carries it: `#wall?k=TOKEN`. */
export const wallPath = (token: string): string => `/#wall?k=${token}`;

const PRIORITY: Record<Phase, number> = { live: 0, waiting: 1, lineTest: 2, scheduled: 3, ended: 4 };

/**
 * The meeting that matters now, as the dashboard picks it without a choice (client/src/lib/meetingPick.ts):
 * in session, about to start, in line test, the next scheduled (soonest), else the latest ended.
 */
export function currentMeeting<M extends Pick<Meeting, 'id' | 'lineTest' | 'session'>>(
  meetings: readonly M[],
  now: number,
): M | undefined {
  let best: { m: M; p: number; start: number } | undefined;
  for (const m of meetings) {
    const p = PRIORITY[phaseAt(m, now)];
    const start = meetingTimes(m).sessionStart;
    const better =
      best === undefined ||
      p < best.p ||
      (p === best.p && (p === PRIORITY.ended ? start > best.start : start < best.start)) ||
      (p === best.p && start === best.start && m.id < best.m.id);
    if (better) best = { m, p, start };
  }
  return best?.m;
}
