import { useCallback, useMemo } from 'react';
import type { AlertGrouping } from '../../../shared/alerts';
import { LineGroups } from '../../../shared/outage-groups';
import type { Unit } from '../../../shared/schemas';
import type { WirePoint } from '../../../shared/wire';
import { feedGroups } from '../lib/outages';
import { useObservable } from '../hooks/useObservable';
import { useSelectionStore } from '../hooks/useSelection';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';
import { OutageGroupItem } from './OutageGroupItem';
import { OutageItem } from './OutageItem';

/** Items drawn at once: open ones tick every second, and a regional cut can open thousands. */
const FEED_SHOWN = 200;

/**
 * The outage feed, one entry per problem (docs/SPEC.md AL15): a district's line is one entry naming
 * its points, a bouncing line one "flapping" entry; a point's own outage is shown as before.
 */
export function OutageFeed({
  pointsByCode,
  units,
  grouping,
}: {
  pointsByCode: ReadonlyMap<string, WirePoint> | null;
  units?: readonly Unit[];
  /** The alerts' grouping settings (defaults without). */
  grouping?: AlertGrouping;
}) {
  const { t } = useI18n();
  const outages = useObservable(useSession().outages);
  const selection = useSelectionStore();
  const select = useCallback((code: string) => selection.set(code), [selection]);
  const lines = useMemo(
    () => (pointsByCode && units ? new LineGroups(units, [...pointsByCode.values()]) : null),
    [pointsByCode, units],
  );
  const entries = useMemo(() => feedGroups(outages, lines, grouping), [outages, lines, grouping]);
  const openCount = entries.filter((g) => g.end === null).length;
  const name = (code: string): string => pointsByCode?.get(code)?.name ?? code;
  return (
    <section className="feed" data-testid="outage-feed" aria-label={t.feed.title}>
      <h2>
        {t.feed.title}
        {openCount > 0 && (
          <span className="feed-open" title={t.feed.open}>
            {openCount}
          </span>
        )}
      </h2>
      {entries.length === 0 ? (
        <p className="empty">{t.feed.empty}</p>
      ) : (
        <ol className="feed-list">
          {entries
            .slice(0, FEED_SHOWN)
            .map((g) =>
              g.kind === 'point' && g.outages.length === 1 ? (
                <OutageItem
                  key={g.outages[0]!.id}
                  outage={g.outages[0]!.outage}
                  name={name(g.points[0]!)}
                  onSelect={select}
                />
              ) : (
                <OutageGroupItem key={`g${g.outages[0]!.id}`} group={g} name={name} onSelect={select} />
              ),
            )}
          {entries.length > FEED_SHOWN && <li className="feed-more">{t.feed.more(entries.length - FEED_SHOWN)}</li>}
        </ol>
      )}
    </section>
  );
}
