import { memo } from 'react';
import type { WirePoint } from '../../../shared/wire';
import { Tile } from './Tile';

export const TileRow = memo(function TileRow({
  codes,
  pointsByCode,
  columns,
}: {
  codes: readonly string[];
  pointsByCode: ReadonlyMap<string, WirePoint>;
  columns: number;
}) {
  return (
    <div className="tile-row" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
      {codes.map((code) => (
        <Tile key={code} code={code} name={pointsByCode.get(code)?.name ?? code} />
      ))}
    </div>
  );
});
