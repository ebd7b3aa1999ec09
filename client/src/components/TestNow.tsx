import { useState } from 'react';
import type { TestNowResult } from '../../../shared/protocol';
import type { Unit } from '../../../shared/schemas';
import { ackProblem } from '../lib/authErrors';
import { formatRtt } from '../lib/format';
import { mayOnPoint } from '../lib/permissions';
import { useMe } from '../hooks/useAuth';
import { useSession } from '../hooks/useSession';
import { useI18n } from '../i18n/context';

type TestState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: TestNowResult }
  | { kind: 'error'; message: string; forbidden: boolean };

/**
 * Probes the point's targets once, on demand (`point:test`), and shows each target's answer. Only for
 * users who may (technicians of the point's units, admins); the server checks again.
 */
export function TestNow({
  code,
  unit,
  unitsById,
}: {
  code: string;
  unit: string;
  unitsById: ReadonlyMap<string, Unit>;
}) {
  const { t } = useI18n();
  const session = useSession();
  const me = useMe();
  const [state, setState] = useState<TestState>({ kind: 'idle' });
  if (!mayOnPoint(me, 'point:test', unit, unitsById)) return null;
  const run = async (): Promise<void> => {
    setState({ kind: 'running' });
    const res = await session.testNow(code);
    setState(
      res.ok
        ? { kind: 'done', result: res.data }
        : { kind: 'error', message: res.error.message, forbidden: ackProblem(res.error) === 'forbidden' },
    );
  };
  return (
    <section className="detail-section test-now">
      <button
        type="button"
        className="primary-button"
        data-testid="test-now"
        disabled={state.kind === 'running'}
        onClick={() => void run()}
      >
        {state.kind === 'running' ? t.testNow.running : t.testNow.button}
      </button>
      {state.kind === 'done' && (
        <ul className="test-results" data-testid="test-now-result">
          {state.result.results.map((r) => {
            // [AG12] An agent's target: probed through the agent; unknown when the agent could not be
            // reached; "by the agent" alone where this instance does not ask agents (no reason, no reply).
            const noContact = r.agent !== undefined && r.reason === 'no-contact';
            const notAsked = r.agent !== undefined && !r.alive && r.reason === undefined;
            const cls = noContact ? 'unknown' : notAsked ? 'by-agent' : r.alive ? 'alive' : 'dead';
            return (
              <li
                key={r.id}
                className={cls}
                data-alive={String(r.alive)}
                data-agent={r.agent}
                data-kind={r.kind}
                data-role={r.role}
              >
                <span aria-hidden="true">{noContact ? '?' : notAsked ? '↗' : r.alive ? '✓' : '✕'}</span>{' '}
                <code>{r.label}</code> ({t.targets.role[r.role]}):{' '}
                {noContact
                  ? t.testNow.noContact(r.agent!)
                  : notAsked
                    ? t.testNow.byAgent(r.agent!)
                    : r.alive
                      ? `${t.testNow.alive}, ${formatRtt(r.rtt, t.locale)}`
                      : t.testNow.dead}
                {r.code !== undefined && ` (${t.targets.code(r.code)})`}
                {!r.alive && !noContact && r.reason !== undefined && ` — ${t.targets.reason[r.reason]}`}
                {r.agent !== undefined && !noContact && !notAsked && ` · ${t.testNow.viaAgent(r.agent)}`}
              </li>
            );
          })}
        </ul>
      )}
      {state.kind === 'error' && state.forbidden && (
        <p className="error" data-testid="test-now-result" data-error="forbidden">
          <strong>{t.testNow.forbidden}</strong> <span className="muted">({state.message})</span>
        </p>
      )}
      {state.kind === 'error' && !state.forbidden && (
        <p className="error" data-testid="test-now-result">
          {t.testNow.failed}: {state.message}
        </p>
      )}
    </section>
  );
}
