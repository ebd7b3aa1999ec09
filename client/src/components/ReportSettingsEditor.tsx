// The admin page "Báo cáo PDF": who issues the report (organisation, superior body, number pattern,
// place, signers, recipients), saved over GET/PUT/DELETE /api/report/settings. The server validates
// the whole form and names the field at fault; nothing is saved on an error.
import { useEffect, useState } from 'react';
import type { ReportSettingsView, ReportSettingsInput } from '../../../shared/report-settings';
import { useI18n } from '../i18n/context';
import { REPORT_SETTINGS_MESSAGES } from '../i18n/reportSettings';
import { apiHeaders } from '../lib/apiHeaders';

const PATH = '/api/report/settings';

interface Form {
  organization: string;
  superior: string;
  numberPattern: string;
  place: string;
  signers: { authority: string; title: string; name: string }[];
  recipients: string;
}

const toForm = (v: ReportSettingsView): Form => ({
  organization: v.settings.organization ?? '',
  superior: v.settings.superior ?? '',
  numberPattern: v.settings.numberPattern,
  place: v.settings.place ?? '',
  signers: v.settings.signers.map((s) => ({ authority: s.authority ?? '', title: s.title, name: s.name ?? '' })),
  recipients: v.settings.recipients.join('\n'),
});

const toBody = (f: Form): ReportSettingsInput => ({
  ...f,
  recipients: f.recipients
    .split('\n')
    .map((r) => r.trim())
    .filter(Boolean),
});

async function call(method: 'GET' | 'PUT' | 'DELETE', body?: unknown): Promise<ReportSettingsView> {
  const init: RequestInit =
    body === undefined
      ? { method, headers: apiHeaders() }
      : { method, headers: apiHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) };
  const res = await fetch(PATH, init);
  const json = (await res.json().catch(() => null)) as
    (ReportSettingsView & { error?: undefined }) | { error: { message: string } } | null;
  if (!res.ok || !json || json.error) throw new Error(json?.error?.message ?? `${res.status} ${res.statusText}`);
  return json as ReportSettingsView;
}

export function ReportSettingsEditor() {
  const { lang } = useI18n();
  const m = REPORT_SETTINGS_MESSAGES[lang];
  const [view, setView] = useState<ReportSettingsView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = (v: ReportSettingsView) => {
    setView(v);
    setForm(toForm(v));
  };
  useEffect(() => {
    call('GET').then(
      (v) => {
        setView(v);
        setForm(toForm(v));
      },
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  }, []);

  if (!form || !view) return <p>{message?.text ?? m.loading}</p>;
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });
  const setSigner = (i: number, patch: Partial<Form['signers'][number]>) =>
    set({ signers: form.signers.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const run = (p: Promise<ReportSettingsView>, ok: string) =>
    p.then(
      (v) => {
        load(v);
        setMessage({ ok: true, text: ok });
      },
      (e: Error) => setMessage({ ok: false, text: e.message }),
    );
  const field = (key: 'organization' | 'superior' | 'numberPattern' | 'place', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`report-settings-${key}`}
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
    </label>
  );
  return (
    <form
      className="report-settings"
      data-testid="report-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void run(call('PUT', toBody(form)), m.saved);
      }}
    >
      <p>{m.intro}</p>
      <p data-testid="report-settings-source">{m.sources[view.source]}</p>
      {field('superior', m.superior)}
      {field('organization', m.organization)}
      {field('numberPattern', m.numberPattern)}
      {field('place', m.place)}
      <fieldset>
        <legend>{m.signers}</legend>
        {form.signers.map((s, i) => (
          <div className="button-row" key={i}>
            <input
              aria-label={m.authority}
              placeholder={m.authority}
              value={s.authority}
              onChange={(e) => setSigner(i, { authority: e.target.value })}
            />
            <input
              aria-label={m.title}
              placeholder={m.title}
              data-testid={`report-settings-signer-title-${i}`}
              value={s.title}
              onChange={(e) => setSigner(i, { title: e.target.value })}
            />
            <input
              aria-label={m.name}
              placeholder={m.name}
              value={s.name}
              onChange={(e) => setSigner(i, { name: e.target.value })}
            />
            <button
              type="button"
              className="toolbar-button"
              onClick={() => set({ signers: form.signers.filter((_, j) => j !== i) })}
            >
              {m.remove}
            </button>
          </div>
        ))}
        {form.signers.length < 3 && (
          <button
            type="button"
            className="toolbar-button"
            data-testid="report-settings-add-signer"
            onClick={() => set({ signers: [...form.signers, { authority: '', title: '', name: '' }] })}
          >
            {m.addSigner}
          </button>
        )}
      </fieldset>
      <label className="field">
        <span>{m.recipients}</span>
        <textarea
          rows={5}
          data-testid="report-settings-recipients"
          value={form.recipients}
          onChange={(e) => set({ recipients: e.target.value })}
        />
      </label>
      <div className="button-row">
        <button type="submit" className="primary-button" data-testid="report-settings-save">
          {m.save}
        </button>
        <button type="button" className="toolbar-button" onClick={() => void run(call('DELETE'), m.saved)}>
          {m.reset}
        </button>
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} data-testid="report-settings-message">
          {message.text}
        </p>
      )}
    </form>
  );
}
