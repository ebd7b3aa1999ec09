// The wall's order: problems first, most urgent first (down, endpoint not answering, severe, degraded,
// unknown), each run in the unit tree's order; then every point that is up, in the same order
// (districts stay together). A room whose line answers but whose codec does not is out of the meeting
// as surely as a cut line, so it comes right after the down points ([TG5]).
import type { PointState } from '../../../../shared/schemas';
import type { PointGroup } from '../../lib/grouping';

const RANK: Record<PointState, number> = { down: 0, severe: 2, degraded: 3, unknown: 4, up: 5 };
const ENDPOINT_DOWN = 1;

export interface WallOrder {
  problems: string[];
  others: string[];
  /** How many of `problems` are down (they lead). */
  down: number;
}

/** `endpointDown`: the line is reachable and the room's endpoint does not answer. */
export function wallOrder(
  groups: readonly PointGroup[],
  stateOf: (code: string) => PointState,
  endpointDown: (code: string) => boolean = () => false,
): WallOrder {
  const runs: string[][] = [[], [], [], [], [], []];
  for (const g of groups)
    for (const code of g.codes) runs[endpointDown(code) ? ENDPOINT_DOWN : RANK[stateOf(code)]]!.push(code);
  const [down, endpoint, severe, degraded, unknown, up] = runs as [
    string[],
    string[],
    string[],
    string[],
    string[],
    string[],
  ];
  return { problems: [...down, ...endpoint, ...severe, ...degraded, ...unknown], others: up, down: down.length };
}
