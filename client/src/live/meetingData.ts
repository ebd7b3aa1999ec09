// What the grid and the detail panel need from a snapshot, indexed once per snapshot.
import type { AlertGrouping } from '../../../shared/alerts';
import type { MeetingView } from '../../../shared/protocol';
import type { Unit } from '../../../shared/schemas';
import type { WirePoint } from '../../../shared/wire';
import { pointSearchKey } from '../lib/fold';
import { buildGroups, type PointGroup } from '../lib/grouping';

export interface MeetingData {
  meeting: MeetingView;
  units: Unit[];
  points: WirePoint[];
  pointsByCode: ReadonlyMap<string, WirePoint>;
  unitsById: ReadonlyMap<string, Unit>;
  groups: PointGroup[];
  /** The alerts' grouping settings from the snapshot (the outage feed groups as they do). */
  grouping?: AlertGrouping;
  /** Folded "code name" of every point, for the search box. */
  searchKeys: ReadonlyMap<string, string>;
}

export function indexMeeting(meeting: MeetingView, units: Unit[], points: WirePoint[]): MeetingData {
  return {
    meeting,
    units,
    points,
    pointsByCode: new Map(points.map((p) => [p.code, p])),
    unitsById: new Map(units.map((u) => [u.id, u])),
    groups: buildGroups(points, units),
    searchKeys: new Map(points.map((p) => [p.code, pointSearchKey(p)])),
  };
}
