// The phase's figures for the whole meeting, as cards: the same numbers as the exports. Two groups, so
// that a count never sits among percentages: shares of the time (%), then counts, durations in words
// and latency.
import { formatMs, formatPct, type AggregateFigures } from '../../../../shared/report';
import { formatDurationWords } from '../../../../shared/time';
import { useI18n } from '../../i18n/context';

interface Card {
  key: string;
  label: string;
  value: string;
  sub?: string;
  tone?: string;
}

export function ReportSummary({ f }: { f: AggregateFigures }) {
  const { t, lang } = useI18n();
  const vi = lang === 'vi';
  const fig = t.report.figures;
  const words = (ms: number): string => formatDurationWords(ms, lang);
  const shares: Card[] = [
    { key: 'up', label: fig.up, value: formatPct(f.upPct, vi), tone: 'up' },
    { key: 'degraded', label: fig.degraded, value: formatPct(f.degradedPct, vi), tone: 'degraded' },
    { key: 'down', label: fig.down, value: formatPct(f.downPct, vi), tone: 'down' },
    { key: 'unknown', label: fig.unknown, value: formatPct(f.unknownPct, vi), tone: 'unknown' },
    { key: 'reachable', label: fig.reachable, value: formatPct(f.reachablePct, vi) },
    { key: 'loss', label: fig.loss, value: formatPct(f.lossPct, vi) },
  ];
  const counts: Card[] = [
    { key: 'points', label: fig.points, value: String(f.points), sub: fig.pointsUnknown(f.pointsUnknown) },
    { key: 'period', label: fig.periodPerPoint, value: words(f.points > 0 ? f.periodMs / f.points : 0) },
    { key: 'downCount', label: fig.downCount, value: String(f.downCount), sub: fig.pointsWithDown(f.pointsWithDown) },
    {
      key: 'downtime',
      label: fig.downtime,
      value: words(f.downMs),
      sub: `${fig.downtimeSum}; ${fig.longest}: ${words(f.longestDownMs)}`,
    },
    { key: 'severe', label: fig.severeCount, value: String(f.severeCount) },
    { key: 'rtt', label: fig.rtt, value: `${formatMs(f.rttMedian, vi)} / ${formatMs(f.rttP95, vi)}` },
  ];
  const group = (key: string, title: string, cards: Card[]) => (
    <div className="rp-group" data-testid={`figures-${key}`} role="group" aria-label={title}>
      <h4 className="rp-group-title">{title}</h4>
      <div className="rp-cards">
        {cards.map((c) => (
          <div key={c.key} className={`rp-card${c.tone ? ` tone-${c.tone}` : ''}`} data-testid={`figure-${c.key}`}>
            <span className="rp-label">{c.label}</span>
            <strong data-testid={c.key === 'points' ? 'report-points' : undefined}>{c.value}</strong>
            {c.sub && <span className="rp-sub muted">{c.sub}</span>}
          </div>
        ))}
      </div>
    </div>
  );
  return (
    <section className="rp-summary" data-testid="report-summary" aria-label={t.report.title}>
      {group('shares', fig.shares, shares)}
      {group('counts', fig.counts, counts)}
    </section>
  );
}
