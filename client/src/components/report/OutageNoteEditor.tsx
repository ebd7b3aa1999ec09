// Acknowledge an outage, set its cause and note (REST PUT; the server checks the user's units too),
// and see who changed what, when. A note saved elsewhere meanwhile replaces an untouched form.
import { useEffect, useState } from 'react';
import {
  CAUSES,
  MAX_NOTE_LENGTH,
  type Cause,
  type OutageNote,
  type OutageNoteChange,
  type ReportOutage,
} from '../../../../shared/report';
import { formatDateTimeSec } from '../../../../shared/time';
import { reportApi } from '../../lib/reportApi';
import { ApiError } from '../../live/api';
import { useI18n } from '../../i18n/context';

type Status =
  { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; changed: boolean } | { kind: 'error'; message: string };

const at = (iso: string): string => formatDateTimeSec(Date.parse(iso));

export function OutageNoteEditor({
  outage,
  canEdit,
  onSaved,
}: {
  outage: ReportOutage;
  canEdit: boolean;
  onSaved: (n: OutageNote) => void;
}) {
  const { t } = useI18n();
  const m = t.report.note;
  const current = outage.note;
  const [cause, setCause] = useState<Cause | ''>(current?.cause ?? '');
  const [note, setNote] = useState(current?.note ?? '');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const dirty = cause !== (current?.cause ?? '') || note.trim() !== (current?.note ?? '');

  // Someone else's save: shown at once unless this form has changes of its own (state adjusted while
  // rendering, as React recommends for a prop that changes).
  const stamp = current?.updatedAt ?? '';
  const [seen, setSeen] = useState(stamp);
  if (seen !== stamp) {
    setSeen(stamp);
    if (!dirty) {
      setCause(current?.cause ?? '');
      setNote(current?.note ?? '');
    }
  }

  const save = (): void => {
    setStatus({ kind: 'saving' });
    reportApi
      .saveNote(outage.id, { cause: cause === '' ? null : cause, note })
      .then((r) => {
        if (r.note) onSaved(r.note);
        setStatus({ kind: 'saved', changed: r.changed });
      })
      .catch((err: unknown) => {
        const message =
          err instanceof ApiError && Object.keys(err.fields).length > 0
            ? Object.values(err.fields).join('; ')
            : err instanceof Error
              ? err.message
              : String(err);
        setStatus({ kind: 'error', message });
      });
  };

  return (
    <div className="rp-note" data-testid="note-editor" data-outage={outage.id}>
      {current && (
        <p className="muted">
          {m.acknowledged(current.acknowledgedByName ?? current.acknowledgedBy, at(current.acknowledgedAt))}
        </p>
      )}
      {canEdit ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label>
            {m.cause}
            <select data-testid="note-cause" value={cause} onChange={(e) => setCause(e.target.value as Cause | '')}>
              <option value="">{m.none}</option>
              {CAUSES.map((c) => (
                <option key={c} value={c}>
                  {t.report.cause[c]}
                </option>
              ))}
            </select>
          </label>
          <label className="rp-note-text">
            {m.note}
            <textarea
              data-testid="note-text"
              value={note}
              maxLength={MAX_NOTE_LENGTH}
              rows={2}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <button type="submit" className="primary-button" data-testid="note-save" disabled={status.kind === 'saving'}>
            {status.kind === 'saving' ? m.saving : current ? m.saveEdit : m.save}
          </button>
          <span className="rp-note-status" role="status" data-testid="note-status">
            {status.kind === 'saved' ? (status.changed ? m.saved : m.unchanged) : ''}
          </span>
          {status.kind === 'error' && (
            <span className="error" role="alert">
              {status.message}
            </span>
          )}
        </form>
      ) : (
        <p className="muted" data-testid="note-readonly">
          {m.readOnly}
        </p>
      )}
      {/* Fetched again whenever the note changes (here or elsewhere). */}
      <NoteHistory key={stamp} outageId={outage.id} />
    </div>
  );
}

function NoteHistory({ outageId }: { outageId: number }) {
  const { t } = useI18n();
  const m = t.report.note;
  const [history, setHistory] = useState<OutageNoteChange[] | null>(null);
  useEffect(() => {
    const c = new AbortController();
    reportApi
      .note(outageId, c.signal)
      .then((r) => setHistory(r.history))
      .catch(() => undefined);
    return () => c.abort();
  }, [outageId]);
  if (!history || history.length === 0) return null;
  return (
    <details className="rp-history" open={history.length <= 3}>
      <summary>{m.history}</summary>
      <ol data-testid="note-history">
        {history.map((h) => (
          <li key={h.id}>
            <span className="muted">{m.change(h.byName ?? h.by, at(h.at))}</span>
            {h.acknowledged && <strong> · {m.firstAck}</strong>}
            {h.cause.from !== h.cause.to && (
              <span>
                {' '}
                · {m.cause}: {h.cause.from ? t.report.cause[h.cause.from] : m.empty} →{' '}
                {h.cause.to ? t.report.cause[h.cause.to] : m.empty}
              </span>
            )}
            {h.note.from !== h.note.to && (
              <span>
                {' '}
                · {m.note}: “{h.note.from || m.empty}” → “{h.note.to || m.empty}”
              </span>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
