// Above a grid (NV4): in a region's grid, the way back to the overview and which region this is; in a
// small meeting's whole grid, the overview one click away.
import { useI18n } from '../../i18n/context';

export function ViewBar({
  region,
  points,
  onOverview,
}: {
  /** The region's name in its grid; null in the whole meeting's grid. */
  region: string | null;
  /** The grid's points, once loaded. */
  points: number | null;
  onOverview: () => void;
}) {
  const { t, lang } = useI18n();
  if (region === null) {
    return (
      <div className="view-bar">
        <button
          type="button"
          className="toolbar-button"
          data-testid="open-overview"
          title={t.national.openHint}
          onClick={onOverview}
        >
          {t.national.open}
        </button>
      </div>
    );
  }
  return (
    <div className="view-bar region-bar">
      <button
        type="button"
        className="toolbar-button back-button"
        data-testid="back-to-overview"
        title={t.national.backHint}
        onClick={onOverview}
      >
        {t.national.back}
      </button>
      <h2 className="view-title" data-testid="region-title">
        {points === null
          ? region
          : t.national.regionPoints(region, points.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB'))}
      </h2>
    </div>
  );
}
