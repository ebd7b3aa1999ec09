import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ProblemPoint } from '../../../shared/overview';
import type { PointState } from '../../../shared/schemas';
import { chooseMeeting, meetingFromUrl, sortForPicker, urlWithMeeting } from '../lib/meetingPick';
import { may } from '../lib/permissions';
import { Observable } from '../lib/observable';
import { isLargeMeeting } from '../lib/overview';
import { clearPointHash, pointFromHash } from '../lib/pointLink';
import { PREF_KEYS, readPref, writePref } from '../lib/prefs';
import { askFor, AUTO, shownView, urlWithView, viewFromUrl, type ShownView } from '../lib/viewRoute';
import { useMe } from '../hooks/useAuth';
import { useHealth } from '../hooks/useHealth';
import { useMeetings } from '../hooks/useMeetings';
import { useObservable } from '../hooks/useObservable';
import { useBooleanPref } from '../hooks/usePref';
import { SelectionContext } from '../hooks/useSelection';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';
import { AdminView } from './AdminView';
import { ChecklistView } from './checklist/ChecklistView';
import { Alerts } from './Alerts';
import { GridPane } from './GridPane';
import { Header } from './Header';
import { MeetingPicker } from './MeetingPicker';
import { OutageFeed } from './OutageFeed';
import { OutdatedNotice } from './OutdatedNotice';
import { OverviewPane } from './overview/OverviewPane';
import { ViewBar } from './overview/ViewBar';
import { PointDetail } from './PointDetail';
import { StorageBanner } from './StorageBanner';

// The report view draws with Recharts: loaded when first opened, like the point charts.
const ReportView = lazy(() => import('./report/ReportView').then((m) => ({ default: m.ReportView })));

export function App() {
  const { t } = useI18n();
  const session = useSession();
  const { meetings, error: listError } = useMeetings();
  const health = useHealth();
  const meetingState = useObservable(session.meeting);
  // What the viewer asked for: the URL at load, then the picker.
  const [requested, setRequested] = useState(() => meetingFromUrl(window.location.search));
  // [NV4] Within the meeting: the whole grid, the overview by region or one region's grid (the address).
  const [ask, setAsk] = useState(() => viewFromUrl(window.location.search));
  const [search, setSearch] = useState('');
  const [stateFilter, setStateFilter] = useState<PointState | null>(null);
  const [muted, setMuted] = useBooleanPref(PREF_KEYS.muted, false);
  const [selection] = useState(() => new Observable<string | null>(null));
  // An alert's link (`/#point=CODE`, docs/ALERTS.md) opens that point's detail in the first meeting shown.
  const linked = useRef(pointFromHash(window.location.hash));
  const selected = useObservable(selection);
  // The admin tools are a view of their own, at #admin so that a reload stays there; only for admins.
  const mayAdmin = may(useMe(), 'inventory:write');
  const [adminAsked, setAdmin] = useState(() => window.location.hash === '#admin');
  const admin = adminAsked && mayAdmin;
  // The line-test checklist (issue 4) is a view of its own too, at #checklist; every role may read it.
  const [checklistAsked, setChecklist] = useState(() => window.location.hash === '#checklist');
  const checklist = checklistAsked && !admin;
  // The post-meeting report (issue 5), at #report; every role may read it.
  const [reportAsked, setReport] = useState(() => window.location.hash === '#report');
  const report = reportAsked && !admin && !checklist;
  const showAdmin = useCallback((on: boolean) => {
    setAdmin(on);
    setChecklist(false);
    setReport(false);
    const url = new URL(window.location.href);
    url.hash = on ? 'admin' : '';
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }, []);
  const showChecklist = useCallback((on: boolean) => {
    setChecklist(on);
    setAdmin(false);
    setReport(false);
    const url = new URL(window.location.href);
    url.hash = on ? 'checklist' : '';
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }, []);
  const showReport = useCallback((on: boolean) => {
    setReport(on);
    setAdmin(false);
    setChecklist(false);
    const url = new URL(window.location.href);
    url.hash = on ? 'report' : '';
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }, []);
  // Another meeting opens in its own default view.
  const pickMeeting = useCallback((id: string) => {
    setRequested(id);
    setAsk(AUTO);
    window.history.replaceState(null, '', urlWithView(window.location.href, AUTO));
  }, []);
  const openMeeting = useCallback(
    (id: string) => {
      pickMeeting(id);
      showAdmin(false);
    },
    [showAdmin, pickMeeting],
  );

  // The remembered meeting is re-read whenever the list changes: it is the one shown until now (the
  // effect below stores it), so a reloaded list never switches a wall display to another meeting.
  const choice = useMemo(
    () => (meetings ? chooseMeeting(meetings, requested, readPref(PREF_KEYS.meeting)) : { id: null, missing: null }),
    [meetings, requested],
  );
  const meetingId = choice.id;
  const listed = meetings?.find((m) => m.id === meetingId) ?? null;
  const large = isLargeMeeting(listed);
  const shown = shownView(ask, large);
  const unit = shown.kind === 'region' ? shown.unit : null;
  const overview = shown.kind === 'overview' && meetingId !== null;
  // The checklist's rows read every point's status: it keeps the whole meeting's grid joined, as before.
  const joinOverview = overview && !checklist;
  const joinUnit = checklist ? null : unit;

  // Keep the session, the URL and the remembered choice in step with the meeting shown.
  useEffect(() => {
    selection.set(meetingId !== null ? linked.current : null);
    if (meetingId !== null) {
      linked.current = null;
      writePref(PREF_KEYS.meeting, meetingId);
      window.history.replaceState(null, '', urlWithMeeting(window.location.href, meetingId));
    }
  }, [selection, meetingId]);

  // The overview or the grid (whole or a region's) on the session's socket, never both.
  useEffect(() => {
    if (joinOverview) {
      session.select(null);
      session.overview.select(meetingId);
    } else {
      session.overview.select(null);
      session.select(meetingId, joinUnit);
    }
  }, [session, meetingId, joinOverview, joinUnit]);

  // Moving between the overview and a region's grid is a step in the browser's history: Back returns.
  const go = useCallback(
    (view: ShownView, point: string | null = null) => {
      const next = askFor(view, large);
      setAsk(next);
      selection.set(point);
      const hash = point === null ? '' : `point=${encodeURIComponent(point)}`;
      window.history.pushState(null, '', urlWithView(window.location.href, next, hash));
    },
    [large, selection],
  );
  // A problem point opens its region's grid with its detail; the host unit's own points (the `own`
  // region) have no grid of their own: the whole grid of a small meeting, nothing in a large one.
  const openProblem = useCallback(
    (p: ProblemPoint) => {
      const s = session.overview.state.get();
      const own = s.kind === 'ready' && s.model.regions.some((r) => r.id === p.region && r.own);
      if (!own) go({ kind: 'region', unit: p.region }, p.code);
      else if (!large) go({ kind: 'grid' }, p.code);
    },
    [session, large, go],
  );
  useEffect(() => {
    const onPop = (): void => {
      const m = meetingFromUrl(window.location.search);
      if (m !== null) setRequested(m);
      setAsk(viewFromUrl(window.location.search));
      selection.set(pointFromHash(window.location.hash));
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [selection]);

  const closeDetail = useCallback(() => {
    selection.set(null);
    clearPointHash();
  }, [selection]);
  const data = meetingState.kind === 'ready' && !joinOverview ? meetingState.data : null;
  const regionName = unit === null ? null : (data?.unitsById.get(unit)?.name ?? unit);

  return (
    <SelectionContext.Provider value={selection}>
      <div className="app">
        <OutdatedNotice />
        <StorageBanner />
        <Header
          meeting={data?.meeting ?? listed}
          picker={
            <MeetingPicker
              meetings={meetings ? sortForPicker(meetings) : null}
              value={meetingId}
              loading={meetings === null}
              onChange={(id) => {
                pickMeeting(id);
                setStateFilter(null);
              }}
            />
          }
          health={health}
          muted={muted}
          onMuted={setMuted}
          search={search}
          onSearch={setSearch}
          stateFilter={stateFilter}
          onStateFilter={setStateFilter}
          admin={admin}
          onToggleAdmin={mayAdmin ? () => showAdmin(!admin) : undefined}
          checklist={checklist}
          onToggleChecklist={() => showChecklist(!checklist)}
          report={report}
          onToggleReport={() => showReport(!report)}
          overview={joinOverview}
        />
        {choice.missing && (
          <div className="notice warn" role="alert">
            {t.picker.notFound(choice.missing)}
          </div>
        )}
        {listError && (
          <div className="notice warn" role="alert">
            {`${t.errors.load}: ${listError}`}
          </div>
        )}
        {admin ? (
          <AdminView onOpenMeeting={openMeeting} />
        ) : checklist ? (
          <ChecklistView meetingId={meetingId} search={search} />
        ) : report ? (
          <Suspense fallback={<p className="empty">{t.report.loading}</p>}>
            <ReportView meetingId={meetingId} />
          </Suspense>
        ) : overview ? (
          <main className="body">
            <section className="overview-pane">
              <OverviewPane
                large={large}
                onRegion={(id) => go({ kind: 'region', unit: id })}
                onPoint={openProblem}
                onGrid={large ? null : () => go({ kind: 'grid' })}
              />
            </section>
          </main>
        ) : (
          <main className="body">
            <section className="grid-pane">
              {meetingId !== null && (
                <ViewBar
                  region={regionName}
                  points={data?.points.length ?? null}
                  onOverview={() => go({ kind: 'overview' })}
                />
              )}
              {data ? (
                <GridPane data={data} search={search} stateFilter={stateFilter} />
              ) : meetingState.kind === 'error' ? (
                <p className="empty error">{`${t.errors.load}: ${meetingState.message}`}</p>
              ) : (
                <p className="empty">
                  {meetingState.kind === 'loading'
                    ? t.grid.loading
                    : meetings !== null && meetings.length === 0
                      ? t.picker.none
                      : t.grid.noMeeting}
                </p>
              )}
            </section>
            <aside className="side">
              <OutageFeed pointsByCode={data?.pointsByCode ?? null} units={data?.units} grouping={data?.grouping} />
            </aside>
          </main>
        )}
        {!admin && !checklist && !report && data && selected !== null && data.pointsByCode.has(selected) && (
          <PointDetail key={selected} code={selected} data={data} onClose={closeDetail} />
        )}
        <Alerts muted={muted} data={data} onProblem={openProblem} />
      </div>
    </SelectionContext.Provider>
  );
}
