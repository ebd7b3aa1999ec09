// Điểm danh: the two lists the server took on its own (T−10 min, start) and, per point, the manual
// confirmation (present / absent), versioned like the items.
import { memo, useSyncExternalStore } from 'react';
import type {
  ChecklistPoint,
  ChecklistSnapshot,
  RollCallCapture,
  RollCallMoment,
  RollCallStatus,
} from '../../../../shared/checklist';
import { formatTime } from '../../../../shared/time';
import type { ChecklistLive } from '../../lib/checklistLive';
import type { ChecklistStore } from '../../lib/checklistStore';
import { useI18n } from '../../i18n/context';
import { StateIcon } from '../StateIcon';
import { useChecklistVersion } from './useChecklistLive';

const MOMENTS: readonly RollCallMoment[] = ['before', 'start'];
const CONFIRM: readonly RollCallStatus[] = ['present', 'absent', 'pending'];

export function RollCallPanel({ live, snap }: { live: ChecklistLive; snap: ChecklistSnapshot }) {
  const { t } = useI18n();
  const store = live.store;
  useChecklistVersion(store);
  const captures = store.capturesList();
  const byMoment = new Map(captures.map((c) => [c.moment, c]));
  const entries = new Map(
    MOMENTS.map((m) => [m, new Map((byMoment.get(m)?.entries ?? []).map((e) => [e.code, e]))] as const),
  );
  const present = snap.points.filter((p) => store.rollCallOf(p.code).status === 'present').length;
  const heading = (m: RollCallMoment): string => {
    const c = byMoment.get(m);
    const label = m === 'before' ? t.checklist.rollCall.before : t.checklist.rollCall.start;
    if (!c) return `${label}: ${t.checklist.rollCall.due(formatTime(Date.parse(snap.rollCall.dueAt[m])).slice(0, 5))}`;
    const at = formatTime(Date.parse(c.capturedAt));
    const late = Date.parse(c.capturedAt) - Date.parse(c.dueAt) > 60_000;
    const connected = c.entries.filter((e) => e.connected).length;
    return `${label} (${late ? t.checklist.rollCall.late(at) : t.checklist.rollCall.taken(at)}): ${t.checklist.rollCall.counts(connected, c.entries.length)}`;
  };
  return (
    <section className="cl-rollcall" data-testid="rollcall-panel">
      <ul className="cl-rollcall-summary">
        {MOMENTS.map((m) => (
          <li key={m} data-testid={`rollcall-${m}`}>
            {heading(m)}
          </li>
        ))}
        <li data-testid="rollcall-confirmed">{t.checklist.rollCall.confirmed(present, snap.points.length)}</li>
      </ul>
      <table className="cl-rollcall-table">
        <thead>
          <tr>
            <th>{t.checklist.columns.point}</th>
            <th>{t.checklist.rollCall.before}</th>
            <th>{t.checklist.rollCall.start}</th>
            <th>{t.checklist.rollCall.confirmation}</th>
          </tr>
        </thead>
        <tbody>
          {snap.points.map((p) => (
            <RollCallRow
              key={p.code}
              point={p}
              store={store}
              live={live}
              before={entries.get('before')!.get(p.code)}
              start={entries.get('start')!.get(p.code)}
              taken={{ before: byMoment.has('before'), start: byMoment.has('start') }}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Entry = RollCallCapture['entries'][number] | undefined;

const RollCallRow = memo(function RollCallRow({
  point,
  store,
  live,
  before,
  start,
  taken,
}: {
  point: ChecklistPoint;
  store: ChecklistStore;
  live: ChecklistLive;
  before: Entry;
  start: Entry;
  taken: Record<RollCallMoment, boolean>;
}) {
  const { t } = useI18n();
  useSyncExternalStore(
    (cb) => store.subscribePoint(point.code, cb),
    () => store.rollCallHeld(point.code),
  );
  const mark = store.rollCallOf(point.code);
  const cell = (e: Entry, wasTaken: boolean) =>
    !wasTaken ? (
      <td className="muted">—</td>
    ) : e ? (
      <td className={e.connected ? 'cl-connected' : 'cl-not-connected'} data-in-call={e.inCall ?? undefined}>
        <StateIcon state={e.state} />{' '}
        {!e.connected
          ? t.checklist.rollCall.notConnected
          : e.inCall === true
            ? t.checklist.rollCall.inCall
            : e.inCall === false
              ? t.checklist.rollCall.notInCall
              : t.checklist.rollCall.connected}
      </td>
    ) : (
      <td className="muted">{t.checklist.rollCall.absentFromList}</td>
    );
  const writable = store.mayWrite(point.code);
  return (
    <tr data-testid={`rollcall-row-${point.code}`} data-status={mark.status}>
      <th scope="row">
        <span className="cl-code">{point.code}</span> {point.name}
      </th>
      {cell(before, taken.before)}
      {cell(start, taken.start)}
      <td>
        <div className="button-row">
          {writable
            ? CONFIRM.map((s) => (
                <button
                  key={s}
                  type="button"
                  className={`toolbar-button cl-confirm s-${s}`}
                  aria-pressed={mark.status === s}
                  data-testid={`rollcall-${point.code}-${s}`}
                  onClick={() => live.confirm(point.code, { status: s })}
                >
                  {t.checklist.rollCall.status[s]}
                </button>
              ))
            : t.checklist.rollCall.status[mark.status]}
          {mark.by && <span className="muted">{mark.by}</span>}
        </div>
      </td>
    </tr>
  );
});
