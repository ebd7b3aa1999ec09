import { useEffect, useState } from 'react';
import type { PointStatus } from '../../../shared/schemas';
import type { TargetStatusRow } from '../../../shared/targets';
import type { WirePoint } from '../../../shared/wire';
import { formatRtt } from '../lib/format';
import { useI18n } from '../i18n/context';
import { api } from '../live/api';
import { StateIcon } from './StateIcon';

/** How often an open detail asks for its targets' own states (the live deltas carry the point's only). */
const REFRESH_MS = 3_000;

/**
 * [TG5][TG8] The point's targets, the line apart from the room's endpoint: each with its own state, its
 * latency, why it fails (a SIP 503, a refused port…) and, for a codec, the call it is in.
 */
export function TargetList({ point, status }: { point: WirePoint; status: PointStatus | undefined }) {
  const { t, lang } = useI18n();
  const rows = useTargetRows(point.code, status);
  const byId = new Map(rows?.map((r) => [r.id, r]));
  const endpointDown = status?.endpoint === 'down';
  // "0,2 %" and "1.920 kbit/s" in Vietnamese, as every other figure on the dashboard.
  const num = (n: number): string => n.toLocaleString(t.locale, { maximumFractionDigits: 1 });
  return (
    <section className="detail-section">
      <h3>{t.targets.title}</h3>
      {endpointDown && (
        <p className="endpoint-down-note" data-testid="endpoint-down-note" lang={lang}>
          {t.targets.endpointDownHint}
        </p>
      )}
      <ul className="targets">
        {point.targets.map((tg) => {
          const row = byId.get(tg.id);
          const state =
            row?.state ??
            (tg.role === 'primary' ? status?.state : tg.role === 'backup' ? status?.backup : status?.endpoint) ??
            'unknown';
          return (
            <li
              key={tg.id}
              className={`target s-${state}`}
              data-role={tg.role}
              data-kind={tg.kind}
              data-state={state}
              data-testid={`target-${tg.id}`}
            >
              <StateIcon state={state} />
              <span className="target-role">{t.targets.role[tg.role]}</span>
              <code>{tg.label}</code>
              <span className="target-state">
                {t.state[state]}
                {row?.rtt != null && state !== 'down' && `, ${formatRtt(row.rtt, t.locale)}`}
                {row?.code != null && ` (${t.targets.code(row.code)})`}
                {row?.reason != null && state !== 'up' && ` — ${t.targets.reason[row.reason]}`}
              </span>
              {row?.call && (
                <span className="target-call" data-testid={`call-${point.code}`} data-in-call={String(row.call.inCall)}>
                  {row.call.inCall ? t.targets.inCall : t.targets.notInCall}
                  {row.call.farEnd && ` — ${t.targets.farEnd}: ${row.call.farEnd}`}
                  {row.call.channels
                    .filter((c) => c.direction === 'rx')
                    .map((c) => (
                      <span key={`${c.media}-${c.direction}`} className="target-media">
                        {t.targets.mediaLine(
                          t.targets.media[c.media],
                          c.rateKbps === null ? '—' : `${num(c.rateKbps)} kbit/s`,
                          c.lossPct === null ? '—' : `${num(c.lossPct)} %`,
                          c.jitterMs === null ? '—' : `${num(c.jitterMs)} ms`,
                        )}
                      </span>
                    ))}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The targets' rows of a point with more than its line, or of one whose state is unknown (the row says
 * why: "không liên lạc được trạm đo" when its probe agent is not heard, docs/AGENTS.md AG7), refreshed
 * while the detail is open.
 */
function useTargetRows(code: string, status: PointStatus | undefined): TargetStatusRow[] | null {
  const [rows, setRows] = useState<TargetStatusRow[] | null>(null);
  const hasMore = status?.endpoint != null || status?.backup != null || status?.state === 'unknown';
  useEffect(() => {
    if (!hasMore) return;
    const ctrl = new AbortController();
    const load = (): void => {
      api.targets(code, ctrl.signal).then(setRows, () => undefined);
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      ctrl.abort();
      clearInterval(timer);
    };
  }, [code, hasMore]);
  return hasMore ? rows : null;
}
