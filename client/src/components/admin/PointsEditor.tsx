// The form of one point: its details, its targets and its contacts. Saving sends the whole point
// (PUT /api/points/:code, POST for a new one); a refusal keeps the form as typed and puts each of the
// server's messages at its field. Deleting asks first, naming the point.
import { useState, type FormEvent } from 'react';
import { LEVELS, type Level, type Point, type Unit } from '../../../../shared/schemas';
import { useI18n } from '../../i18n/context';
import { ApiError } from '../../live/api';
import { ContactsEditor } from '../ContactsEditor';
import { PointsField } from './PointsField';
import { pointsApi } from './PointsApi';
import {
  newTarget,
  placedPath,
  pointFieldErrors,
  pointOfDraft,
  type FieldErrors,
  type PointDraft,
} from './PointsDraft';
import { TargetRow } from './TargetRow';

type Busy = 'idle' | 'saving' | 'confirmDelete' | 'deleting';

export function PointsEditor({
  initial,
  isNew,
  units,
  onSaved,
  onDeleted,
  onCancel,
}: {
  initial: PointDraft;
  isNew: boolean;
  units: Unit[];
  onSaved: (p: Point, created: boolean) => void;
  onDeleted: (code: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const tp = t.points;
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>('idle');
  const set = (patch: Partial<PointDraft>): void => setDraft((d) => ({ ...d, ...patch }));

  const refused = (err: unknown): void => {
    if (err instanceof ApiError && err.status === 409) {
      setErrors({ code: tp.exists(draft.code.trim()) });
      setFormError(tp.refused);
    } else if (err instanceof ApiError && err.status === 400 && Object.keys(err.fields).length > 0) {
      setErrors(pointFieldErrors(err.fields));
      setFormError(tp.refused);
    } else {
      setErrors({});
      setFormError(err instanceof Error ? err.message : String(err));
    }
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy === 'saving') return;
    setBusy('saving');
    const body = pointOfDraft(draft);
    (isNew ? pointsApi.create(body) : pointsApi.save(initial.code, body))
      .then((p) => {
        setErrors({});
        setFormError(null);
        onSaved(p, isNew);
      })
      .catch(refused)
      .finally(() => setBusy('idle'));
  };

  const remove = (): void => {
    setBusy('deleting');
    pointsApi
      .remove(initial.code)
      .then(() => onDeleted(initial.code))
      .catch((err: unknown) => {
        setBusy('idle');
        setFormError(`${tp.deleteError}: ${err instanceof Error ? err.message : String(err)}`);
      });
  };

  const others = Object.entries(errors).filter(([path]) => !placedPath(path));
  const contactErrors = Object.entries(errors)
    .map(([path, message]) => {
      if (path === 'contacts') return message;
      const m = /^contacts\[(\d+)\]\.?(\w*)/.exec(path);
      if (!m) return null;
      return `${tp.contactError(Number(m[1]) + 1, tp.contactFields[m[2] ?? ''] ?? m[2] ?? '')}: ${message}`;
    })
    .filter((m): m is string => m !== null);
  const unitChoices = [...units].sort((a, b) => a.name.localeCompare(b.name, 'vi', { numeric: true }));

  return (
    <form className="points-editor" data-testid="point-editor" data-code={initial.code} onSubmit={submit} noValidate>
      <h2>{isNew ? tp.newTitle : `${initial.code} — ${initial.name}`}</h2>
      {formError && (
        <div className="form-error" role="alert" data-testid="point-form-error">
          <p>{formError}</p>
          {others.length > 0 && (
            <ul data-testid="point-other-errors">
              {others.map(([path, message]) => (
                <li key={path}>
                  {path}: {message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="points-details">
        <PointsField label={tp.code} testId="point-code" error={errors.code}>
          <input
            value={draft.code}
            readOnly={!isNew}
            spellCheck={false}
            onChange={(e) => set({ code: e.target.value })}
          />
        </PointsField>
        <PointsField label={tp.name} testId="point-name" error={errors.name}>
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} />
        </PointsField>
        <PointsField label={tp.level} testId="point-level" error={errors.level}>
          <select value={draft.level} onChange={(e) => set({ level: e.target.value as Level })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t.level[l]}
              </option>
            ))}
          </select>
        </PointsField>
        <PointsField label={tp.unit} testId="point-unit" error={errors.unit}>
          <select value={draft.unit} onChange={(e) => set({ unit: e.target.value })}>
            {draft.unit === '' && <option value="">{tp.chooseUnit}</option>}
            {!units.some((u) => u.id === draft.unit) && draft.unit !== '' && (
              <option value={draft.unit}>{draft.unit}</option>
            )}
            {unitChoices.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.id})
              </option>
            ))}
          </select>
        </PointsField>
        <PointsField label={tp.room} testId="point-room" error={errors.room}>
          <input value={draft.room} onChange={(e) => set({ room: e.target.value })} />
        </PointsField>
        <PointsField label={tp.address} testId="point-address" error={errors.address}>
          <input value={draft.address} onChange={(e) => set({ address: e.target.value })} />
        </PointsField>
        <PointsField label={tp.agent} testId="point-agent" error={errors.agent}>
          <input value={draft.agent} placeholder={tp.agentHint} onChange={(e) => set({ agent: e.target.value })} />
        </PointsField>
      </div>

      <section className="points-targets">
        <h3>{tp.targets}</h3>
        <p className="muted">{tp.targetsHint}</p>
        {errors.targets && (
          <span className="field-error" role="alert" data-testid="targets-error">
            {errors.targets}
          </span>
        )}
        {draft.targets.map((tg, i) => (
          <TargetRow
            // Rows have no identity of their own while typed; the index is what the server's paths use.
            key={i}
            index={i}
            target={tg}
            errors={errors}
            onChange={(next) => set({ targets: draft.targets.map((x, j) => (j === i ? next : x)) })}
            onRemove={
              draft.targets.length > 1 ? () => set({ targets: draft.targets.filter((_, j) => j !== i) }) : undefined
            }
          />
        ))}
        {draft.targets.length < 8 && (
          <button
            type="button"
            className="toolbar-button"
            data-testid="target-add"
            onClick={() => set({ targets: [...draft.targets, newTarget(draft.targets)] })}
          >
            {tp.addTarget}
          </button>
        )}
      </section>

      <section className="points-contacts" data-testid="point-contacts">
        <h3>{tp.contacts}</h3>
        <ContactsEditor contacts={draft.contacts} onChange={(contacts) => set({ contacts })} />
        {contactErrors.length > 0 && (
          <ul className="field-error" role="alert" data-testid="contacts-error">
            {contactErrors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
      </section>

      <div className="button-row">
        <button type="submit" className="primary-button" data-testid="point-save" disabled={busy === 'saving'}>
          {busy === 'saving' ? tp.saving : isNew ? tp.create : tp.save}
        </button>
        {isNew ? (
          <button type="button" className="toolbar-button" data-testid="point-cancel" onClick={onCancel}>
            {tp.cancel}
          </button>
        ) : (
          <button
            type="button"
            className="toolbar-button danger"
            data-testid="point-delete"
            onClick={() => setBusy('confirmDelete')}
          >
            {tp.delete}
          </button>
        )}
      </div>
      {(busy === 'confirmDelete' || busy === 'deleting') && (
        <div className="points-confirm" role="alertdialog" aria-label={tp.delete} data-testid="point-delete-confirm">
          <p>{tp.confirmDelete(initial.code, initial.name)}</p>
          <div className="button-row">
            <button
              type="button"
              className="primary-button danger"
              data-testid="point-delete-yes"
              disabled={busy === 'deleting'}
              onClick={remove}
            >
              {tp.confirmYes}
            </button>
            <button type="button" className="toolbar-button" onClick={() => setBusy('idle')}>
              {tp.cancel}
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
