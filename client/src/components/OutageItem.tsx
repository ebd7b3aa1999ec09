import { memo } from 'react';
import type { Outage } from '../../../shared/schemas';
import { formatDateTime, formatDateTimeSec, formatTime } from '../../../shared/time';
import { useI18n } from '../i18n/context';
import { OutageDuration } from './OutageDuration';
import { outageLabel } from '../lib/outages';

export const OutageItem = memo(function OutageItem({
  outage,
  name,
  onSelect,
}: {
  outage: Outage;
  name: string;
  onSelect: (code: string) => void;
}) {
  const { t } = useI18n();
  const open = outage.endedAt === null;
  const started = Date.parse(outage.startedAt);
  return (
    <li
      className={`outage o-${outage.type}${open ? ' open' : ''}`}
      data-testid={`outage-${outage.id}`}
      data-open={String(open)}
    >
      <button type="button" onClick={() => onSelect(outage.point)}>
        <span className="outage-head">
          <span className="outage-type">{outageLabel(t, outage)}</span>
          <span className="outage-duration">
            {open ? `${t.feed.open} ` : `${t.feed.lasted} `}
            <OutageDuration outage={outage} />
          </span>
        </span>
        <span className="outage-name">{name}</span>
        <span className="outage-time" title={formatDateTimeSec(started)}>
          {t.feed.since} {formatTime(started)}
          {outage.endedAt !== null && ` – ${formatTime(Date.parse(outage.endedAt))}`}
          {' · '}
          {formatDateTime(started).slice(0, 10)}
        </span>
      </button>
    </li>
  );
});
