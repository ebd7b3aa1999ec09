// What the cursor is on, in words, with the same actions as the keys for those who use a mouse.
import { forwardRef } from 'react';
import {
  LINE_STABLE_MS,
  type ChecklistItemDef,
  type ChecklistPoint,
  type ItemResult,
} from '../../../../shared/checklist';
import { formatDateTime } from '../../../../shared/time';
import { telHref } from '../../lib/checklistBoard';
import type { ChecklistStore } from '../../lib/checklistStore';
import { useI18n } from '../../i18n/context';
import { NoteEditor } from './NoteEditor';
import { usePointMarks } from './useChecklistLive';

export const ActiveCell = forwardRef<
  HTMLAnchorElement,
  {
    point: ChecklistPoint;
    item: ChecklistItemDef;
    store: ChecklistStore;
    editing: boolean;
    onSet: (result: ItemResult) => void;
    onNote: (note: string | null) => void;
    onEdit: (on: boolean) => void;
  }
>(function ActiveCell({ point, item, store, editing, onSet, onNote, onEdit }, callRef) {
  const { t } = useI18n();
  usePointMarks(store, point.code);
  const mark = store.item(point.code, item.key);
  // [CL11] A codec item of a point with a codec is the server's, like an automatic one.
  const byCodec = item.codec !== null && point.hasCodec;
  const writable = store.mayWrite(point.code) && item.mode === 'manual' && !byCodec;
  const phone = point.technician?.phone ?? null;
  const actions: [ItemResult, string][] = [
    ['pass', t.checklist.actions.pass],
    ['fail', t.checklist.actions.fail],
    ['na', t.checklist.actions.na],
    ['pending', t.checklist.actions.clear],
  ];
  return (
    <section className="cl-active" data-testid="checklist-active" aria-live="polite">
      <div className="cl-active-what">
        <strong>
          {point.name} · {item.label}
        </strong>
        <span className={`cl-result r-${mark.result}`} data-testid="checklist-active-result">
          {t.checklist.result[mark.result]}
        </span>
        {mark.by && mark.at && (
          <span className="muted">{t.checklist.by(mark.by, formatDateTime(Date.parse(mark.at)))}</span>
        )}
        {mark.note && <span className="cl-note">“{mark.note}”</span>}
        {byCodec && (
          <span className="cl-auto-explain" data-testid="checklist-auto-explain">
            {t.checklist.autoExplain.codec(
              (item.codec === 'video' ? t.targets.media.video : t.targets.media.audio).toLowerCase(),
            )}{' '}
            <span className="muted">{t.checklist.automaticRefused(item.label)}</span>
          </span>
        )}
        {item.mode === 'automatic' && (
          <span className="cl-auto-explain" data-testid="checklist-auto-explain">
            {item.rule === 'line'
              ? t.checklist.autoExplain.line(Math.round(LINE_STABLE_MS / 1000))
              : item.rule === 'backup'
                ? t.checklist.autoExplain.backup
                : item.hint}{' '}
            <span className="muted">{t.checklist.automaticRefused(item.label)}</span>
          </span>
        )}
      </div>
      <div className="button-row">
        {writable &&
          actions.map(([r, label]) => (
            <button
              key={r}
              type="button"
              className={`toolbar-button cl-set r-${r}`}
              aria-pressed={mark.result === r}
              onClick={() => onSet(r)}
            >
              {label}
            </button>
          ))}
        {writable && !editing && (
          <button type="button" className="toolbar-button" onClick={() => onEdit(true)}>
            {t.checklist.note.open}
          </button>
        )}
        {phone ? (
          <a ref={callRef} className="toolbar-button cl-call-button" href={telHref(phone)} data-testid="checklist-call">
            ☎ {t.checklist.call(point.technician?.name ?? '')} ({phone})
          </a>
        ) : (
          <span className="muted">{t.checklist.noPhone}</span>
        )}
      </div>
      {editing && writable && (
        <NoteEditor
          key={`${point.code}/${item.key}`}
          initial={mark.note ?? ''}
          onSave={(note) => onNote(note.trim() === '' ? null : note)}
          onCancel={() => onEdit(false)}
        />
      )}
    </section>
  );
});
