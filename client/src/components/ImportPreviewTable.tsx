// Every row of the file as read, its status, and its errors on the cells they concern. Long lists are
// cut for the browser's sake; the status filter reaches any row.
import type { ImportColumn, ImportPreview, PreviewRow, RowStatus } from '../../../shared/import';
import { useI18n } from '../i18n/context';

const MAX_SHOWN = 500;

export function ImportPreviewTable({ preview, filter }: { preview: ImportPreview; filter: RowStatus | null }) {
  const { t } = useI18n();
  const ti = t.admin.import;
  const columns: ImportColumn[] = preview.columns.map((c) => c.column);
  // The code is always shown: the file's, or the one made for the row.
  const withCode: ImportColumn[] = columns.includes('code') ? columns : ['code', ...columns];
  const rows = filter ? preview.rows.filter((r) => r.status === filter) : preview.rows;
  const shown = rows.slice(0, MAX_SHOWN);
  return (
    <div className="import-table-wrap">
      {rows.length > shown.length && <p className="muted">{ti.more(shown.length, rows.length)}</p>}
      <table className="import-table" data-testid="import-preview">
        <thead>
          <tr>
            <th>{ti.row}</th>
            <th>{ti.status}</th>
            {withCode.map((c) => (
              <th key={c}>{ti.columns[c]}</th>
            ))}
            <th>{ti.errors}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <Row key={r.row} row={r} columns={withCode} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ row, columns }: { row: PreviewRow; columns: ImportColumn[] }) {
  const { t, lang } = useI18n();
  const ti = t.admin.import;
  const bad = new Set(row.errors.map((e) => e.column));
  return (
    <tr className={`st-${row.status}`} data-testid={`import-row-${row.row}`} data-status={row.status}>
      <td className="num">{row.row}</td>
      <td>
        <span className={`badge st-${row.status}`}>{ti.counts[row.status]}</span>
      </td>
      {columns.map((c) => {
        const derived = c === 'code' && row.derivedCode && row.point;
        const value = derived ? row.point?.code : (row.cells[c] ?? (c === 'code' ? row.point?.code : ''));
        return (
          <td
            key={c}
            className={bad.has(c) ? 'cell-error' : derived ? 'derived' : undefined}
            data-column={c}
            title={derived ? ti.derived : undefined}
          >
            {value}
          </td>
        );
      })}
      <td className="row-errors">
        {row.errors.length > 0 && (
          <ul>
            {row.errors.map((e, i) => (
              <li key={i}>{lang === 'en' && e.messageEn ? e.messageEn : e.message}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
