// One labelled input of the point editor with the server's message for it right below, as the
// invitation review shows its field errors.
import type { ReactNode } from 'react';

export function PointsField({
  label,
  error,
  hint,
  testId,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  /** `data-testid` of the field; its error is `${testId}-error`. */
  testId: string;
  children: ReactNode;
}) {
  return (
    <label className={`points-field${error ? ' has-error' : ''}`} data-testid={testId}>
      <span className="points-label">{label}</span>
      {children}
      {hint && <span className="muted points-hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </span>
      )}
    </label>
  );
}
