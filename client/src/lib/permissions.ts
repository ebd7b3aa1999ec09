// What the signed-in user may do, to hide what they cannot. The server decides anyway (every route and
// socket event is authorised there); this mirrors its policy so a viewer is not offered buttons that
// would only be refused.
import type { Action, Me } from '../../../shared/protocol';
import type { Unit } from '../../../shared/schemas';

/** Actions that a technician limited to units may do only on the points of those units. */
export const SCOPED_ACTIONS: readonly Action[] = ['point:test', 'checklist:write', 'outage:acknowledge'];

/** Whether the role allows `action` at all (for a point action: on at least some points). */
export function may(me: Me | null, action: Action): boolean {
  return me !== null && me.permissions.includes(action);
}

/** Whether `unitId` is one of `scope` or lies below one of them, walking `parent`. */
export function withinUnits(unitId: string, scope: readonly string[], unitsById: ReadonlyMap<string, Unit>): boolean {
  let id: string | null = unitId;
  // The inventory forbids cycles; the bound keeps a broken tree from hanging the page.
  for (let depth = 0; id !== null && depth < 64; depth++) {
    if (scope.includes(id)) return true;
    id = unitsById.get(id)?.parent ?? null;
  }
  return false;
}

/** Whether the user may do `action` on a point of unit `unitId` (the unit scope of a technician). */
export function mayOnPoint(
  me: Me | null,
  action: Action,
  unitId: string,
  unitsById: ReadonlyMap<string, Unit>,
): boolean {
  if (me === null || !may(me, action)) return false;
  const { role, units } = me.user;
  if (!SCOPED_ACTIONS.includes(action) || role !== 'technician' || units.length === 0) return true;
  return withinUnits(unitId, units, unitsById);
}
