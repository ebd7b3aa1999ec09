import { useDeferredValue, useMemo } from 'react';
import type { PointState } from '../../../shared/schemas';
import { matchesTokens, queryTokens } from '../lib/fold';
import { filterGroups, mineFirst } from '../lib/grouping';
import { withinUnits } from '../lib/permissions';
import { useMe } from '../hooks/useAuth';
import type { MeetingData } from '../live/meetingData';
import { useStatesView } from '../hooks/useStatus';
import { PointGrid } from './PointGrid';

/** Applies the search box and the state filter to the meeting's groups, then draws the grid. */
export function GridPane({
  data,
  search,
  stateFilter,
}: {
  data: MeetingData;
  search: string;
  stateFilter: PointState | null;
}) {
  // Only while a state filter is on does a state change anywhere reshape the grid.
  const states = useStatesView(stateFilter !== null);
  const query = useDeferredValue(search);
  // A technician limited to some units (a district's) sees their groups first.
  const scope = useMe()?.user.units;
  const ordered = useMemo(() => {
    if (!scope || scope.length === 0) return data.groups;
    return mineFirst(data.groups, (code) => {
      const unit = data.pointsByCode.get(code)?.unit;
      return unit !== undefined && withinUnits(unit, scope, data.unitsById);
    });
  }, [data, scope]);
  const groups = useMemo(() => {
    const tokens = queryTokens(query);
    if (tokens.length === 0 && (stateFilter === null || states === null)) return ordered;
    return filterGroups(
      ordered,
      (code) =>
        (tokens.length === 0 || matchesTokens(data.searchKeys.get(code) ?? '', tokens)) &&
        (stateFilter === null || states === null || states.stateOf(code) === stateFilter),
    );
  }, [data, ordered, query, stateFilter, states]);
  return <PointGrid key={data.meeting.id} groups={groups} pointsByCode={data.pointsByCode} />;
}
