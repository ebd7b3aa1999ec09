// [NV5] The meeting by region ("Theo tỉnh" for a national meeting): the regions of the dashboard's
// overview with their figures for the phase, in inventory order or the worst first; a region's name
// opens its own report.
import { useMemo, useState } from 'react';
import { formatPct, worstFirst, type MeetingReport, type ReportPhase } from '../../../../shared/report';
import { formatDurationWords } from '../../../../shared/time';
import { useI18n } from '../../i18n/context';

export function RegionsTable({
  report,
  phase,
  onOpen,
}: {
  report: MeetingReport;
  phase: ReportPhase;
  onOpen: (unit: string) => void;
}) {
  const { t, lang } = useI18n();
  const w = t.report.regions;
  const [worst, setWorst] = useState(false);
  const all = useMemo(() => report.regions ?? [], [report.regions]);
  const regions = useMemo(() => (worst ? worstFirst(all, phase) : all), [all, worst, phase]);
  if (all.length < 2) return null;
  // The regions are siblings: the level of any but the host unit's own points.
  const level = (all.find((g) => !g.own) ?? all[0]!).level;
  const count = (n: number): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  return (
    <section className="rp-regions" data-testid="regions-table">
      <header className="rp-section-head">
        <h3>{w.title[level]}</h3>
        <label className="muted">
          <input
            type="checkbox"
            checked={worst}
            onChange={(e) => setWorst(e.target.checked)}
            data-testid="regions-worst"
          />{' '}
          {w.worstFirst}
        </label>
      </header>
      <table className="rp-table">
        <thead>
          <tr>
            <th>{w.region}</th>
            <th className="num">{w.points}</th>
            <th className="num">{t.report.figures.reachable}</th>
            <th className="num">{w.downtime}</th>
            <th className="num">{w.outages}</th>
            <th className="num">{w.pointsWithDown}</th>
          </tr>
        </thead>
        <tbody>
          {regions.map((g) => {
            const f = g[phase];
            const name = g.own ? t.report.units.own(g.name) : g.name;
            return (
              <tr key={`${g.id}${g.own ? '#own' : ''}`} data-testid="region-row" data-region={g.id}>
                <td>
                  {g.own ? (
                    name
                  ) : (
                    <button
                      type="button"
                      className="link-button"
                      title={w.open(g.name)}
                      onClick={() => onOpen(g.id)}
                      data-testid="region-open"
                    >
                      {name}
                    </button>
                  )}
                </td>
                <td className="num">{count(g.points)}</td>
                <td className="num">{f ? formatPct(f.reachablePct, lang === 'vi') : '—'}</td>
                <td className="num">{f ? formatDurationWords(f.downMs, lang) : '—'}</td>
                <td className="num">{f ? count(f.downCount) : '—'}</td>
                <td className="num">{f ? count(f.pointsWithDown) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
