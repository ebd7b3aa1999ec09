// The dashboard hides what the user may not do; it must hide exactly what the server refuses. The
// client's rule is checked by example and against the server's own policy (server/auth/policy.ts).
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, type Me, type Role } from '../../../shared/protocol';
import type { Unit } from '../../../shared/schemas';
import { can, permissionsOf } from '../../../server/auth/policy';
import { may, mayOnPoint, withinUnits } from '../../../client/src/lib/permissions';
import { unit } from './fixtures';

function me(role: Role, units: string[] = []): Me {
  return {
    user: { name: `u-${role}`, displayName: null, role, units, createdAt: '', updatedAt: '' },
    permissions: permissionsOf(role),
    session: { createdAt: '', expiresAt: '', idleMinutes: 720 },
  };
}

// HT (province) → HT-CL, HT-CX (districts) → communes; a post-2025 province has no district level.
const UNITS: Unit[] = [
  unit('HT', 'province', null),
  unit('HT-CL', 'district', 'HT'),
  unit('HT-CL-DL', 'commune', 'HT-CL'),
  unit('HT-CL-TL', 'commune', 'HT-CL'),
  unit('HT-CX', 'district', 'HT'),
  unit('HT-CX-XA', 'commune', 'HT-CX'),
];
const byId = new Map(UNITS.map((u) => [u.id, u]));

describe('what a role may do', () => {
  it('offers the admin view to admins only', () => {
    expect(may(me('admin'), 'inventory:write')).toBe(true);
    expect(may(me('technician'), 'inventory:write')).toBe(false);
    expect(may(me('viewer'), 'inventory:write')).toBe(false);
    expect(may(null, 'read')).toBe(false);
  });

  it('offers "test now" to admins and technicians, never to viewers', () => {
    expect(mayOnPoint(me('admin'), 'point:test', 'HT-CX-XA', byId)).toBe(true);
    expect(mayOnPoint(me('technician'), 'point:test', 'HT-CX-XA', byId)).toBe(true);
    expect(mayOnPoint(me('viewer'), 'point:test', 'HT-CL-DL', byId)).toBe(false);
    expect(mayOnPoint(null, 'point:test', 'HT-CL-DL', byId)).toBe(false);
  });

  it('limits a technician with units to the points of those units and below', () => {
    const kt = me('technician', ['HT-CL']);
    expect(mayOnPoint(kt, 'point:test', 'HT-CL', byId)).toBe(true);
    expect(mayOnPoint(kt, 'point:test', 'HT-CL-DL', byId)).toBe(true);
    expect(mayOnPoint(kt, 'point:test', 'HT-CX-XA', byId)).toBe(false);
    // Above the scope is outside it too.
    expect(mayOnPoint(kt, 'point:test', 'HT', byId)).toBe(false);
    expect(mayOnPoint(kt, 'checklist:write', 'HT-CL-TL', byId)).toBe(true);
    // Reading is never limited.
    expect(mayOnPoint(kt, 'read', 'HT-CX-XA', byId)).toBe(true);
  });

  it('does not limit an admin that happens to carry units', () => {
    expect(mayOnPoint(me('admin', ['HT-CL']), 'point:test', 'HT-CX-XA', byId)).toBe(true);
  });

  it('walks parents to any depth, stops at unknown units, and survives a cycle', () => {
    expect(withinUnits('HT-CL-DL', ['HT'], byId)).toBe(true);
    expect(withinUnits('NOWHERE', ['HT'], byId)).toBe(false);
    expect(withinUnits('NOWHERE', ['NOWHERE'], byId)).toBe(true);
    const cyclic = new Map([
      ['A', unit('A', 'district', 'B')],
      ['B', unit('B', 'district', 'A')],
    ]);
    expect(withinUnits('A', ['X'], cyclic)).toBe(false);
    expect(withinUnits('A', ['B'], cyclic)).toBe(true);
  });

  it('agrees with the server policy for every role, action, scope and unit tree', () => {
    const ids = ['U0', 'U1', 'U2', 'U3', 'U4', 'U5'];
    fc.assert(
      fc.property(
        // parent[i] is an earlier unit or none: a forest, as the inventory allows.
        fc.tuple(...ids.map((_, i) => fc.integer({ min: -1, max: i - 1 }))),
        fc.constantFrom<Role>('admin', 'technician', 'viewer'),
        fc.subarray(ids),
        fc.constantFrom<Action>(...ACTIONS),
        fc.constantFrom(...ids),
        (parents, role, scope, action, pointUnit) => {
          const units = ids.map((id, i) => unit(id, 'commune', parents[i]! >= 0 ? ids[parents[i]!]! : null));
          const map = new Map(units.map((u) => [u.id, u]));
          const tree = { parentOf: (id: string) => (map.has(id) ? map.get(id)!.parent : undefined) };
          const server = can(
            { name: 'x', role, units: scope },
            action,
            { kind: 'point', code: 'P', unit: pointUnit },
            tree,
          );
          expect(mayOnPoint(me(role, scope), action, pointUnit, map)).toBe(server);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
