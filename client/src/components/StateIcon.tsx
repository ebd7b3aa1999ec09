import type { PointState } from '../../../shared/schemas';
import { STATE_ICON } from '../lib/stateMeta';

export function StateIcon({ state }: { state: PointState }) {
  return (
    <span className={`state-icon s-${state}`} aria-hidden="true">
      {STATE_ICON[state]}
    </span>
  );
}
