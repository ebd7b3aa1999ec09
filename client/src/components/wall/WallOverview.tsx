// [NV4] The wall display of a large meeting: its overview by region, never its tiles. Every region's
// card on the screen at once (the name, the points in trouble in big numbers, a bar of the shares) and
// beside them the worst problem points, as many as fit; readable from across the room.
import { memo, useMemo, type ReactNode } from 'react';
import type { OverviewModel, ProblemPoint, RegionView } from '../../../../shared/overview';
import type { MeetingView } from '../../../../shared/protocol';
import { useI18n } from '../../i18n/context';
import { meetingTotals } from '../../lib/overview';
import { STATE_ICON } from '../../lib/stateMeta';
import { ShareBar } from '../overview/RegionCard';
import { ProblemState, Since } from '../overview/ProblemList';
import { cardGrid, problemRows, shortRegion } from './overviewLayout';
import { shortName } from './WallTile';
import { WallHeader } from './WallHeader';

const PAD = 12;
const GAP = 10;

const fmt = (n: number, lang: string): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');

const WallRegion = memo(function WallRegion({ region, w, h }: { region: RegionView; w: number; h: number }) {
  const { t, lang } = useI18n();
  const c = region.counts;
  const trouble: { key: string; icon: string; n: number; label: string }[] = [
    { key: 'down', icon: STATE_ICON.down, n: c.down, label: t.state.down },
    { key: 'severe', icon: STATE_ICON.severe, n: c.severe, label: t.state.severe },
    { key: 'degraded', icon: STATE_ICON.degraded, n: c.degraded, label: t.state.degraded },
    { key: 'endpoint', icon: '⊘', n: region.endpointDown, label: t.targets.endpointDown },
    { key: 'unknown', icon: STATE_ICON.unknown, n: c.unknown, label: t.state.unknown },
  ].filter((x) => x.n > 0);
  const name = region.own ? t.national.own(region.name) : shortRegion(region.name);
  const big = Math.max(16, Math.round(Math.min(h * 0.34, w * 0.2)));
  return (
    <div
      className={`wall-region${c.down > 0 ? ' has-down' : trouble.length > 0 ? ' has-problems' : ''}`}
      data-region={region.id}
      style={{ width: w, height: h, fontSize: Math.max(12, Math.round(Math.min(h * 0.14, w * 0.085))) }}
      title={`${name}: ${t.national.total(fmt(region.total, lang))}`}
    >
      <div className="wall-region-head">
        <span className="wall-region-name">{name}</span>
        <span className="wall-region-total">{fmt(region.total, lang)}</span>
      </div>
      <div className="wall-region-counts" style={{ fontSize: big }}>
        {trouble.length === 0 ? (
          <span className="wall-region-n s-up" data-state="up" data-n={c.up} title={t.state.up}>
            {STATE_ICON.up} {fmt(c.up, lang)}
          </span>
        ) : (
          trouble.map((x) => (
            <span key={x.key} className={`wall-region-n s-${x.key}`} data-state={x.key} data-n={x.n} title={x.label}>
              {x.icon} {fmt(x.n, lang)}
            </span>
          ))
        )}
      </div>
      <ShareBar region={region} />
    </div>
  );
});

function WallProblem({ p, region, h }: { p: ProblemPoint; region: RegionView | undefined; h: number }) {
  return (
    <li className={`wall-problem s-${p.state}`} data-problem={p.code} style={{ height: h }}>
      <span className="wall-problem-line">
        <span className="wall-problem-name">{shortName(p.name)}</span>
        <span className="wall-problem-region">{region ? shortRegion(region.name) : p.region}</span>
      </span>
      <span className="wall-problem-line small">
        <ProblemState p={p} />
        <Since since={p.since} />
      </span>
    </li>
  );
}

export function WallOverview({
  meeting,
  model,
  label,
  w,
  h,
  connection,
  banner,
}: {
  meeting: MeetingView;
  model: OverviewModel;
  label: string | null;
  w: number;
  h: number;
  connection: string;
  /** Shown over the overview while the server is out of reach. */
  banner: ReactNode;
}) {
  const { t, lang } = useI18n();
  const totals = useMemo(() => meetingTotals(model.regions), [model.regions]);
  const regionsById = useMemo(() => new Map(model.regions.map((r) => [r.id, r])), [model.regions]);
  const headerH = Math.round(Math.min(200, Math.max(84, h * 0.13)));
  const areaH = h - headerH - 2 * PAD;
  const listW = Math.round((w - 2 * PAD) * 0.3);
  const cardsW = w - 2 * PAD - listW - GAP;
  const grid = cardGrid(model.regions.length, cardsW, areaH, GAP);
  // Two lines a row (the point and its region; its state and since when), ~26 px names on a full-HD wall.
  const rowH = Math.max(48, Math.round(h * 0.075));
  const titleH = Math.round(rowH * 1.2);
  const rows = problemRows(model.problems.length, model.problemTotal, areaH - titleH, rowH);
  return (
    <div
      className="wall wall-overview"
      data-testid="wall"
      data-view="overview"
      data-connection={connection}
      style={{ height: h }}
    >
      <WallHeader height={headerH} meeting={meeting} label={label} total={totals.total} page={null} overview={totals} />
      {banner}
      <main className="wall-area" style={{ left: PAD, top: headerH + PAD, width: w - 2 * PAD, height: areaH }}>
        <div
          className="wall-regions"
          data-testid="wall-regions"
          style={{
            width: cardsW,
            height: areaH,
            gridTemplateColumns: `repeat(${grid.cols}, ${grid.cardW}px)`,
            gridAutoRows: grid.cardH,
            gap: GAP,
          }}
        >
          {model.regions.map((r) => (
            <WallRegion key={r.id} region={r} w={grid.cardW} h={grid.cardH} />
          ))}
        </div>
        <section
          className="wall-problems"
          data-testid="wall-problems"
          style={{ left: cardsW + GAP, width: listW, height: areaH, fontSize: Math.round(rowH * 0.32) }}
        >
          <h2 style={{ height: titleH, fontSize: Math.round(rowH * 0.42) }}>
            {t.national.problems}{' '}
            <span className="wall-problem-total" data-testid="wall-problem-total" data-n={model.problemTotal}>
              {fmt(model.problemTotal, lang)}
            </span>
          </h2>
          <ol>
            {model.problems.slice(0, rows.shown).map((p) => (
              <WallProblem key={p.code} p={p} region={regionsById.get(p.region)} h={rowH} />
            ))}
            {rows.more > 0 && (
              <li className="wall-problem-more" style={{ height: rowH }} data-testid="wall-problem-more">
                {t.national.more(fmt(rows.more, lang))}
              </li>
            )}
          </ol>
        </section>
      </main>
    </div>
  );
}
