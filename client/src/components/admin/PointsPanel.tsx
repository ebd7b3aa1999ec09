// "Điểm cầu": find a point (code, name or unit, diacritics-insensitive) and edit it, add a new one or
// delete one. The list is one scrolling column beside the form, so a province's 400 points stay usable.
import { useEffect, useMemo, useState } from 'react';
import type { Point, Unit } from '../../../../shared/schemas';
import { useI18n } from '../../i18n/context';
import { fold, matchesTokens, queryTokens } from '../../lib/fold';
import { api } from '../../live/api';
import { pointsApi } from './PointsApi';
import { draftOfPoint, emptyDraft } from './PointsDraft';
import { PointsEditor } from './PointsEditor';
import { PointsList } from './PointsList';
// oxlint-disable-next-line import/no-unassigned-import -- the section's own styles, bundled by Vite
import './points-admin.css';

/** What the form shows: a point by code, a new one, or nothing yet. */
type Selection = { kind: 'none' } | { kind: 'point'; code: string } | { kind: 'new' };

export function PointsPanel() {
  const { t } = useI18n();
  const tp = t.points;
  const [points, setPoints] = useState<Point[] | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selection, setSelection] = useState<Selection>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all([pointsApi.list(ctrl.signal), api.units(ctrl.signal)])
      .then(([ps, us]) => {
        setPoints(ps);
        setUnits(us);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setLoadError(`${tp.loadError}: ${err instanceof Error ? err.message : String(err)}`);
      });
    return () => ctrl.abort();
  }, [tp.loadError]);

  const unitNames = useMemo(() => new Map(units.map((u) => [u.id, u.name])), [units]);
  const keyed = useMemo(
    () =>
      (points ?? [])
        .map((p) => ({ point: p, key: fold(`${p.code} ${p.name} ${p.unit} ${unitNames.get(p.unit) ?? ''}`) }))
        .sort((a, b) => a.point.code.localeCompare(b.point.code, 'vi', { numeric: true })),
    [points, unitNames],
  );
  const tokens = queryTokens(query);
  const shown = keyed.filter((k) => matchesTokens(k.key, tokens)).map((k) => k.point);
  const selected = selection.kind === 'point' ? points?.find((p) => p.code === selection.code) : undefined;

  const select = (next: Selection): void => {
    setSelection(next);
    setNotice(null);
  };
  const saved = (p: Point, created: boolean): void => {
    setPoints((ps) => [...(ps ?? []).filter((x) => x.code !== p.code), p]);
    setSelection({ kind: 'point', code: p.code });
    setNotice(created ? tp.created(p.code) : tp.saved(p.code));
  };
  const deleted = (code: string): void => {
    setPoints((ps) => (ps ?? []).filter((x) => x.code !== code));
    setSelection({ kind: 'none' });
    setNotice(tp.deleted(code));
  };

  if (loadError) {
    return (
      <p className="form-error" role="alert">
        {loadError}
      </p>
    );
  }
  if (points === null) return <p className="muted">{tp.loading}</p>;

  return (
    <div className="points-panel" data-testid="points-panel">
      <aside className="points-side">
        <button
          type="button"
          className="toolbar-button"
          data-testid="point-new"
          onClick={() => select({ kind: 'new' })}
        >
          {tp.add}
        </button>
        <input
          type="search"
          className="points-search"
          aria-label={tp.search}
          placeholder={tp.search}
          data-testid="points-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <p className="muted" data-testid="points-count">
          {tp.count(shown.length, points.length)}
        </p>
        <PointsList
          points={shown}
          unitNames={unitNames}
          selected={selection.kind === 'point' ? selection.code : null}
          onSelect={(code) => select({ kind: 'point', code })}
        />
        {shown.length === 0 && <p className="muted">{tp.none}</p>}
      </aside>
      <div className="points-main">
        {notice && (
          <p className="success" role="status" data-testid="points-notice">
            {notice}
          </p>
        )}
        {selection.kind === 'new' && (
          <PointsEditor
            key="new"
            initial={emptyDraft()}
            isNew
            units={units}
            onSaved={saved}
            onDeleted={deleted}
            onCancel={() => select({ kind: 'none' })}
          />
        )}
        {selected && (
          <PointsEditor
            key={selected.code}
            initial={draftOfPoint(selected)}
            isNew={false}
            units={units}
            onSaved={saved}
            onDeleted={deleted}
            onCancel={() => select({ kind: 'none' })}
          />
        )}
        {selection.kind === 'none' && <p className="muted">{tp.pick}</p>}
      </div>
    </div>
  );
}
