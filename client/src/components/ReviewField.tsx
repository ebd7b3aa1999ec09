// One field of the review form: its label, its input(s), the snippet of the document it came from, and
// the error the server or the form found in it.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/context';

export function ReviewField({
  name,
  label,
  evidence,
  error,
  hint,
  children,
}: {
  name: string;
  label: string;
  /** The document's words; undefined when the field is not read from the document at all. */
  evidence?: string | null;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className={`review-field${error ? ' has-error' : ''}`} data-testid={`field-${name}`}>
      <span className="review-label">{label}</span>
      <div className="review-inputs">{children}</div>
      {hint && <span className="muted review-hint">{hint}</span>}
      {evidence !== undefined && (
        <blockquote className="evidence" data-testid={`evidence-${name}`}>
          <span className="evidence-label">{t.admin.invitation.evidence}:</span>{' '}
          {evidence ? `“${evidence}”` : <em>{t.admin.invitation.notFound}</em>}
        </blockquote>
      )}
      {error && (
        <span className="field-error" role="alert" data-testid={`error-${name}`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A Vietnamese wall-clock date and time as two inputs. */
export function DateTimeInputs({
  name,
  date,
  time,
  onChange,
}: {
  name: string;
  date: string;
  time: string;
  onChange: (date: string, time: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <input
        type="date"
        aria-label={t.admin.invitation.date}
        data-testid={`${name}-date`}
        value={date}
        onChange={(e) => onChange(e.target.value, time)}
      />
      <input
        type="time"
        aria-label={t.admin.invitation.time}
        data-testid={`${name}-time`}
        value={time}
        onChange={(e) => onChange(date, e.target.value)}
      />
    </>
  );
}
