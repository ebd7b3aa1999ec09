import { useDeferredValue, useMemo } from 'react';
import type { PointState } from '../../../shared/schemas';
import { matchesTokens, queryTokens } from '../lib/fold';
import { filterGroups } from '../lib/grouping';
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
  const groups = useMemo(() => {
    const tokens = queryTokens(query);
    if (tokens.length === 0 && (stateFilter === null || states === null)) return data.groups;
    return filterGroups(
      data.groups,
      (code) =>
        (tokens.length === 0 || matchesTokens(data.searchKeys.get(code) ?? '', tokens)) &&
        (stateFilter === null || states === null || states.stateOf(code) === stateFilter),
    );
  }, [data, query, stateFilter, states]);
  return <PointGrid key={data.meeting.id} groups={groups} pointsByCode={data.pointsByCode} />;
}
