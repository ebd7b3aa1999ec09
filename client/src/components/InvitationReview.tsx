// The draft of one invitation as an editable form. Every extracted value shows the words it came
// from; "Tạo hội nghị" posts the meeting and puts the server's field errors next to their fields.
// An in-person meeting has no points to monitor: it says so and offers no creation.
import { useEffect, useState, type FormEvent } from 'react';
import type { ParsedInvitation } from '../../../shared/invitation';
import { LEVELS, type Point } from '../../../shared/schemas';
import { formatDateTime } from '../../../shared/time';
import {
  fieldErrorsOf,
  formFromDraft,
  meetingFromForm,
  updateForm,
  type FieldErrors,
  type MeetingForm,
} from '../lib/meetingDraft';
import { api, ApiError } from '../live/api';
import { useI18n } from '../i18n/context';
import { ContactsEditor } from './ContactsEditor';
import { DateTimeInputs, ReviewField } from './ReviewField';

type Submit = { kind: 'idle' } | { kind: 'sending' } | { kind: 'created'; id: string };

export function InvitationReview({
  fileName,
  parsed,
  onOpenMeeting,
}: {
  fileName: string;
  parsed: ParsedInvitation;
  onOpenMeeting: (id: string) => void;
}) {
  const { t } = useI18n();
  const tr = t.admin.invitation;
  const { draft, evidence } = parsed;
  const [form, setForm] = useState<MeetingForm>(() => formFromDraft(draft));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submit, setSubmit] = useState<Submit>({ kind: 'idle' });
  const [points, setPoints] = useState<Point[]>([]);

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .points(ctrl.signal)
      .then((list) => setPoints(list))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, []);

  const change = (patch: Partial<MeetingForm>): void => {
    setForm((f) => updateForm(f, patch));
    if (submit.kind === 'created') setSubmit({ kind: 'idle' });
  };
  const online = form.kind === 'online';

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    const built = meetingFromForm(form, tr);
    if ('errors' in built) {
      setErrors({ ...built.errors, form: tr.fixFields });
      return;
    }
    setErrors({});
    setSubmit({ kind: 'sending' });
    api
      .createMeeting(built.meeting)
      .then((m) => setSubmit({ kind: 'created', id: m.id }))
      .catch((err: unknown) => {
        setSubmit({ kind: 'idle' });
        if (err instanceof ApiError && err.status === 409) setErrors({ id: tr.exists(form.id) });
        else if (err instanceof ApiError && err.status === 400) setErrors(fieldErrorsOf(err.fields, err.message));
        else setErrors({ form: err instanceof Error ? err.message : String(err) });
      });
  };

  // The province's points first: the host is usually the province hall.
  const hostChoices = [...points].sort(
    (a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.name.localeCompare(b.name, 'vi'),
  );
  const deadline = draft.registrationDeadline ? formatDateTime(Date.parse(draft.registrationDeadline)) : null;

  return (
    <form className="review" data-testid="invitation-review" data-kind={form.kind} onSubmit={onSubmit} noValidate>
      <h2>{fileName}</h2>
      {!online && (
        <p className="notice warn" role="status" data-testid="in-person-notice">
          {tr.inPerson}
        </p>
      )}
      <ReviewField name="kind" label={tr.kind} evidence={evidence.kind ?? null}>
        <select
          data-testid="meeting-kind"
          value={form.kind}
          onChange={(e) => change({ kind: e.target.value as MeetingForm['kind'] })}
        >
          <option value="online">{tr.kinds.online}</option>
          <option value="in-person">{tr.kinds['in-person']}</option>
        </select>
      </ReviewField>
      <ReviewField name="title" label={tr.title} evidence={evidence.title ?? null} error={errors.title}>
        <textarea
          data-testid="meeting-title"
          rows={2}
          value={form.title}
          onChange={(e) => change({ title: e.target.value })}
        />
      </ReviewField>
      <ReviewField
        name="start"
        label={tr.start}
        evidence={evidence.start ?? evidence.startDate ?? null}
        error={errors.start}
        hint={form.startDate && !draft.start ? tr.startNoTime : undefined}
      >
        <DateTimeInputs
          name="meeting-start"
          date={form.startDate}
          time={form.startTime}
          onChange={(startDate, startTime) => change({ startDate, startTime })}
        />
      </ReviewField>
      {online && (
        <>
          <ReviewField name="lineTest" label={tr.lineTest} evidence={evidence.lineTest ?? null} error={errors.lineTest}>
            <DateTimeInputs
              name="meeting-linetest"
              date={form.lineTestDate}
              time={form.lineTestTime}
              onChange={(lineTestDate, lineTestTime) => change({ lineTestDate, lineTestTime })}
            />
          </ReviewField>
          <ReviewField name="lineTestMin" label={tr.lineTestMin} error={errors.lineTestMin}>
            <input
              type="number"
              min={1}
              max={1440}
              data-testid="meeting-linetest-min"
              value={form.lineTestMin}
              onChange={(e) => change({ lineTestMin: e.target.value })}
            />
          </ReviewField>
        </>
      )}
      <ReviewField name="end" label={tr.end} error={errors.end} hint={tr.endHint}>
        <DateTimeInputs
          name="meeting-end"
          date={form.endDate}
          time={form.endTime}
          onChange={(endDate, endTime) => change({ endDate, endTime })}
        />
      </ReviewField>
      {online && deadline && (
        <ReviewField
          name="registrationDeadline"
          label={tr.registrationDeadline}
          evidence={evidence.registrationDeadline ?? null}
        >
          <output data-testid="meeting-deadline">{deadline}</output>
        </ReviewField>
      )}
      {online && (
        <ReviewField
          name="levels"
          label={tr.levels}
          evidence={evidence.levels?.join(' … ') ?? null}
          error={errors.levels}
        >
          {LEVELS.map((level) => (
            <label key={level} className="check">
              <input
                type="checkbox"
                data-testid={`meeting-level-${level}`}
                checked={form.levels.includes(level)}
                onChange={(e) =>
                  change({
                    levels: e.target.checked
                      ? LEVELS.filter((l) => l === level || form.levels.includes(l))
                      : form.levels.filter((l) => l !== level),
                  })
                }
              />{' '}
              {t.level[level]}
            </label>
          ))}
        </ReviewField>
      )}
      {online && (
        <ReviewField name="host" label={tr.host} error={errors.host}>
          <select data-testid="meeting-host" value={form.host} onChange={(e) => change({ host: e.target.value })}>
            <option value="">{tr.noHost}</option>
            {hostChoices.map((p) => (
              <option key={p.code} value={p.code}>{`${p.name} (${p.code})`}</option>
            ))}
          </select>
        </ReviewField>
      )}
      <ReviewField name="venue" label={tr.venue} evidence={evidence.venue ?? null}>
        <input data-testid="meeting-venue" value={form.venue} onChange={(e) => change({ venue: e.target.value })} />
      </ReviewField>
      <ReviewField
        name="contacts"
        label={tr.contacts}
        evidence={evidence.contacts && evidence.contacts.length > 0 ? evidence.contacts.join(' … ') : null}
      >
        <ContactsEditor contacts={form.contacts} onChange={(contacts) => change({ contacts })} />
      </ReviewField>
      <p className="muted">{tr.reference}</p>
      <ReviewField name="id" label={tr.id} error={errors.id} hint={tr.idHint}>
        <input data-testid="meeting-id" value={form.id} onChange={(e) => change({ id: e.target.value })} />
      </ReviewField>
      {errors.form && (
        <p className="form-error" role="alert" data-testid="meeting-form-error">
          {errors.form}
        </p>
      )}
      {online && (
        <div className="button-row">
          <button
            type="submit"
            className="primary-button"
            data-testid="meeting-create"
            disabled={submit.kind === 'sending'}
          >
            {submit.kind === 'sending' ? tr.creating : tr.create}
          </button>
          {submit.kind === 'created' && (
            <span className="success" role="status" data-testid="meeting-created">
              {tr.created(submit.id)}{' '}
              <button type="button" className="toolbar-button" onClick={() => onOpenMeeting(submit.id)}>
                {tr.openCreated}
              </button>
            </span>
          )}
        </div>
      )}
    </form>
  );
}
