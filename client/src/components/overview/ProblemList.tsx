// The overview's problem points (NV2), as the server sends them: the worst first, cut at
// PROBLEM_LIMIT with the total ("100 / 523"). Each row: the state (icon and words), the point's name
// and code, its region, since how long, and why when the server knows (`no-contact`: its probe agent
// is not heard). The name opens the point in its region's grid; the region opens that grid.
import { memo } from 'react';
import type { ProblemPoint, RegionView } from '../../../../shared/overview';
import { formatDurationWords } from '../../../../shared/time';
import { useSession } from '../../hooks/useSession';
import { useTick } from '../../hooks/useTick';
import { useI18n } from '../../i18n/context';
import { StateIcon } from '../StateIcon';

/** The state as a problem reads: a line up in front of a dead endpoint is that, not "thông suốt". */
export function ProblemState({ p }: { p: ProblemPoint }) {
  const { t } = useI18n();
  const endpoint = p.state === 'up' && (p.endpoint === 'down' || p.endpoint === 'severe');
  return endpoint ? (
    <span className="problem-state ep-down">
      <span className="state-icon ep-icon" aria-hidden="true">
        ⊘
      </span>{' '}
      {t.targets.endpointDown}
    </span>
  ) : (
    <span className={`problem-state s-${p.state}`}>
      <StateIcon state={p.state} /> {t.state[p.state]}
    </span>
  );
}

export function Since({ since }: { since: string | null }) {
  const { t, lang } = useI18n();
  const live = useSession();
  useTick();
  if (since === null) return null;
  return (
    <span className="problem-since">{t.national.since(formatDurationWords(live.now() - Date.parse(since), lang))}</span>
  );
}

const ProblemRow = memo(function ProblemRow({
  p,
  region,
  onPoint,
  onRegion,
}: {
  p: ProblemPoint;
  region: RegionView | undefined;
  onPoint: ((p: ProblemPoint) => void) | null;
  onRegion: ((id: string) => void) | null;
}) {
  const { t } = useI18n();
  const regionName = region ? (region.own ? t.national.own(region.name) : region.name) : p.region;
  return (
    <li className={`problem s-${p.state}`} data-testid={`problem-${p.code}`} data-state={p.state}>
      <ProblemState p={p} />
      {onPoint ? (
        <button type="button" className="problem-name link" onClick={() => onPoint(p)}>
          {p.name}
        </button>
      ) : (
        <span className="problem-name">{p.name}</span>
      )}
      <code className="problem-code">{p.code}</code>
      {onRegion ? (
        <button
          type="button"
          className="problem-region link"
          title={t.national.openRegion(regionName)}
          onClick={() => onRegion(p.region)}
        >
          {regionName}
        </button>
      ) : (
        <span className="problem-region">{regionName}</span>
      )}
      <Since since={p.since} />
      {p.reason !== null && <span className="problem-reason">{t.targets.reason[p.reason]}</span>}
    </li>
  );
});

export function ProblemList({
  problems,
  total,
  regionsById,
  opens,
  onPoint,
  onRegion,
}: {
  problems: readonly ProblemPoint[];
  total: number;
  regionsById: ReadonlyMap<string, RegionView>;
  /** Whether the region has a grid to open (the host unit's own points in a large meeting have none). */
  opens: (region: RegionView) => boolean;
  onPoint: (p: ProblemPoint) => void;
  onRegion: (id: string) => void;
}) {
  const { t, lang } = useI18n();
  const fmt = (n: number) => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  const cut = total > problems.length;
  return (
    <section className="problems" aria-label={t.national.problems}>
      <h2>
        {t.national.problems}{' '}
        <span className={`problem-total${total > 0 ? ' some' : ''}`} data-testid="problem-total" data-n={total}>
          {cut ? t.national.cut(fmt(problems.length), fmt(total)) : fmt(total)}
        </span>
      </h2>
      {cut && <p className="muted problems-cut">{t.national.cutHint(problems.length)}</p>}
      {problems.length === 0 ? (
        <p className="empty" data-testid="no-problems">
          {t.national.noProblems}
        </p>
      ) : (
        <ol className="problem-list" data-testid="problem-list">
          {problems.map((p) => {
            const region = regionsById.get(p.region);
            const open = region !== undefined && opens(region);
            return (
              <ProblemRow
                key={p.code}
                p={p}
                region={region}
                onPoint={open ? onPoint : null}
                onRegion={open ? onRegion : null}
              />
            );
          })}
        </ol>
      )}
    </section>
  );
}
