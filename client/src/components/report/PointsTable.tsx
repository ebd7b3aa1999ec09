// The points' figures for the phase, lowest time up first; a row opens the point's chart.
import { useMemo, useState } from 'react';
import { formatMs, formatPct, type MeetingReport, type ReportPhase } from '../../../../shared/report';
import { formatDurationWords } from '../../../../shared/time';
import { troubleFirst } from '../../lib/reportView';
import { useI18n } from '../../i18n/context';

const PAGE = 50;

export function PointsTable({
  report,
  phase,
  onChart,
}: {
  report: MeetingReport;
  phase: ReportPhase;
  onChart: (code: string) => void;
}) {
  const { t, lang } = useI18n();
  const vi = lang === 'vi';
  const f = t.report.figures;
  const [shown, setShown] = useState(PAGE);
  const points = useMemo(() => troubleFirst(report.points, phase), [report.points, phase]);
  return (
    <section className="rp-points" data-testid="points-table">
      <header className="rp-section-head">
        <h3>{t.report.points.title}</h3>
        <span className="muted">{t.report.points.sort}</span>
      </header>
      <table className="rp-table">
        <thead>
          <tr>
            <th>{t.report.log.columns.point}</th>
            <th>{t.report.log.columns.unit}</th>
            <th className="num">{f.up}</th>
            <th className="num">{f.degraded}</th>
            <th className="num">{f.down}</th>
            <th className="num">{f.unknown}</th>
            <th className="num">{f.downCount}</th>
            <th className="num">{f.downtime}</th>
            <th className="num">{f.rtt}</th>
            <th className="num">{f.loss}</th>
          </tr>
        </thead>
        <tbody>
          {points.slice(0, shown).map((p) => {
            const x = p[phase];
            return (
              <tr key={p.code} data-testid="point-row" data-point={p.code} onClick={() => onChart(p.code)}>
                <td>{p.name}</td>
                <td>{p.unitName}</td>
                <td className="num">{x ? formatPct(x.upPct, vi) : '—'}</td>
                <td className="num">{x ? formatPct(x.degradedPct, vi) : '—'}</td>
                <td className="num">{x ? formatPct(x.downPct, vi) : '—'}</td>
                <td className="num">{x ? formatPct(x.unknownPct, vi) : '—'}</td>
                <td className="num">{x ? x.downCount : '—'}</td>
                <td className="num">{x ? formatDurationWords(x.downMs, lang) : '—'}</td>
                <td className="num">{x ? `${formatMs(x.rttMedian, vi)} / ${formatMs(x.rttP95, vi)}` : '—'}</td>
                <td className="num">{x ? formatPct(x.lossPct, vi) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {points.length > shown && (
        <button type="button" className="toolbar-button" onClick={() => setShown(shown + PAGE * 4)}>
          {t.report.points.more(points.length - shown)}
        </button>
      )}
    </section>
  );
}
