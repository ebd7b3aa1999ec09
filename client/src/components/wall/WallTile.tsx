// One point on the wall, absolutely placed by the layout. A compact tile shows the point's short name;
// a problem tile also its district, its state and how long it has been so (state is never colour alone).
// [TG5] A line that answers in front of an endpoint that does not is a problem of its own: a thick
// purple frame, the icon ⊘ and the words "Thiết bị không phản hồi", so it reads apart from every line state.
import { memo } from 'react';
import type { PointState } from '../../../../shared/schemas';
import type { WirePoint } from '../../../../shared/wire';
import { formatDurationWords } from '../../../../shared/time';
import { useSession } from '../../hooks/useSession';
import { useStatus } from '../../hooks/useStatus';
import { useTick } from '../../hooks/useTick';
import { useI18n } from '../../i18n/context';
import { STATE_ICON } from '../../lib/stateMeta';
import type { PlacedTile } from './layout';

/** "Điểm cầu Xã Đồng Lộc" → "Xã Đồng Lộc": the prefix every point shares says nothing on a wall. */
/** Not a line state's icon: the room's device refuses, the line does not. */
const ENDPOINT_ICON = '⊘';

export const shortName = (name: string): string => name.replace(/^điểm cầu\s+/iu, '') || name;

export const WallTile = memo(function WallTile({
  box,
  point,
  unit,
  state,
  endpointDown = false,
}: {
  box: PlacedTile;
  point: WirePoint;
  unit: string | null;
  state: PointState;
  endpointDown?: boolean;
}) {
  const { t } = useI18n();
  const name = shortName(point.name);
  const style = { left: box.x, top: box.y, width: box.w, height: box.h };
  const title = `${point.name} (${point.code}) — ${t.state[state]}${endpointDown ? ` — ${t.targets.endpointDown}` : ''}`;
  const cls = `wall-tile s-${state}${endpointDown ? ' ep-down' : ''}`;
  const icon = endpointDown ? ENDPOINT_ICON : STATE_ICON[state];
  const marks = { 'data-point': point.code, 'data-state': state, 'data-endpoint': endpointDown ? 'down' : undefined };
  if (!box.big) {
    // Two lines of text at most in the cell's height.
    const font = Math.max(9, Math.min(Math.round(box.h * 0.36), 22));
    return (
      <div className={cls} {...marks} title={title} style={{ ...style, fontSize: font }}>
        <span className="wall-icon" aria-hidden="true">
          {icon}
        </span>
        <span className="wall-name">{name}</span>
      </div>
    );
  }
  return (
    <div
      className={`${cls} big`}
      {...marks}
      title={title}
      style={{ ...style, fontSize: Math.max(12, Math.round(Math.min(box.h * 0.22, box.w * 0.085))) }}
    >
      <span className="wall-big-name">
        <span className="wall-icon" aria-hidden="true">
          {icon}
        </span>{' '}
        {name}
      </span>
      {unit && <span className="wall-big-unit">{unit}</span>}
      {endpointDown ? (
        <span className="wall-big-state wall-endpoint" data-testid={`wall-endpoint-down-${point.code}`}>
          {t.targets.endpointDown}
        </span>
      ) : (
        <Since code={point.code} state={state} />
      )}
    </div>
  );
});

function Since({ code, state }: { code: string; state: PointState }) {
  const { t, lang } = useI18n();
  const live = useSession();
  const status = useStatus(code);
  useTick();
  const since = status?.since ? Date.parse(status.since) : null;
  return (
    <span className="wall-big-state">
      {t.state[state]}
      {since !== null && ` · ${t.wall.since(formatDurationWords(live.now() - since, lang))}`}
    </span>
  );
}
