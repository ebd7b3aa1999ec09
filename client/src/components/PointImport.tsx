// Choose a point list → its preview (counts, the columns found, every row with its errors) → import
// all of it, or only its valid rows. The file is kept and sent again to apply: the server previews it
// once more against the inventory as it is then, so what is applied is never a stale preview.
import { useState } from 'react';
import type { ImportPreview, ImportReport, RowStatus } from '../../../shared/import';
import { api } from '../live/api';
import { useI18n } from '../i18n/context';
import { FileChooser } from './FileChooser';
import { ImportPreviewTable } from './ImportPreviewTable';

type State =
  | { kind: 'idle' }
  | { kind: 'reading'; file: File }
  | { kind: 'error'; file: File; message: string }
  | { kind: 'ready'; file: File; preview: ImportPreview }
  | { kind: 'applying'; file: File; preview: ImportPreview };

const STATUSES: readonly RowStatus[] = ['new', 'updated', 'unchanged', 'invalid'];
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function PointImport() {
  const { t } = useI18n();
  const ti = t.admin.import;
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [report, setReport] = useState<ImportReport | null>(null);
  const [filter, setFilter] = useState<RowStatus | null>(null);

  const read = (file: File, keepReport = false): void => {
    setState({ kind: 'reading', file });
    if (!keepReport) setReport(null);
    setFilter(null);
    api
      .importPreview(file)
      .then((preview) => setState({ kind: 'ready', file, preview }))
      .catch((err: unknown) => setState({ kind: 'error', file, message: message(err) }));
  };

  const apply = (validOnly: boolean): void => {
    if (state.kind !== 'ready') return;
    const { file, preview } = state;
    setState({ kind: 'applying', file, preview });
    api
      .importApply(file, validOnly)
      .then((r) => {
        setReport(r);
        // Show the file against the inventory as it is now: its rows read "unchanged".
        read(file, true);
      })
      .catch((err: unknown) => setState({ kind: 'error', file, message: message(err) }));
  };

  const preview = state.kind === 'ready' || state.kind === 'applying' ? state.preview : null;
  const counts = preview?.counts;
  const changes = counts ? counts.new + counts.updated : 0;
  const busy = state.kind === 'reading' || state.kind === 'applying';

  return (
    <div className="point-import">
      <FileChooser
        label={ti.choose}
        accept=".csv,.xlsx,text/csv"
        testId="import-file"
        disabled={busy}
        onFile={(f) => read(f)}
      />
      <p className="muted">{ti.hint}</p>
      {state.kind === 'reading' && <p className="muted">{ti.reading}</p>}
      {state.kind === 'error' && (
        <p className="form-error" role="alert" data-testid="import-error">
          {`${state.file.name}: ${state.message}`}
        </p>
      )}
      {report && (
        <p className="success" role="status" data-testid="import-report">
          {ti.report(report.created.length, report.updated.length, report.unchanged, report.skippedRows.length)}
        </p>
      )}
      {preview && counts && (
        <>
          <h2>
            {state.kind !== 'idle' && state.file.name}{' '}
            <span className="muted">
              ({preview.format.toUpperCase()}
              {preview.sheet ? ` · ${ti.sheet} “${preview.sheet}”` : ''} · {ti.headerRow(preview.headerRow)})
            </span>
          </h2>
          <div className="import-counts" role="group">
            <button type="button" className={filter === null ? 'active' : undefined} onClick={() => setFilter(null)}>
              {ti.all} <b>{preview.rows.length}</b>
            </button>
            {STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                className={`count-${s}${filter === s ? ' active' : ''}`}
                data-testid={`import-count-${s}`}
                data-count={counts[s]}
                onClick={() => setFilter(filter === s ? null : s)}
              >
                {ti.counts[s]} <b>{counts[s]}</b>
              </button>
            ))}
          </div>
          <p className="import-columns">
            <span className="muted">{ti.mapped}:</span>{' '}
            {preview.columns.map((c) => `${c.header} → ${ti.columns[c.column]}`).join(' · ')}
            {preview.ignoredHeaders.length > 0 && (
              <>
                <br />
                <span className="muted">{ti.ignored}:</span> {preview.ignoredHeaders.join(' · ')}
              </>
            )}
          </p>
          <div className="button-row">
            <button
              type="button"
              className="primary-button"
              data-testid="import-apply"
              disabled={busy || counts.invalid > 0 || changes === 0}
              onClick={() => apply(false)}
            >
              {state.kind === 'applying' ? ti.applying : ti.apply}
            </button>
            {counts.invalid > 0 && (
              <button
                type="button"
                className="toolbar-button"
                data-testid="import-apply-valid"
                disabled={busy || changes === 0}
                onClick={() => apply(true)}
              >
                {ti.applyValid}
              </button>
            )}
            <span className="muted" data-testid="import-status">
              {counts.invalid > 0 ? ti.blocked(counts.invalid) : changes === 0 ? ti.nothing : ''}
            </span>
          </div>
          <ImportPreviewTable preview={preview} filter={filter} />
        </>
      )}
    </div>
  );
}
