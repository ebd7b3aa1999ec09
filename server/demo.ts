// `serve --demo`: move the file's meetings so that the first one's line test is under way now and its
// session is tomorrow morning, as an invitation would have it. Only for trying the product out.
import type { Meeting } from '../shared/schemas';
import { toWireInstant, VN_OFFSET_MS } from '../shared/time';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

export function retimeForDemo(meetings: readonly Meeting[], now: number): Meeting[] {
  return meetings.map((m, i) => {
    const lineTestStart = now - 10 * MIN + i * DAY;
    const sessionLength = Date.parse(m.session.plannedEnd) - Date.parse(m.session.start);
    // 08:00 Asia/Ho_Chi_Minh on the day after the line test.
    const vnMidnight = Math.floor((lineTestStart + VN_OFFSET_MS) / DAY) * DAY - VN_OFFSET_MS;
    const sessionStart = vnMidnight + DAY + 8 * 60 * MIN;
    const durationMin = Math.min(m.lineTest.durationMin, Math.floor((sessionStart - lineTestStart) / MIN) - 1);
    return {
      ...m,
      lineTest: { start: toWireInstant(lineTestStart), durationMin },
      session: { start: toWireInstant(sessionStart), plannedEnd: toWireInstant(sessionStart + sessionLength) },
    };
  });
}
