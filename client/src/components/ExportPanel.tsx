import { EXPORT_URLS } from '../live/api';
import { useI18n } from '../i18n/context';

export function ExportPanel() {
  const { t } = useI18n();
  return (
    <div className="export-panel">
      <p>{t.admin.export.intro}</p>
      <div className="button-row">
        <a className="primary-button" href={EXPORT_URLS.xlsx} download data-testid="export-xlsx">
          {t.admin.export.xlsx}
        </a>
        <a className="toolbar-button" href={EXPORT_URLS.csv} download data-testid="export-csv">
          {t.admin.export.csv}
        </a>
        <a className="toolbar-button" href={EXPORT_URLS.csvSemicolon} download data-testid="export-csv-semicolon">
          {t.admin.export.csvSemicolon}
        </a>
      </div>
    </div>
  );
}
