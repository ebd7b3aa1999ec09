// The wall's order: problems first, most urgent first (down, severe, degraded, unknown), each run in
// the unit tree's order; then every point that is up, in the same order (districts stay together).
import type { PointState } from '../../../../shared/schemas';
import type { PointGroup } from '../../lib/grouping';

const RANK: Record<PointState, number> = { down: 0, severe: 1, degraded: 2, unknown: 3, up: 4 };

export interface WallOrder {
  problems: string[];
  others: string[];
  /** How many of `problems` are down (they lead). */
  down: number;
}

export function wallOrder(groups: readonly PointGroup[], stateOf: (code: string) => PointState): WallOrder {
  const runs: string[][] = [[], [], [], [], []];
  for (const g of groups) for (const code of g.codes) runs[RANK[stateOf(code)]]!.push(code);
  const [down, severe, degraded, unknown, up] = runs as [string[], string[], string[], string[], string[]];
  return { problems: [...down, ...severe, ...degraded, ...unknown], others: up, down: down.length };
}
