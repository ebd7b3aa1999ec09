import { memo } from 'react';
import { formatDateTime, formatDateTimeSec, formatTime } from '../../../shared/time';
import { groupAsOutage, type FeedGroup, outageLabel } from '../lib/outages';
import { useI18n } from '../i18n/context';
import { OutageDuration } from './OutageDuration';

/** A problem of several outages in the feed: a unit's line (its points) or a flapping line. */
export const OutageGroupItem = memo(function OutageGroupItem({
  group,
  name,
  onSelect,
}: {
  group: FeedGroup;
  name: (code: string) => string;
  onSelect: (code: string) => void;
}) {
  const { t } = useI18n();
  const open = group.end === null;
  const as = groupAsOutage(group);
  const head =
    group.kind === 'flapping'
      ? t.feed.flapping(group.drops)
      : group.kind === 'unit'
        ? t.feed.unitLine(group.points.length)
        : `${outageLabel(t, as)} · ${t.feed.drops(group.drops)}`;
  return (
    <li
      className={`outage o-${as.type} o-group o-${group.kind}${open ? ' open' : ''}`}
      data-testid={`outage-group-${group.outages[0]!.id}`}
      data-kind={group.kind}
      data-open={String(open)}
    >
      <button type="button" onClick={() => onSelect(group.points[0]!)}>
        <span className="outage-head">
          <span className="outage-type">{head}</span>
          <span className="outage-duration">
            {open ? `${t.feed.open} ` : `${t.feed.lasted} `}
            <OutageDuration outage={as} />
          </span>
        </span>
        <span className="outage-name">
          {group.unit && group.kind !== 'point' ? `${group.unit.name}: ` : ''}
          {group.points.map(name).join(', ')}
        </span>
        <span className="outage-time" title={formatDateTimeSec(group.start)}>
          {t.feed.since} {formatTime(group.start)}
          {group.end !== null && ` – ${formatTime(group.end)}`}
          {' · '}
          {formatDateTime(group.start).slice(0, 10)}
        </span>
      </button>
    </li>
  );
});
