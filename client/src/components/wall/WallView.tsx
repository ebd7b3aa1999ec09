// The wall display: the whole meeting on one screen, sized from the viewport (./layout.ts). A header
// with the counts, the phase and the countdown, readable from across the room; below it every point,
// problems first and large. Pages turn by themselves when a meeting has more points than fit.
// [NV4] A large meeting shows its overview by region instead (./WallOverview.tsx), never its tiles.
import { useEffect, useMemo, useState } from 'react';
import { useObservable } from '../../hooks/useObservable';
import { useSession } from '../../hooks/useSession';
import { useStatesView } from '../../hooks/useStatus';
import { useI18n } from '../../i18n/context';
import { OVERVIEW_FROM } from '../../../../shared/overview';
import { groupKeyOf } from '../../lib/grouping';
import { overviewSize } from '../../lib/overview';
// oxlint-disable-next-line import/no-unassigned-import -- the view's own styles, bundled by Vite
import '../../styles/wall.css';
import { layoutWall } from './layout';
import { wallOrder } from './order';
import { useViewport } from './useViewport';
import { WallHeader } from './WallHeader';
import { WallOverview } from './WallOverview';
import { WallTile } from './WallTile';

/** Pages turn every this many milliseconds. */
export const PAGE_MS = 15_000;
const PAD = 12;

export function WallView({ label }: { label: string | null }) {
  const { t } = useI18n();
  const live = useSession();
  const meeting = useObservable(live.meeting);
  const overview = useObservable(live.overview.state);
  const connection = useObservable(live.connection);
  const view = useStatesView(true);
  const { w, h } = useViewport();
  const headerH = Math.round(Math.min(200, Math.max(84, h * 0.13)));
  const areaW = w - 2 * PAD;
  const areaH = h - headerH - 2 * PAD;
  const data = meeting.kind === 'ready' ? meeting.data : null;

  const order = useMemo(
    () =>
      data && view
        ? wallOrder(
            data.groups,
            (c) => view.stateOf(c),
            (c) => view.endpointDown(c),
          )
        : null,
    [data, view],
  );
  const layout = useMemo(
    () => (order ? layoutWall(areaW, areaH, order.problems, order.others, order.down) : null),
    [order, areaW, areaH],
  );
  const pages = layout?.pages.length ?? 0;
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (pages <= 1) return;
    const timer = setInterval(() => setPage((p) => p + 1), PAGE_MS);
    return () => clearInterval(timer);
  }, [pages]);
  const shown = pages === 0 ? 0 : page % pages;
  const offline = connection === 'reconnecting' || connection === 'connecting';
  const banner = offline && (
    <div className="wall-offline" role="status" data-testid="wall-offline">
      {t.wall.offline}
    </div>
  );

  if (overview.kind === 'ready' && overviewSize(overview.meeting, overview.model.regions) > OVERVIEW_FROM) {
    return (
      <WallOverview
        meeting={overview.meeting}
        model={overview.model}
        label={label}
        w={w}
        h={h}
        connection={connection}
        banner={banner}
      />
    );
  }

  return (
    <div className="wall" data-testid="wall" data-connection={connection} style={{ height: h }}>
      <WallHeader
        height={headerH}
        meeting={data?.meeting ?? null}
        label={label}
        total={data?.points.length ?? 0}
        page={pages > 1 ? t.wall.page(shown + 1, pages) : null}
      />
      {banner}
      <main className="wall-area" style={{ left: PAD, top: headerH + PAD, width: areaW, height: areaH }}>
        {data && layout && view ? (
          layout.pages[shown]!.map((tile) => {
            const p = data.pointsByCode.get(tile.code);
            if (!p) return null;
            const group = data.unitsById.get(groupKeyOf(p, data.unitsById))?.name ?? null;
            return (
              <WallTile
                key={tile.code}
                box={tile}
                point={p}
                unit={group}
                state={view.stateOf(tile.code)}
                endpointDown={view.endpointDown(tile.code)}
              />
            );
          })
        ) : (
          <p className="wall-empty" data-testid="wall-empty">
            {meeting.kind === 'error'
              ? `${t.wall.loadError}: ${meeting.message}`
              : meeting.kind === 'idle' && overview.kind === 'idle'
                ? t.wall.noMeeting
                : t.wall.loading}
          </p>
        )}
      </main>
    </div>
  );
}
