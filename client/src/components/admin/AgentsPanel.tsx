// "Trạm đo" in the admin view (docs/AGENTS.md AG2, AG10): the remote probe agents with their link as
// the monitor sees it (connected, or since when not; result lag; results waiting in its outbox; clock
// offset, flagged beyond 1 s), refreshed every 5 s. Admins add one (its token shown once, to copy, with
// a warning that it will not be shown again), issue a new token or revoke one, after a confirmation.
import { useCallback, useEffect, useState } from 'react';
import type { AgentView, IssuedAgentToken } from '../../../../shared/agent-view';
import { formatDateTime, formatDurationWords } from '../../../../shared/time';
import { useMe } from '../../hooks/useAuth';
import { useI18n } from '../../i18n/context';
import { may } from '../../lib/permissions';
import { agentsApi } from './agentsApi';
// oxlint-disable-next-line import/no-unassigned-import -- the section's styles, bundled by Vite
import './agents.css';

const REFRESH_MS = 5_000;

const when = (iso: string): string => formatDateTime(Date.parse(iso));

export function AgentsPanel() {
  const { t, lang } = useI18n();
  const a = t.agents;
  const mayManage = may(useMe(), 'users:manage');
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [units, setUnits] = useState('');
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<IssuedAgentToken | null>(null);
  const [copied, setCopied] = useState(false);

  const load = useCallback(() => {
    agentsApi.list().then(
      (l) => setAgents(l),
      (err: unknown) => setError(`${a.loadError}: ${err instanceof Error ? err.message : String(err)}`),
    );
  }, [a.loadError]);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const act = async (f: () => Promise<IssuedAgentToken | null>): Promise<void> => {
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      const r = await f();
      if (r) setIssued(r);
      load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const add = (): Promise<void> =>
    act(async () => {
      const list = units
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      const r = await agentsApi.add({ name: name.trim(), units: list });
      setName('');
      setUnits('');
      return r;
    });
  const rotate = (v: AgentView): Promise<void> =>
    window.confirm(a.confirmRotate(v.name)) ? act(() => agentsApi.rotate(v.name)) : Promise.resolve();
  const revoke = (v: AgentView): Promise<void> =>
    window.confirm(a.confirmRevoke(v.name))
      ? act(async () => {
          await agentsApi.revoke(v.name);
          return null;
        })
      : Promise.resolve();

  const contact = (v: AgentView): string => {
    const l = v.link;
    if (l?.connected) return a.connected;
    const since = l?.silentSince ?? l?.lastContactAt ?? null;
    return since ? a.lostSince(when(since)) : a.neverHeard;
  };

  return (
    <div className="agents-panel" data-testid="agents-panel">
      <p>{a.intro}</p>
      {mayManage && (
        <form
          className="agent-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <label>
            {a.name}
            <input
              value={name}
              placeholder={a.nameHint}
              maxLength={64}
              required
              onChange={(e) => setName(e.target.value)}
              data-testid="agent-name"
            />
          </label>
          <label>
            {a.units}
            <input
              value={units}
              placeholder={a.unitsHint}
              onChange={(e) => setUnits(e.target.value)}
              data-testid="agent-units"
            />
          </label>
          <button type="submit" className="primary-button" disabled={busy || name.trim() === ''}>
            {busy ? a.adding : a.add}
          </button>
        </form>
      )}
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {issued && (
        <div className="agent-token" role="status" data-testid="agent-token">
          <p>
            <strong>{a.tokenFor(issued.agent.name)}</strong>
          </p>
          <p className="agent-token-warning">{a.tokenWarning}</p>
          <div className="button-row">
            <input readOnly value={issued.token} data-testid="agent-token-value" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="toolbar-button"
              data-testid="agent-token-copy"
              onClick={() => {
                void navigator.clipboard?.writeText(issued.token).then(() => setCopied(true));
              }}
            >
              {copied ? a.copied : a.copy}
            </button>
            <button type="button" className="toolbar-button" onClick={() => setIssued(null)}>
              {a.dismiss}
            </button>
          </div>
        </div>
      )}
      {agents !== null && agents.length === 0 && <p className="empty">{a.none}</p>}
      {agents !== null && agents.length > 0 && (
        <table className="agent-table">
          <thead>
            <tr>
              <th>{a.columns.name}</th>
              <th>{a.columns.units}</th>
              <th>{a.columns.version}</th>
              <th>{a.columns.link}</th>
              <th>{a.columns.lag}</th>
              <th>{a.columns.outbox}</th>
              <th>{a.columns.clock}</th>
              <th>{a.columns.state}</th>
              {mayManage && <th />}
            </tr>
          </thead>
          <tbody>
            {agents.map((v) => {
              const l = v.link;
              const live = v.registered && v.revokedAt === null;
              return (
                <tr
                  key={v.name}
                  data-testid={`agent-${v.name}`}
                  data-connected={l?.connected === true}
                  data-revoked={v.revokedAt !== null}
                >
                  <td>
                    <strong>{v.name}</strong>
                    <div className="agent-points">{a.points(v.points)}</div>
                  </td>
                  <td>{v.units.join(', ')}</td>
                  <td>{l?.version ?? ''}</td>
                  <td className={l?.connected ? 'agent-up' : 'agent-down'} data-testid="agent-contact">
                    {contact(v)}
                  </td>
                  <td>{l?.lagMs == null ? '' : formatDurationWords(l.lagMs, lang)}</td>
                  <td>{l ? a.results(l.outboxDepth) : ''}</td>
                  <td data-testid="agent-clock" className={l?.clockFlagged ? 'agent-clock-flagged' : undefined}>
                    {l?.clockOffsetMs == null ? '' : a.offset(l.clockOffsetMs)}
                    {l?.clockFlagged && (
                      <span className="agent-warning" role="img" title={a.clockFlagged} aria-label={a.clockFlagged}>
                        {' '}
                        ⚠ {a.clockFlagged}
                      </span>
                    )}
                  </td>
                  <td>{!v.registered ? a.unregistered : v.revokedAt ? a.revokedAt(when(v.revokedAt)) : a.active}</td>
                  {mayManage && (
                    <td className="agent-actions">
                      {live && (
                        <>
                          <button
                            type="button"
                            className="toolbar-button"
                            disabled={busy}
                            onClick={() => void rotate(v)}
                          >
                            {a.rotate}
                          </button>
                          <button
                            type="button"
                            className="toolbar-button"
                            disabled={busy}
                            onClick={() => void revoke(v)}
                          >
                            {a.revoke}
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
