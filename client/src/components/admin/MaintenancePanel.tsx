// "Lịch bảo trì": planned work on a point or a unit (docs/ALERTS.md). While an entry runs, its points
// send no alerts and show as planned on the dashboard and in the report. Times are Vietnam time.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { MaintenanceTargetKind, MaintenanceView } from '../../../../shared/maintenance';
import { formatDateTime } from '../../../../shared/time';
import { useI18n } from '../../i18n/context';
import { maintenanceApi } from '../../lib/maintenanceApi';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
/** A datetime-local value (yyyy-MM-ddTHH:mm) read as Vietnam time. */
const vnInstant = (local: string): string => `${local}:00+07:00`;

export function MaintenancePanel() {
  const { t } = useI18n();
  const tm = t.maintenance;
  const [entries, setEntries] = useState<MaintenanceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<MaintenanceTargetKind>('point');
  const [target, setTarget] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    maintenanceApi
      .list()
      .then((list) => {
        setEntries(list);
        setError(null);
      })
      .catch((err: unknown) => setError(`${tm.loadError}: ${message(err)}`));
  }, [tm.loadError]);
  useEffect(load, [load]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setBusy(true);
    maintenanceApi
      .create({ target: { kind, id: target.trim() }, start: vnInstant(start), end: vnInstant(end), reason })
      .then(() => {
        setTarget('');
        setReason('');
        setError(null);
        load();
      })
      .catch((err: unknown) => setError(`${tm.saveError}: ${message(err)}`))
      .finally(() => setBusy(false));
  };

  const remove = (id: number): void => {
    maintenanceApi
      .remove(id)
      .then(load)
      .catch((err: unknown) => setError(`${tm.saveError}: ${message(err)}`));
  };

  return (
    <div className="maintenance-panel" data-testid="maintenance-panel">
      <p>{tm.intro}</p>
      <form onSubmit={submit} data-testid="maintenance-form" className="maintenance-form">
        <label>
          {tm.col.target}
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as MaintenanceTargetKind)}
            data-testid="maintenance-kind"
          >
            <option value="point">{tm.kind.point}</option>
            <option value="unit">{tm.kind.unit}</option>
          </select>
        </label>
        <label>
          {tm.target}
          <input value={target} onChange={(e) => setTarget(e.target.value)} required data-testid="maintenance-target" />
        </label>
        <label>
          {tm.start}
          <input
            type="datetime-local"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            required
            data-testid="maintenance-start"
          />
        </label>
        <label>
          {tm.end}
          <input
            type="datetime-local"
            value={end}
            onChange={(e) => setEnd(e.target.value)}
            required
            data-testid="maintenance-end"
          />
        </label>
        <label>
          {tm.reason}
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            maxLength={500}
            data-testid="maintenance-reason"
          />
        </label>
        <button type="submit" disabled={busy} data-testid="maintenance-add">
          {tm.add}
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="maintenance-error">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p>{tm.empty}</p>}
      {entries && entries.length > 0 && (
        <table className="maintenance-list">
          <thead>
            <tr>
              <th>{tm.col.target}</th>
              <th>{tm.col.span}</th>
              <th>{tm.col.reason}</th>
              <th>{tm.col.by}</th>
              <th>{tm.col.action}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid={`maintenance-${e.id}`}>
                <td>{`${tm.kind[e.target.kind] ?? e.target.kind}: ${e.targetName} (${e.target.id})`}</td>
                <td>{`${formatDateTime(Date.parse(e.start))} – ${formatDateTime(Date.parse(e.end))}`}</td>
                <td>{e.reason}</td>
                <td>{e.createdBy}</td>
                <td>
                  <button type="button" onClick={() => remove(e.id)} data-testid={`maintenance-remove-${e.id}`}>
                    {tm.remove}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
