// Downloads: the signed-report PDF, the workbook, and each table as CSV; of a unit's report, that unit's.
import { CSV_TABLES } from '../../../../shared/report';
import { reportUrls } from '../../lib/reportApi';
import { useI18n } from '../../i18n/context';

export function ReportExports({ meetingId, unit = null }: { meetingId: string; unit?: string | null }) {
  const { t } = useI18n();
  const e = t.report.exports;
  return (
    <div className="rp-exports" data-testid="report-exports">
      <span className="muted">{e.title}:</span>
      <a className="toolbar-button" href={reportUrls.pdf(meetingId, unit)} download data-testid="export-pdf">
        {e.pdf}
      </a>
      <a className="toolbar-button" href={reportUrls.xlsx(meetingId, unit)} download data-testid="export-xlsx">
        {e.xlsx}
      </a>
      <details className="rp-csv">
        <summary className="toolbar-button">{e.csv}</summary>
        <ul>
          {CSV_TABLES.map((table) => (
            <li key={table}>
              <a href={reportUrls.csv(meetingId, table, unit)} download data-testid={`export-csv-${table}`}>
                {`${e.csv} — ${e.csvTables[table]}`}
              </a>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
