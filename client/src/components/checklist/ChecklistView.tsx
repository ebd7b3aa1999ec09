// The line-test view (#checklist): the readiness board and the roll call of the chosen meeting, the
// exports, and the notices of conflicts. Live on a socket of its own while it is open.
import { useState } from 'react';
import { useObservable } from '../../hooks/useObservable';
import { useI18n } from '../../i18n/context';
import { BoardPane } from './BoardPane';
import { ChecklistNotice } from './ChecklistNotice';
import { RollCallPanel } from './RollCallPanel';
import { useChecklistLive } from './useChecklistLive';
import type { ChecklistLive } from '../../lib/checklistLive';
// oxlint-disable-next-line import/no-unassigned-import -- the view's own styles, bundled by Vite
import './checklist.css';
import { Tabs } from '../Tabs';

const TABS = ['board', 'rollCall'] as const;
type Tab = (typeof TABS)[number];

export function ChecklistView({ meetingId, search }: { meetingId: string | null; search: string }) {
  const { t } = useI18n();
  const live = useChecklistLive(meetingId);
  if (meetingId === null) {
    return (
      <main className="checklist" data-testid="checklist-view">
        <p className="empty">{t.checklist.noMeeting}</p>
      </main>
    );
  }
  return <Loaded live={live} meetingId={meetingId} search={search} />;
}

function Loaded({ live, meetingId, search }: { live: ChecklistLive; meetingId: string; search: string }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('board');
  const state = useObservable(live.state);
  const notice = useObservable(live.notice);
  const connected = useObservable(live.connected);
  const saving = useObservable(live.saving);
  // The snapshot changes only on a (re)join (a new `state`); marks change inside the store.
  const snap = live.store.snapshot();
  const base = `/api/meetings/${encodeURIComponent(meetingId)}`;
  return (
    <main className="checklist" data-testid="checklist-view" data-state={state.kind}>
      <div className="cl-top">
        <Tabs
          keys={TABS}
          active={tab}
          label={t.checklist.title}
          testIdPrefix="checklist-tab"
          render={(k) => t.checklist.tabs[k]}
          onSelect={setTab}
        />
        <span className="cl-saving muted" aria-live="polite">
          {saving > 0 ? t.checklist.saving : ''}
        </span>
        <div className="button-row cl-exports">
          <a className="toolbar-button" href={`${base}/checklist.xlsx`} download data-testid="checklist-export-xlsx">
            {t.checklist.export.xlsx}
          </a>
          <a className="toolbar-button" href={`${base}/checklist.csv`} download data-testid="checklist-export-csv">
            {t.checklist.export.checklistCsv}
          </a>
          <a className="toolbar-button" href={`${base}/rollcall.csv`} download data-testid="rollcall-export-csv">
            {t.checklist.export.rollCallCsv}
          </a>
        </div>
      </div>
      {!connected && state.kind !== 'idle' && (
        <p className="notice warn" role="status">
          {t.checklist.offline}
        </p>
      )}
      {notice && snap && (
        <ChecklistNotice
          notice={notice}
          items={snap.template.items}
          points={new Map(snap.points.map((p) => [p.code, p]))}
          onDismiss={() => live.dismissNotice()}
        />
      )}
      {state.kind === 'error' ? (
        <p className="empty error">{`${t.checklist.loadError}: ${state.message}`}</p>
      ) : state.kind !== 'ready' || !snap ? (
        <p className="empty">{t.checklist.loading}</p>
      ) : tab === 'board' ? (
        <BoardPane key={snap.meetingId} live={live} snap={snap} search={search} />
      ) : (
        <RollCallPanel live={live} snap={snap} />
      )}
    </main>
  );
}
