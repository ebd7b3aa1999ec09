// A conflict (someone else changed the item first) or a failed save: said plainly, with the value
// that now stands, until dismissed.
import type { ChecklistItemDef, ChecklistPoint, ItemResult, RollCallStatus } from '../../../../shared/checklist';
import { formatTime } from '../../../../shared/time';
import type { ChecklistNotice as Notice } from '../../lib/checklistLive';
import { useI18n } from '../../i18n/context';

export function ChecklistNotice({
  notice,
  items,
  points,
  onDismiss,
}: {
  notice: Notice;
  items: readonly ChecklistItemDef[];
  points: ReadonlyMap<string, ChecklistPoint>;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  const c = t.checklist;
  const pointName = points.get(notice.point)?.name ?? notice.point;
  const word = (v: ItemResult | RollCallStatus, rollCall: boolean): string =>
    rollCall ? c.rollCall.status[v as RollCallStatus] : c.result[v as ItemResult];
  if (notice.kind === 'error') {
    return (
      <div className="notice warn cl-notice" role="alert" data-testid="checklist-error">
        <span>{`${pointName}: ${c.failed(notice.message)}`}</span>
        <button type="button" onClick={onDismiss}>
          {c.dismiss}
        </button>
      </div>
    );
  }
  const rollCall = notice.item === null;
  const what = rollCall ? c.rollCall.title : (items.find((i) => i.key === notice.item)?.label ?? notice.item ?? '');
  const current = notice.current;
  const value = 'result' in current ? current.result : current.status;
  const when = current.at ? formatTime(Date.parse(current.at)) : '—';
  return (
    <div className="notice warn cl-notice" role="alert" data-testid="checklist-conflict">
      <div>
        <strong>{c.conflict.title}</strong>
        <p data-testid="checklist-conflict-body">
          {c.conflict.body(what, pointName, word(value, rollCall), current.by ?? '—', when)}
        </p>
        {notice.wanted !== null && <p className="muted">{c.conflict.wanted(word(notice.wanted, rollCall))}</p>}
      </div>
      <button type="button" data-testid="checklist-conflict-dismiss" onClick={onDismiss}>
        {c.dismiss}
      </button>
    </div>
  );
}
