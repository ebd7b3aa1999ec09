// The outage log of the report: filters, newest first, a row opens the acknowledgement form; the
// acknowledgement is offered only where the server would accept it (the user's role and units).
import { Fragment, useMemo, useState } from 'react';
import type { MeetingReport, OutageNote, ReportOutage } from '../../../../shared/report';
import { formatDateTimeSec, formatDurationWords } from '../../../../shared/time';
import { useMe } from '../../hooks/useAuth';
import { mayOnPoint } from '../../lib/permissions';
import {
  NO_FILTER,
  durationIn,
  filterOutages,
  newestFirst,
  subtreeIndex,
  type OutageFilter,
} from '../../lib/reportFilters';
import { useI18n } from '../../i18n/context';
import { OutageFilters } from './OutageFilters';
import { OutageNoteEditor } from './OutageNoteEditor';
import { outageLabel } from '../../lib/outages';

const SHOWN = 300;

export function OutageLog({
  report,
  onSaved,
  onChart,
}: {
  report: MeetingReport;
  onSaved: (n: OutageNote) => void;
  onChart: (code: string) => void;
}) {
  const { t, lang } = useI18n();
  const me = useMe();
  const c = t.report.log.columns;
  const [filter, setFilter] = useState<OutageFilter>(NO_FILTER);
  const [open, setOpen] = useState<number | null>(null);
  const subtrees = useMemo(() => subtreeIndex(report.units), [report.units]);
  const unitsById = useMemo(() => new Map(report.units.map((u) => [u.id, u])), [report.units]);
  const rows = useMemo(
    () => newestFirst(filterOutages(report.outages, filter, subtrees)),
    [report.outages, filter, subtrees],
  );
  const may = (o: ReportOutage): boolean => o.unit !== null && mayOnPoint(me, 'outage:acknowledge', o.unit, unitsById);
  return (
    <section className="rp-log" data-testid="outage-log">
      <header className="rp-section-head">
        <h3>{t.report.log.title}</h3>
        <span className="muted" data-testid="outage-count">
          {t.report.log.count(rows.length, report.outages.length)}
        </span>
      </header>
      <OutageFilters value={filter} onChange={setFilter} units={report.units} />
      {rows.length === 0 ? (
        <p className="empty">{t.report.log.empty}</p>
      ) : (
        <table className="rp-table">
          <thead>
            <tr>
              <th>{c.start}</th>
              <th>{c.point}</th>
              <th>{c.unit}</th>
              <th>{c.type}</th>
              <th className="num">{c.duration}</th>
              <th>{c.cause}</th>
              <th>{c.note}</th>
              <th>{c.by}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, SHOWN).map((o) => (
              <Fragment key={o.id}>
                <tr
                  data-testid="outage-row"
                  data-outage={o.id}
                  className={`${o.open ? 'open' : ''}${open === o.id ? ' selected' : ''} type-${o.type}`}
                  onClick={() => setOpen(open === o.id ? null : o.id)}
                >
                  <td>{formatDateTimeSec(Date.parse(o.startedAt))}</td>
                  <td>{o.pointName}</td>
                  <td>{o.unitName ?? ''}</td>
                  <td>{outageLabel(t, o)}</td>
                  <td className="num">
                    {formatDurationWords(durationIn(o, filter.phase), lang)}
                    {o.open && <span className="muted"> ({t.report.log.open})</span>}
                  </td>
                  <td data-testid="outage-cause">{o.note?.cause ? t.report.cause[o.note.cause] : ''}</td>
                  <td className="rp-note-cell">{o.note?.note ?? ''}</td>
                  <td>
                    {o.note ? (
                      (o.note.acknowledgedByName ?? o.note.acknowledgedBy)
                    ) : (
                      <span className="muted">{t.report.log.unacknowledged}</span>
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      onClick={(e) => {
                        e.stopPropagation();
                        onChart(o.point);
                      }}
                    >
                      {t.report.log.chart}
                    </button>
                  </td>
                </tr>
                {open === o.id && (
                  <tr className="rp-editor-row">
                    <td colSpan={9}>
                      <OutageNoteEditor outage={o} canEdit={may(o)} onSaved={onSaved} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
