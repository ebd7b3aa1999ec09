// "Kênh cảnh báo": the alert channels of the configuration (where each sends, where its secret comes
// from, never the secret), a "send a test" button per channel, and the delivery log with every
// attempt. Channels are edited in the configuration file (docs/ALERTS.md).
import { useCallback, useEffect, useState } from 'react';
import type { AlertChannelList, DeliveryView } from '../../../../shared/alerts';
import { formatDateTime, formatDurationWords, formatTime } from '../../../../shared/time';
import { useI18n } from '../../i18n/context';
import { alertsApi } from '../../lib/alertsApi';
// oxlint-disable-next-line import/no-unassigned-import -- the section's own styles, bundled by Vite
import './alert-channels.css';

type TestResult = { channel: string; kind: 'ok' | 'error'; text: string };

const when = (iso: string): string => `${formatTime(Date.parse(iso))} ${formatDateTime(Date.parse(iso)).slice(0, 10)}`;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function AlertChannels() {
  const { t, lang } = useI18n();
  const ta = t.alertChannels;
  const [list, setList] = useState<AlertChannelList | null>(null);
  const [log, setLog] = useState<DeliveryView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [result, setResult] = useState<TestResult | null>(null);

  const load = useCallback(() => {
    Promise.all([alertsApi.channels(), alertsApi.deliveries()])
      .then(([channels, deliveries]) => {
        setList(channels);
        setLog(deliveries);
        setError(null);
      })
      .catch((err: unknown) => setError(message(err)));
  }, []);
  useEffect(load, [load]);

  const test = (channel: string): void => {
    setTesting(channel);
    setResult(null);
    alertsApi
      .test(channel)
      .then((d) => {
        const err = d.lastError ?? '';
        if (d.status === 'sent') setResult({ channel, kind: 'ok', text: ta.testSent(channel) });
        else if (d.status === 'pending') setResult({ channel, kind: 'error', text: ta.testPending(channel, err) });
        else setResult({ channel, kind: 'error', text: ta.testFailed(channel, err) });
      })
      .catch((err: unknown) => setResult({ channel, kind: 'error', text: ta.testFailed(channel, message(err)) }))
      .finally(() => {
        setTesting(null);
        load();
      });
  };

  if (error) return <p className="form-error" role="alert">{`${ta.loadError}: ${error}`}</p>;
  if (!list) return null;
  const duration = (ms: number): string => formatDurationWords(ms, lang);
  return (
    <div className="alert-channels" data-testid="alert-channels">
      <p>{list.channels.length === 0 ? ta.none : ta.intro}</p>
      {list.channels.length > 0 && (
        <table>
          <caption>{ta.channels}</caption>
          <thead>
            <tr>
              <th>{ta.col.id}</th>
              <th>{ta.col.kind}</th>
              <th>{ta.col.target}</th>
              <th>{ta.col.secret}</th>
              <th>{ta.col.retry}</th>
              <th>{ta.col.language}</th>
              <th>{ta.col.action}</th>
            </tr>
          </thead>
          <tbody>
            {list.channels.map((c) => (
              <tr key={c.id} data-testid={`alert-channel-${c.id}`}>
                <td>{c.id}</td>
                <td>{ta.kind[c.kind] ?? c.kind}</td>
                <td className="alert-target">{c.target}</td>
                <td>
                  {c.secret === null
                    ? ta.noSecret
                    : c.secret.source === 'env'
                      ? ta.secretEnv(c.secret.name)
                      : ta.secretFile(c.secret.name)}
                </td>
                <td>{ta.retry(c.retry.maxAttempts, duration(c.retry.baseMs), duration(c.retry.maxMs))}</td>
                <td>{ta.language[c.language] ?? c.language}</td>
                <td>
                  <button
                    type="button"
                    className="toolbar-button"
                    disabled={testing !== null}
                    onClick={() => test(c.id)}
                    data-testid={`alert-test-${c.id}`}
                  >
                    {testing === c.id ? ta.testing : ta.test}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.rules.length > 0 && (
        <table data-testid="alert-rules">
          <caption>{ta.rules}</caption>
          <thead>
            <tr>
              <th>{ta.col.id}</th>
              <th>{ta.col.to}</th>
              <th>{ta.col.when}</th>
              <th>{ta.col.filters}</th>
            </tr>
          </thead>
          <tbody>
            {list.rules.map((r, i) => (
              <tr key={i}>
                <td>{r.channel}</td>
                <td>{ta.to[r.to ?? 'channel']}</td>
                <td>
                  {r.escalateAfterMinutes === undefined
                    ? ta.atOnce
                    : ta.escalateAfter(duration(r.escalateAfterMinutes * 60_000))}
                </td>
                <td>
                  {[
                    r.severities && ta.severities(r.severities.map((v) => ta.severity[v] ?? v).join(', ')),
                    r.meetings && ta.meetings(r.meetings.join(', ')),
                    r.units && ta.units(r.units.join(', ')),
                  ]
                    .filter(Boolean)
                    .join('; ') || ta.anyIncident}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result && (
        <p className={result.kind === 'ok' ? 'form-ok' : 'form-error'} role="status" data-testid="alert-test-result">
          {result.text}
        </p>
      )}
      <h2>
        {ta.log}{' '}
        <button type="button" className="toolbar-button" onClick={load}>
          {ta.refresh}
        </button>
      </h2>
      {log.length === 0 ? (
        <p>{ta.logEmpty}</p>
      ) : (
        <table data-testid="alert-log">
          <thead>
            <tr>
              <th>{ta.col.time}</th>
              <th>{ta.col.id}</th>
              <th>{ta.col.incident}</th>
              <th>{ta.col.status}</th>
              <th>{ta.col.attempts}</th>
              <th>{ta.col.error}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((d) => (
              <tr key={d.id} className={`delivery-${d.status}`}>
                <td>{when(d.createdAt)}</td>
                <td>
                  {d.channel}
                  {d.recipient ? ` → ${ta.recipient(d.recipient.name, d.recipient.address)}` : ''}
                  {d.level > 0 ? ` (${ta.level(d.level)})` : ''}
                </td>
                <td>
                  {ta.incidentKind[d.incidentKind] ?? d.incidentKind}
                  {d.text && d.incidentKind !== 'test' ? ` — ${d.text}` : ''}
                </td>
                <td>
                  {d.status === 'pending' && d.level > 0 && d.attempts === 0 && d.nextAt
                    ? ta.escalationAt(formatTime(Date.parse(d.nextAt)))
                    : (ta.status[d.status] ?? d.status)}
                  {d.nextAt && !(d.level > 0 && d.attempts === 0)
                    ? ` (${ta.nextAt(formatTime(Date.parse(d.nextAt)))})`
                    : ''}
                </td>
                <td
                  title={d.history.map((a) => ta.attempt(a.n, formatTime(Date.parse(a.at)), a.ok, a.error)).join('\n')}
                >
                  {d.attempts}/{d.maxAttempts}
                </td>
                <td className="alert-error">{d.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
