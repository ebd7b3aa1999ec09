// Upload an invitation, then review its draft. Each upload gets a fresh form (keyed), so nothing of a
// previous document's edits leaks into the next one.
import { useState } from 'react';
import type { ParsedInvitation } from '../../../shared/invitation';
import { api } from '../live/api';
import { useI18n } from '../i18n/context';
import { FileChooser } from './FileChooser';
import { InvitationReview } from './InvitationReview';

type State =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string }
  | { kind: 'error'; name: string; message: string }
  | { kind: 'ready'; name: string; parsed: ParsedInvitation; n: number };

export function InvitationTool({ onOpenMeeting }: { onOpenMeeting: (id: string) => void }) {
  const { t } = useI18n();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const read = (file: File): void => {
    setState({ kind: 'reading', name: file.name });
    api
      .parseInvitation(file)
      .then((parsed) => setState((s) => ({ kind: 'ready', name: file.name, parsed, n: 'n' in s ? s.n + 1 : 1 })))
      .catch((err: unknown) =>
        setState({ kind: 'error', name: file.name, message: err instanceof Error ? err.message : String(err) }),
      );
  };
  return (
    <div className="invitation-tool">
      <FileChooser
        label={t.admin.invitation.choose}
        accept=".docx,.pdf,.txt"
        testId="invitation-file"
        disabled={state.kind === 'reading'}
        onFile={read}
      />
      {state.kind === 'reading' && <p className="muted">{t.admin.invitation.reading}</p>}
      {state.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="invitation-error">
          {`${state.name}: ${state.message}`}
        </p>
      )}
      {state.kind === 'ready' && (
        <InvitationReview key={state.n} fileName={state.name} parsed={state.parsed} onOpenMeeting={onOpenMeeting} />
      )}
    </div>
  );
}
