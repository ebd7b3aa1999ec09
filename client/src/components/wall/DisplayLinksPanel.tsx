// "Màn hình treo tường" in the admin view: create a display link (its URL shown once, to copy), list
// the links with their last use, revoke one (its screens go blank at once).
import { useCallback, useEffect, useState } from 'react';
import type { CreatedDisplayLink, DisplayLinkView } from '../../../../shared/display';
import { formatDateTime } from '../../../../shared/time';
import { useMeetings } from '../../hooks/useMeetings';
import { useI18n } from '../../i18n/context';
import { sortForPicker } from '../../lib/meetingPick';
import { wallApi } from './wallApi';
// oxlint-disable-next-line import/no-unassigned-import -- the section's styles (with the wall's), bundled by Vite
import '../../styles/wall.css';

const CURRENT = '';

export function DisplayLinksPanel() {
  const { t } = useI18n();
  const w = t.wall.admin;
  const { meetings } = useMeetings();
  const [links, setLinks] = useState<DisplayLinkView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [label, setLabel] = useState('');
  const [meeting, setMeeting] = useState(CURRENT);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedDisplayLink | null>(null);
  const [copied, setCopied] = useState(false);

  const load = useCallback(() => {
    wallApi.list().then(
      (l) => setLinks(l),
      (err: unknown) => setError(`${w.loadError}: ${err instanceof Error ? err.message : String(err)}`),
    );
  }, [w.loadError]);
  useEffect(load, [load]);

  const create = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      setCreated(await wallApi.create({ label, meeting: meeting === CURRENT ? null : meeting }));
      setLabel('');
      load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (l: DisplayLinkView): Promise<void> => {
    if (!window.confirm(w.confirmRevoke(l.label))) return;
    try {
      await wallApi.revoke(l.id);
      load();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const url = created ? `${window.location.origin}${created.path}` : '';
  const titleOf = (id: string | null): string =>
    id === null ? w.current : (meetings?.find((m) => m.id === id)?.title ?? id);

  return (
    <div className="display-links" data-testid="display-links">
      <p>{w.intro}</p>
      <form
        className="display-link-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <label>
          {w.label}
          <input
            value={label}
            placeholder={w.labelHint}
            maxLength={80}
            required
            onChange={(e) => setLabel(e.target.value)}
            data-testid="display-link-label"
          />
        </label>
        <label>
          {w.meeting}
          <select value={meeting} onChange={(e) => setMeeting(e.target.value)} data-testid="display-link-meeting">
            <option value={CURRENT}>{w.current}</option>
            {sortForPicker(meetings ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary-button" disabled={busy || label.trim() === ''}>
          {busy ? w.creating : w.create}
        </button>
      </form>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {created && (
        <div className="display-link-created" role="status">
          <p>{w.created}</p>
          <div className="button-row">
            <input readOnly value={url} data-testid="display-link-url" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="toolbar-button"
              onClick={() => {
                void navigator.clipboard?.writeText(url).then(() => setCopied(true));
              }}
            >
              {copied ? w.copied : w.copy}
            </button>
          </div>
        </div>
      )}
      {links !== null && links.length === 0 && <p className="empty">{w.none}</p>}
      {links !== null && links.length > 0 && (
        <table className="display-link-table">
          <thead>
            <tr>
              <th>{w.columns.label}</th>
              <th>{w.columns.meeting}</th>
              <th>{w.columns.createdBy}</th>
              <th>{w.columns.createdAt}</th>
              <th>{w.columns.lastSeenAt}</th>
              <th>{w.columns.state}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {links.map((l) => (
              <tr key={l.id} data-testid={`display-link-${l.id}`} data-revoked={l.revokedAt !== null}>
                <td>{l.label}</td>
                <td>{titleOf(l.meeting)}</td>
                <td>{l.createdBy}</td>
                <td>{formatDateTime(Date.parse(l.createdAt))}</td>
                <td>{l.lastSeenAt ? formatDateTime(Date.parse(l.lastSeenAt)) : w.never}</td>
                <td>{l.revokedAt ? w.revokedAt(formatDateTime(Date.parse(l.revokedAt))) : w.active}</td>
                <td>
                  {l.revokedAt === null && (
                    <button type="button" className="toolbar-button" onClick={() => void revoke(l)}>
                      {w.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
