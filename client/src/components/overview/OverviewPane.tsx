// The dashboard's overview of a meeting by region (docs/NATIONAL.md NV4): the problem points first,
// then a card per region, in inventory order or "most problems first". A region opens its grid; a
// problem point opens its region's grid with the point's detail.
import { useEffect, useMemo, useRef } from 'react';
import type { ProblemPoint, RegionView } from '../../../../shared/overview';
import { useObservable } from '../../hooks/useObservable';
import { useBooleanPref } from '../../hooks/usePref';
import { useSession } from '../../hooks/useSession';
import { useI18n } from '../../i18n/context';
import { meetingTotals, regionsByProblems } from '../../lib/overview';
import { PREF_KEYS } from '../../lib/prefs';
import { DISPLAY_STATES } from '../../lib/stateMeta';
import { StateIcon } from '../StateIcon';
// oxlint-disable-next-line import/no-unassigned-import -- the view's own styles, bundled by Vite
import './overview.css';
import { ProblemList } from './ProblemList';
import { RegionCard } from './RegionCard';

/** Marked once the first overview is drawn: the e2e test reads it (time since the page's start). */
export const RENDERED_MARK = 'diemcau:overview-rendered';

export function OverviewPane({
  large,
  onRegion,
  onPoint,
  onGrid,
}: {
  /** A large meeting: no whole grid, and the host unit's own points have no grid of their own. */
  large: boolean;
  onRegion: (id: string) => void;
  onPoint: (p: ProblemPoint) => void;
  /** Back to the whole meeting's grid (small meetings only). */
  onGrid: (() => void) | null;
}) {
  const { t, lang } = useI18n();
  const state = useObservable(useSession().overview.state);
  const [worstFirst, setWorstFirst] = useBooleanPref(PREF_KEYS.regionsWorstFirst, false);
  const model = state.kind === 'ready' ? state.model : null;
  const regionsById = useMemo(() => new Map((model?.regions ?? []).map((r) => [r.id, r])), [model?.regions]);
  const regions = useMemo(
    () => (model ? (worstFirst ? regionsByProblems(model.regions) : model.regions) : []),
    [model, worstFirst],
  );
  const totals = useMemo(() => meetingTotals(model?.regions ?? []), [model?.regions]);
  // An own region (the host unit's own points) opens the whole grid in a small meeting, nothing in a large one.
  const opens = (r: RegionView) => !r.own || !large;
  const openRegion = (id: string) => {
    if (regionsById.get(id)?.own) onGrid?.();
    else onRegion(id);
  };

  const marked = useRef(false);
  useEffect(() => {
    if (model && !marked.current) {
      marked.current = true;
      performance.mark(RENDERED_MARK);
    }
  }, [model]);

  if (state.kind !== 'ready') {
    return (
      <p className={`empty${state.kind === 'error' ? ' error' : ''}`} data-testid="overview-loading">
        {state.kind === 'error' ? `${t.national.loadError}: ${state.message}` : t.national.loading}
      </p>
    );
  }
  const fmt = (n: number) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return (
    <div className="overview" data-testid="overview">
      <div className="view-bar">
        <h2 className="view-title">{t.national.title}</h2>
        <span className="muted" data-testid="overview-summary" data-total={totals.total}>
          {t.national.summary(fmt(totals.total), regions.length)}
        </span>
        <span className="region-counts overview-totals" role="group" aria-label={t.counts.title}>
          {DISPLAY_STATES.map((st) => (
            <span
              key={st}
              className={`region-count s-${st}${totals.counts[st] > 0 ? ' some' : ''}`}
              title={t.state[st]}
              data-testid={`overview-count-${st}`}
              data-n={totals.counts[st]}
            >
              <StateIcon state={st} /> {fmt(totals.counts[st])}
              <span className="sr-only"> {t.state[st]}</span>
            </span>
          ))}
          {totals.endpointDown > 0 && (
            <span className="region-count ep-down some" title={t.targets.endpointDown} data-n={totals.endpointDown}>
              ⊘ {fmt(totals.endpointDown)}
              <span className="sr-only"> {t.targets.endpointDown}</span>
            </span>
          )}
        </span>
        <label className="view-toggle" title={t.national.worstFirstHint}>
          <input
            type="checkbox"
            data-testid="worst-first"
            checked={worstFirst}
            onChange={(e) => setWorstFirst(e.target.checked)}
          />{' '}
          {t.national.worstFirst}
        </label>
        {onGrid && (
          <button type="button" className="toolbar-button" data-testid="open-grid" onClick={onGrid}>
            {t.national.grid}
          </button>
        )}
      </div>
      <ProblemList
        problems={state.model.problems}
        total={state.model.problemTotal}
        regionsById={regionsById}
        opens={opens}
        onPoint={onPoint}
        onRegion={openRegion}
      />
      <div className="region-cards" data-testid="region-cards">
        {regions.map((r) => (
          <RegionCard key={r.id} region={r} onOpen={opens(r) ? openRegion : null} />
        ))}
      </div>
    </div>
  );
}
