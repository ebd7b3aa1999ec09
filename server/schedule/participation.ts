// Which points take part in which meeting, both ways, rebuilt from the inventory on each change. The
// monitor needs it to attribute outages; the request side to scope dashboards, checklists and reports.
import type { InventoryData } from '../store/types';
import { participationIndex } from './participants';

const EMPTY: ReadonlySet<string> = new Set();

export class ParticipationIndex {
  private byMeeting = new Map<string, Set<string>>();
  private byPoint = new Map<string, string[]>();

  update(data: InventoryData): void {
    this.byPoint = participationIndex(data.meetings, data.points, data.units);
    const byMeeting = new Map<string, Set<string>>();
    for (const [code, ids] of this.byPoint) {
      for (const id of ids) {
        let set = byMeeting.get(id);
        if (!set) byMeeting.set(id, (set = new Set()));
        set.add(code);
      }
    }
    this.byMeeting = byMeeting;
  }

  /** Codes of the points taking part in a meeting (host included). */
  pointsOf(meetingId: string): ReadonlySet<string> {
    return this.byMeeting.get(meetingId) ?? EMPTY;
  }

  /** Ids of the meetings a point takes part in. */
  meetingsOf(code: string): readonly string[] {
    return this.byPoint.get(code) ?? [];
  }
}
