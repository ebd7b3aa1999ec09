// The login screen: shown at start without a session, and whenever a session ends (with the reason).
// Wrong password, a blocked name or address (with the wait, counted down), field errors and a failing
// database each get their own message.
import { useState, type FormEvent, type ReactNode } from 'react';
import { LoginBody } from '../../../shared/protocol';
import { checkLogin, splitWait, type FieldProblem, type LoginFailure } from '../lib/authErrors';
import { useAuth } from '../hooks/useAuth';
import { useTick } from '../hooks/useTick';
import { useI18n } from '../i18n/context';
import type { Messages } from '../i18n';
import { postLogin } from '../live/authApi';
import type { SignOutReason } from '../live/session';
import { LangToggle } from './LangToggle';

const LIMITS = {
  username: LoginBody.shape.username.maxLength ?? 64,
  password: LoginBody.shape.password.maxLength ?? 1024,
};

type Field = 'username' | 'password';

function problemText(t: Messages, p: FieldProblem): string {
  return p.kind === 'required' ? t.auth.required : t.auth.tooLong(p.max);
}

export function LoginScreen({
  reason,
  unreachable,
}: {
  reason: SignOutReason | null;
  /** GET /api/auth/me failed (being retried): no answer, or the server's database failed. */
  unreachable: 'network' | 'storage' | null;
}) {
  const { t } = useI18n();
  const auth = useAuth();
  const now = useTick();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<LoginFailure | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [blockedUntil, setBlockedUntil] = useState<number | null>(null);

  const waitS = blockedUntil === null ? 0 : Math.ceil((blockedUntil - now) / 1000);
  const blocked = failure?.kind === 'blocked' && (blockedUntil === null || waitS > 0);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const problems = checkLogin(username, password, LIMITS);
    const local: Partial<Record<Field, string>> = {};
    for (const [k, p] of Object.entries(problems) as [Field, FieldProblem][]) local[k] = problemText(t, p);
    setFieldErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    setFailure(null);
    const outcome = await postLogin(username.trim(), password);
    setBusy(false);
    if (outcome.ok) {
      auth.signIn(outcome.me);
      return;
    }
    const f = outcome.failure;
    setFailure(f);
    if (f.kind === 'blocked') setBlockedUntil(f.retryAfterS === null ? null : Date.now() + f.retryAfterS * 1000);
    if (f.kind === 'invalid') setFieldErrors({ username: f.fields.username, password: f.fields.password });
    if (f.kind === 'wrong') setPassword('');
  };

  const message = ((): string | null => {
    if (failure === null) return null;
    switch (failure.kind) {
      case 'wrong':
        return t.auth.wrong;
      case 'blocked': {
        if (!blocked) return null;
        if (blockedUntil === null) return t.auth.blockedSoon;
        const w = splitWait(waitS);
        return t.auth.blocked(t.auth.wait(w.min, w.s));
      }
      case 'invalid':
        return t.auth.invalid;
      case 'storage':
        return t.auth.storage;
      case 'network':
        return t.auth.network;
      case 'other':
        return t.auth.other(failure.message);
    }
  })();

  const field = (key: Field, label: string, input: ReactNode) => (
    <label className="login-field">
      <span>{label}</span>
      {input}
      {fieldErrors[key] && (
        <span className="field-error" data-testid={`login-error-${key}`}>
          {fieldErrors[key]}
        </span>
      )}
    </label>
  );

  return (
    <main className="login" data-testid="login-screen">
      <div className="login-lang">
        <LangToggle />
      </div>
      <form className="login-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="login-title">
        <p className="login-app">{t.auth.intro}</p>
        <h1 id="login-title">{t.auth.title}</h1>
        {reason !== null && (
          <p
            className={`login-notice${reason === 'logout' ? ' info' : ''}`}
            data-testid="login-reason"
            data-reason={reason}
          >
            {t.auth.ended[reason]}
          </p>
        )}
        {unreachable !== null && (
          <p className="login-notice" role="status" data-testid="login-unreachable" data-cause={unreachable}>
            {unreachable === 'storage' ? t.auth.unreachableStorage : t.auth.unreachable}
          </p>
        )}
        {field(
          'username',
          t.auth.username,
          <input
            name="username"
            data-testid="login-username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            value={username}
            aria-invalid={fieldErrors.username ? true : undefined}
            onChange={(e) => setUsername(e.target.value)}
          />,
        )}
        {field(
          'password',
          t.auth.password,
          <input
            name="password"
            type="password"
            data-testid="login-password"
            autoComplete="current-password"
            value={password}
            aria-invalid={fieldErrors.password ? true : undefined}
            onChange={(e) => setPassword(e.target.value)}
          />,
        )}
        {message !== null && (
          <p className="form-error" role="alert" data-testid="login-error" data-kind={failure?.kind}>
            {message}
          </p>
        )}
        <button type="submit" className="primary-button" data-testid="login-submit" disabled={busy || blocked}>
          {busy ? t.auth.submitting : t.auth.submit}
        </button>
        <p className="login-foot muted">{t.auth.noAccount}</p>
      </form>
    </main>
  );
}
