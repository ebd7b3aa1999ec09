// One region of the overview (NV2, NV4): its name and size, its points by state (icon and number, so
// colour is never the only cue), the points whose room endpoint is down, and a bar of the shares.
// Clicking it opens the region's grid.
import { memo } from 'react';
import type { RegionView } from '../../../../shared/overview';
import { useI18n } from '../../i18n/context';
import { DISPLAY_STATES } from '../../lib/stateMeta';
import { StateIcon } from '../StateIcon';

/** The shares of the region's points by state: one segment per state present, as wide as its count. */
export function ShareBar({ region }: { region: Pick<RegionView, 'counts' | 'total'> }) {
  return (
    <div className="share-bar" aria-hidden="true">
      {DISPLAY_STATES.map((s) =>
        region.counts[s] > 0 ? (
          <span key={s} className={`share s-${s}`} style={{ flexGrow: region.counts[s] }} />
        ) : null,
      )}
    </div>
  );
}

export const RegionCard = memo(function RegionCard({
  region,
  onOpen,
}: {
  region: RegionView;
  /** Null: the region has no grid of its own to open (the host unit's own points). */
  onOpen: ((id: string) => void) | null;
}) {
  const { t, lang } = useI18n();
  const fmt = (n: number) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  const name = region.own ? t.national.own(region.name) : region.name;
  const body = (
    <>
      <span className="region-head">
        <span className="region-name">{name}</span>
        <span className="region-total" data-testid={`region-total-${region.id}`}>
          {t.national.total(fmt(region.total))}
        </span>
      </span>
      <span className="region-counts">
        {DISPLAY_STATES.map((s) => (
          <span
            key={s}
            className={`region-count s-${s}${region.counts[s] > 0 ? ' some' : ''}`}
            title={t.state[s]}
            data-testid={`region-${region.id}-${s}`}
            data-n={region.counts[s]}
          >
            <StateIcon state={s} /> {fmt(region.counts[s])}
            <span className="sr-only"> {t.state[s]}</span>
          </span>
        ))}
        {region.endpointDown > 0 && (
          <span
            className="region-count ep-down some"
            title={t.targets.endpointDown}
            data-testid={`region-${region.id}-endpointDown`}
            data-n={region.endpointDown}
          >
            ⊘ {fmt(region.endpointDown)}
            <span className="sr-only"> {t.targets.endpointDown}</span>
          </span>
        )}
      </span>
      <ShareBar region={region} />
    </>
  );
  const problems = region.counts.down + region.counts.severe + region.counts.degraded + region.endpointDown;
  const cls = `region-card${region.counts.down > 0 ? ' has-down' : problems > 0 ? ' has-problems' : ''}`;
  return onOpen ? (
    <button
      type="button"
      className={cls}
      data-testid={`region-${region.id}`}
      title={t.national.openRegion(region.name)}
      onClick={() => onOpen(region.id)}
    >
      {body}
    </button>
  ) : (
    <div className={`${cls} own`} data-testid={`region-${region.id}`} title={t.national.ownHint}>
      {body}
    </div>
  );
});
