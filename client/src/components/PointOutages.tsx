import type { Outage } from '../../../shared/schemas';
import { formatDateTimeSec, formatTime } from '../../../shared/time';
import { useI18n } from '../i18n/context';
import { OutageDuration } from './OutageDuration';
import { outageLabel } from '../lib/outages';

export function PointOutages({ outages, error }: { outages: readonly Outage[]; error: string | null }) {
  const { t } = useI18n();
  return (
    <section className="detail-section">
      <h3>{t.detail.outages}</h3>
      {error && <p className="error">{`${t.errors.load}: ${error}`}</p>}
      {outages.length === 0 ? (
        <p className="muted">{t.detail.noOutages}</p>
      ) : (
        <table className="point-outages">
          <tbody>
            {outages.map((o) => (
              <tr key={o.id} className={o.endedAt === null ? 'open' : ''} data-open={String(o.endedAt === null)}>
                <td>{outageLabel(t, o)}</td>
                <td>
                  {formatDateTimeSec(Date.parse(o.startedAt))}
                  {o.endedAt !== null && ` – ${formatTime(Date.parse(o.endedAt))}`}
                </td>
                <td className="num">
                  <OutageDuration outage={o} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
