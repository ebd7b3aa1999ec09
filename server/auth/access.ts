// The policy applied to the live inventory: point actions are checked against the point's unit and
// its ancestors. REST handlers and socket handlers call `check` with the action and, for point
// actions, the point's code.
import type { Action } from '../../shared/protocol';
import { notFound } from '../errors';
import type { Inventory } from '../inventory/inventory';
import { authorize, type Actor, type Resource, type UnitTree } from './policy';

export class Access {
  readonly tree: UnitTree;

  constructor(private readonly inventory: Inventory) {
    this.tree = { parentOf: (id) => inventory.unit(id)?.parent };
  }

  /** The resource of a point action; NotFoundError for an unknown code. */
  point(code: string): Resource {
    const p = this.inventory.point(code);
    if (!p) throw notFound('point', code);
    return { kind: 'point', code: p.code, unit: p.unit };
  }

  /** Throws ForbiddenError unless `actor` may do `action` (on point `pointCode`, when given). */
  check(actor: Actor, action: Action, pointCode?: string): void {
    authorize(actor, action, pointCode === undefined ? undefined : this.point(pointCode), this.tree);
  }
}
