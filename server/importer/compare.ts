// "Unchanged" means the same point once absent and empty optional fields are seen as one (a sheet
// cannot tell an empty room from no room), whatever the key order of the stored JSON.
import type { Point } from '../../shared/schemas';

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

export function samePoint(a: Point, b: Point): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
