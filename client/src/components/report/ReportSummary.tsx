// The phase's figures for the whole meeting, as cards: the same numbers as the exports.
import { formatMs, formatPct, type AggregateFigures } from '../../../../shared/report';
import { formatDuration } from '../../../../shared/time';
import { useI18n } from '../../i18n/context';

export function ReportSummary({ f }: { f: AggregateFigures }) {
  const { t, lang } = useI18n();
  const vi = lang === 'vi';
  const fig = t.report.figures;
  const cards: { key: string; label: string; value: string; sub?: string; tone?: string }[] = [
    { key: 'up', label: fig.up, value: formatPct(f.upPct, vi), tone: 'up' },
    { key: 'degraded', label: fig.degraded, value: formatPct(f.degradedPct, vi), tone: 'degraded' },
    { key: 'down', label: fig.down, value: formatPct(f.downPct, vi), tone: 'down' },
    {
      key: 'unknown',
      label: fig.unknown,
      value: formatPct(f.unknownPct, vi),
      tone: 'unknown',
      sub: fig.pointsUnknown(f.pointsUnknown),
    },
    { key: 'reachable', label: fig.reachable, value: formatPct(f.reachablePct, vi) },
    { key: 'downCount', label: fig.downCount, value: String(f.downCount), sub: fig.pointsWithDown(f.pointsWithDown) },
    {
      key: 'downtime',
      label: fig.downtime,
      value: formatDuration(f.downMs),
      sub: `${fig.longest}: ${formatDuration(f.longestDownMs)}`,
    },
    { key: 'severe', label: fig.severeCount, value: String(f.severeCount) },
    { key: 'rtt', label: fig.rtt, value: `${formatMs(f.rttMedian, vi)} / ${formatMs(f.rttP95, vi)}` },
    { key: 'loss', label: fig.loss, value: formatPct(f.lossPct, vi) },
  ];
  return (
    <section className="rp-summary" data-testid="report-summary" aria-label={t.report.title}>
      <div className="rp-card rp-points">
        <span className="rp-label">{fig.points}</span>
        <strong data-testid="report-points">{f.points}</strong>
      </div>
      {cards.map((c) => (
        <div key={c.key} className={`rp-card${c.tone ? ` tone-${c.tone}` : ''}`} data-testid={`figure-${c.key}`}>
          <span className="rp-label">{c.label}</span>
          <strong>{c.value}</strong>
          {c.sub && <span className="rp-sub muted">{c.sub}</span>}
        </div>
      ))}
    </section>
  );
}
