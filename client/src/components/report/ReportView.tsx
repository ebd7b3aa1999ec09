// The post-meeting report (#report): the chosen meeting's figures for the line test or the session,
// the charts, the outage log with acknowledgements, the points, and the downloads. The numbers are
// the server's (GET /api/meetings/:id/report), the same as in the PDF and the spreadsheets. A region
// (NV5) opens its own report (`?unit=`) from the regions table or the selector.
import { useMemo, useState } from 'react';
import { REPORT_PHASES, type MeetingReport, type ReportPhase } from '../../../../shared/report';
import { formatDateTimeSec } from '../../../../shared/time';
import { defaultPhase, unitBars } from '../../lib/reportView';
import { useI18n } from '../../i18n/context';
import { OutageLog } from './OutageLog';
import { PointTimeline } from './PointTimeline';
import { PointsTable } from './PointsTable';
import { RegionsTable } from './RegionsTable';
import { ReportExports } from './ReportExports';
import { ReportSummary } from './ReportSummary';
import { StatesChart } from './StatesChart';
import { UnitsChart } from './UnitsChart';
import { useReport } from './useReport';
// oxlint-disable-next-line import/no-unassigned-import -- the view's own styles, bundled by Vite
import './report.css';
import { Tabs } from '../Tabs';

export function ReportView({ meetingId }: { meetingId: string | null }) {
  const { t } = useI18n();
  if (meetingId === null) {
    return (
      <main className="report" data-testid="report-view">
        <p className="empty">{t.report.noMeeting}</p>
      </main>
    );
  }
  // A fresh pane (state, socket) for each meeting.
  return <ReportPane key={meetingId} meetingId={meetingId} />;
}

interface Choice {
  id: string;
  name: string;
}

function ReportPane({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const [unit, setUnit] = useState<string | null>(null);
  // The regions a reader may open: those of the whole meeting's report, kept while a region's is shown.
  const [choices, setChoices] = useState<Choice[]>([]);
  const [seen, setSeen] = useState<MeetingReport | null>(null);
  const { state, refresh, applyNote, lastLive } = useReport(meetingId, unit);
  const whole = state.kind === 'ready' && !state.report.scope ? state.report : null;
  // Derived while rendering (React's "state from the previous render"), not in an effect.
  if (whole && whole !== seen) {
    setSeen(whole);
    setChoices((whole.regions ?? []).filter((g) => !g.own).map((g) => ({ id: g.id, name: g.name })));
  }
  return (
    <main className="report" data-testid="report-view" data-state={state.kind}>
      {state.kind === 'loading' && <p className="empty">{t.report.loading}</p>}
      {state.kind === 'error' && <p className="empty error">{`${t.report.loadError}: ${state.message}`}</p>}
      {state.kind === 'ready' && (
        <Loaded
          key={`${state.report.meeting.id}:${state.report.scope?.unit ?? ''}`}
          report={state.report}
          unit={unit}
          choices={choices}
          onUnit={setUnit}
          refreshing={state.refreshing}
          onRefresh={refresh}
          onSaved={applyNote}
          liveBy={lastLive ? (lastLive.updatedByName ?? lastLive.updatedBy) : null}
        />
      )}
    </main>
  );
}

function Loaded({
  report,
  unit,
  choices,
  onUnit,
  refreshing,
  onRefresh,
  onSaved,
  liveBy,
}: {
  report: MeetingReport;
  unit: string | null;
  choices: readonly Choice[];
  onUnit: (unit: string | null) => void;
  refreshing: boolean;
  onRefresh: () => void;
  onSaved: Parameters<typeof OutageLog>[0]['onSaved'];
  liveBy: string | null;
}) {
  const { t } = useI18n();
  const [phase, setPhase] = useState<ReportPhase>(() => defaultPhase(report));
  const [chartPoint, setChartPoint] = useState<string | null>(null);
  const p = report.phases[phase];
  const summary = report.summary[phase];
  const timeline = report.timeline[phase];
  const range = useMemo(
    () => ({ from: Date.parse(p.from), to: p.coveredTo ? Date.parse(p.coveredTo) : Date.parse(p.to) }),
    [p.from, p.to, p.coveredTo],
  );
  const bars = useMemo(() => unitBars(report.units, phase, 40, t.report.units.own), [report.units, phase, t]);
  const point = chartPoint === null ? null : (report.points.find((x) => x.code === chartPoint) ?? null);
  const at = formatDateTimeSec(Date.parse(report.generatedAt));
  const showChart = (code: string): void => {
    setChartPoint(code);
    requestAnimationFrame(() =>
      document.querySelector('[data-testid="point-timeline"]')?.scrollIntoView({ block: 'nearest' }),
    );
  };
  return (
    <>
      <div className="rp-top">
        <Tabs
          keys={REPORT_PHASES}
          active={phase}
          label={t.report.title}
          testIdPrefix="report-phase"
          render={(k) => (
            <>
              {t.report.phase[k]} <span className="muted">({t.report.status[report.phases[k].status]})</span>
            </>
          )}
          onSelect={setPhase}
        />
        <span className="muted" data-testid="report-source">
          {report.source === 'snapshot' ? t.report.source.snapshot(at) : t.report.source.live(at)}
        </span>
        <button
          type="button"
          className="toolbar-button"
          onClick={onRefresh}
          disabled={refreshing}
          data-testid="report-refresh"
        >
          {t.report.refresh}
        </button>
        {(choices.length >= 2 || unit !== null) && (
          <label className="rp-scope-pick">
            <span className="muted">{t.report.scope.label}</span>{' '}
            <select
              value={unit ?? ''}
              onChange={(e) => onUnit(e.target.value === '' ? null : e.target.value)}
              disabled={refreshing}
              data-testid="report-unit"
            >
              <option value="">{t.report.scope.whole}</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
              {unit !== null && report.scope && !choices.some((c) => c.id === unit) && (
                <option value={unit}>{report.scope.name}</option>
              )}
            </select>
          </label>
        )}
        <ReportExports meetingId={report.meeting.id} unit={report.scope?.unit ?? null} />
      </div>
      {report.scope && (
        <p className="notice" data-testid="report-scope">
          {t.report.scope.of(report.scope.name)}{' '}
          <button type="button" className="link-button" onClick={() => onUnit(null)} data-testid="report-scope-back">
            {t.report.scope.back}
          </button>
        </p>
      )}
      {liveBy && (
        <p className="notice" role="status" data-testid="report-live-note">
          {t.report.note.live(liveBy)}
        </p>
      )}
      {summary ? <ReportSummary f={summary} /> : <p className="empty">{t.report.notStarted}</p>}
      {summary && timeline && (
        <div className="rp-charts">
          <StatesChart timeline={timeline} from={range.from} to={range.to} />
          {bars.length > 0 && <UnitsChart bars={bars} />}
        </div>
      )}
      {summary && <RegionsTable report={report} phase={phase} onOpen={onUnit} />}
      <OutageLog report={report} onSaved={onSaved} onChart={showChart} />
      {point && summary && (
        <section className="rp-point">
          <header className="rp-section-head">
            <h3>{t.report.charts.point}</h3>
            <button type="button" className="toolbar-button" onClick={() => setChartPoint(null)}>
              ✕
            </button>
          </header>
          <PointTimeline
            key={`${point.code}:${range.from}:${range.to}`}
            point={point}
            outages={report.outages}
            gaps={report.gaps}
            range={range}
            now={Date.parse(report.generatedAt)}
          />
        </section>
      )}
      {summary && <PointsTable report={report} phase={phase} onChart={showChart} />}
    </>
  );
}
