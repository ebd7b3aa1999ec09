import { useCallback } from 'react';
import type { Point } from '../../../shared/schemas';
import { isOpen } from '../lib/outages';
import { useObservable } from '../hooks/useObservable';
import { useSelectionStore } from '../hooks/useSelection';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';
import { OutageItem } from './OutageItem';

/** Items drawn at once: open ones tick every second, and a regional cut can open thousands. */
const FEED_SHOWN = 200;

export function OutageFeed({ pointsByCode }: { pointsByCode: ReadonlyMap<string, Point> | null }) {
  const { t } = useI18n();
  const outages = useObservable(useSession().outages);
  const selection = useSelectionStore();
  const select = useCallback((code: string) => selection.set(code), [selection]);
  const openCount = outages.filter(isOpen).length;
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
      {outages.length === 0 ? (
        <p className="empty">{t.feed.empty}</p>
      ) : (
        <ol className="feed-list">
          {outages.slice(0, FEED_SHOWN).map((o) => (
            <OutageItem key={o.id} outage={o} name={pointsByCode?.get(o.point)?.name ?? o.point} onSelect={select} />
          ))}
          {outages.length > FEED_SHOWN && <li className="feed-more">{t.feed.more(outages.length - FEED_SHOWN)}</li>}
        </ol>
      )}
    </section>
  );
}
