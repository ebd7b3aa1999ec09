// "Unchanged" means the same point once absent and empty optional fields are seen as one (a sheet
// cannot tell an empty room from no room), whatever the key order of the stored JSON and the order of
// its targets (the sheet writes them by column, the config file in any order).
import type { Point, Target } from '../../shared/schemas';
import { targetId } from '../../shared/targets';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || v === '') continue;
      out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

const byIdentity = (targets: readonly Target[]): Target[] =>
  targets
    .map((t) => ({ t, key: `${t.role} ${targetId(t)}` }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((x) => x.t);

const pointKey = (p: Point): string => JSON.stringify(canonical({ ...p, targets: byIdentity(p.targets) }));

export function samePoint(a: Point, b: Point): boolean {
  return pointKey(a) === pointKey(b);
}
