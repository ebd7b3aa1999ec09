import { memo } from 'react';
import { formatLoss, formatPointRtt } from '../lib/format';
import { usePlanned } from '../lib/planned';
import { STATE_ICON } from '../lib/stateMeta';
import { isEndpointDown } from '../lib/statusStore';
import { useIsSelected, useSelectionStore } from '../hooks/useSelection';
import { useStatus } from '../hooks/useStatus';
import { useI18n } from '../i18n/context';
import { StateIcon } from './StateIcon';

/** One point; subscribed to its own status only, so a delta re-renders just the tiles it names. */
export const Tile = memo(function Tile({ code, name }: { code: string; name: string }) {
  const { t } = useI18n();
  const status = useStatus(code);
  const selected = useIsSelected(code);
  const selection = useSelectionStore();
  const state = status?.state ?? 'unknown';
  const rtt = formatPointRtt(status, t.locale);
  const loss = formatLoss(status?.loss, t.locale);
  const backup = status?.backup ?? null;
  const planned = usePlanned(code);
  // [TG5] The line answers, the room's endpoint does not: a state of its own (call the room, not the telecom).
  const endpointDown = isEndpointDown(status);
  const notInCall = !endpointDown && status?.inCall === false;
  return (
    <button
      type="button"
      className={`tile s-${state}${selected ? ' selected' : ''}${planned ? ' planned' : ''}${endpointDown ? ' ep-down' : ''}`}
      data-testid={`tile-${code}`}
      data-state={state}
      data-endpoint={status?.endpoint ?? undefined}
      data-in-call={status?.inCall == null ? undefined : String(status.inCall)}
      data-planned={planned ? 'true' : undefined}
      aria-pressed={selected}
      title={`${name} (${code}) — ${t.state[state]}${endpointDown ? ` — ${t.targets.endpointDown}` : ''}${planned ? ` — ${t.grid.planned}: ${planned.reason}` : ''} — ${rtt}, ${loss}`}
      onClick={() => selection.set(code)}
    >
      <span className="tile-head">
        <StateIcon state={state} />
        <span className="tile-code">{code}</span>
        {backup !== null && (
          <span className={`tile-backup s-${backup}`} title={`${t.detail.role.backup}: ${t.state[backup]}`}>
            {t.grid.backup} {STATE_ICON[backup]}
          </span>
        )}
      </span>
      <span className="tile-name">{name}</span>

      {planned ? (
        // Planned work takes the metrics' row (they stay in the title): the line is down on purpose.
        <span className="tile-planned" data-testid={`planned-${code}`}>
          {t.grid.planned}
        </span>
      ) : endpointDown ? (
        // So does the room's endpoint when it fails: the line's figures are fine and stay in the title.
        <span className="tile-endpoint" data-testid={`endpoint-down-${code}`}>
          {t.targets.endpointDown}
        </span>
      ) : notInCall ? (
        <span className="tile-incall" data-testid={`not-in-call-${code}`}>
          {t.targets.notInCall}
        </span>
      ) : (
        <span className="tile-metrics">
          <span>{rtt}</span>
          <span>{loss}</span>
        </span>
      )}
    </button>
  );
});
