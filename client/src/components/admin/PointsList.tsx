// The points matching the search, one button each (code, name, unit), in a column of its own that
// scrolls: 400 rows are a few hundred small buttons, no virtualisation needed.
import type { Point } from '../../../../shared/schemas';

export function PointsList({
  points,
  unitNames,
  selected,
  onSelect,
}: {
  points: Point[];
  unitNames: ReadonlyMap<string, string>;
  selected: string | null;
  onSelect: (code: string) => void;
}) {
  return (
    <ul className="points-list" data-testid="points-list">
      {points.map((p) => (
        <li key={p.code}>
          <button
            type="button"
            data-testid={`points-item-${p.code}`}
            aria-current={p.code === selected ? 'true' : undefined}
            className={p.code === selected ? 'active' : undefined}
            onClick={() => onSelect(p.code)}
          >
            <code>{p.code}</code> <span className="points-item-name">{p.name}</span>
            <span className="muted points-item-unit">{unitNames.get(p.unit) ?? p.unit}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
