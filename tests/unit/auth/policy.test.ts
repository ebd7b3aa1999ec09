// The access policy as a table: every role × every action, with and without a unit scope.
import { describe, expect, it } from 'vitest';
import { ACTIONS, type Action, type Role } from '../../../shared/protocol';
import {
  authorize,
  can,
  permissionsOf,
  refusal,
  withinUnits,
  type Actor,
  type UnitTree,
} from '../../../server/auth/policy';
import { ForbiddenError } from '../../../server/auth/errors';

// P → D1 → C1, P → D2 → C2
const PARENT: Record<string, string | null> = { P: null, D1: 'P', D2: 'P', C1: 'D1', C2: 'D2' };
const tree: UnitTree = { parentOf: (id) => PARENT[id] };
const actor = (role: Role, units: string[] = []): Actor => ({ name: `u-${role}`, role, units });
const inC1 = { kind: 'point', code: 'X1', unit: 'C1' } as const;
const inC2 = { kind: 'point', code: 'X2', unit: 'C2' } as const;

const ALLOWED: Record<Role, readonly Action[]> = {
  admin: ACTIONS,
  technician: ['read', 'point:test', 'checklist:write', 'outage:acknowledge'],
  viewer: ['read'],
};

describe('policy: can(user, action, resource)', () => {
  for (const role of ['admin', 'technician', 'viewer'] as const) {
    for (const action of ACTIONS) {
      const allowed = ALLOWED[role].includes(action);
      it(`${role} ${allowed ? 'may' : 'may not'} ${action}`, () => {
        expect(can(actor(role), action, inC1, tree)).toBe(allowed);
        expect(can(actor(role), action)).toBe(allowed);
        let thrown: unknown = null;
        try {
          authorize(actor(role), action, inC1, tree);
        } catch (err) {
          thrown = err;
        }
        expect(thrown instanceof ForbiddenError).toBe(!allowed);
      });
    }
  }

  it('limits a scoped technician to points in their units and below, for point actions only', () => {
    const t = actor('technician', ['D1']);
    for (const action of ['point:test', 'checklist:write', 'outage:acknowledge'] as const) {
      expect(can(t, action, inC1, tree)).toBe(true);
      expect(can(t, action, { kind: 'point', code: 'D', unit: 'D1' }, tree)).toBe(true);
      expect(can(t, action, inC2, tree)).toBe(false);
      expect(can(t, action, { kind: 'point', code: 'PP', unit: 'P' }, tree)).toBe(false);
      // No point named: a limited technician cannot act on "everything".
      expect(can(t, action)).toBe(false);
    }
    expect(can(t, 'read')).toBe(true);
    expect(can(t, 'inventory:write', inC1, tree)).toBe(false);
  });

  it('does not let a scope widen an admin or change a viewer', () => {
    expect(can(actor('admin', ['D1']), 'point:test', inC2, tree)).toBe(true);
    expect(can(actor('viewer', ['D1']), 'point:test', inC1, tree)).toBe(false);
  });

  it('[WE6] explains a refusal by role and by scope, in Vietnamese and in English', () => {
    const byRole = refusal(actor('viewer'), 'inventory:write');
    expect(byRole.vi).toBe(
      'Không được phép: chỉ quản trị viên mới được sửa đơn vị, điểm cầu và hội nghị; tài khoản “u-viewer” là người xem.',
    );
    expect(byRole.en).toMatch(/only admin may change units, points and meetings; "u-viewer" is viewer/);
    const test = refusal(actor('viewer'), 'point:test');
    expect(test.vi).toMatch(/chỉ quản trị viên hoặc cán bộ kỹ thuật mới được “kiểm tra ngay” một điểm cầu/);
    expect(test.en).toMatch(/only admin or technician may run "test now"/);
    const scope = refusal(actor('technician', ['D1']), 'point:test', inC2);
    expect(scope.vi).toMatch(/trong đơn vị D1; điểm cầu X2 \(đơn vị C2\) nằm ngoài/);
    expect(scope.en).toMatch(/only within D1; point X2 \(unit C2\) is outside/);
  });

  it('walks unit ancestry with a bound, so a broken tree cannot hang a request', () => {
    expect(withinUnits('C1', ['P'], tree)).toBe(true);
    expect(withinUnits('C2', ['D1'], tree)).toBe(false);
    expect(withinUnits('GONE', ['P'], tree)).toBe(false);
    const loop: UnitTree = { parentOf: (id) => (id === 'A' ? 'B' : 'A') };
    expect(withinUnits('A', ['Z'], loop)).toBe(false);
  });

  it('lists the permissions of each role for the client', () => {
    expect(permissionsOf('viewer')).toEqual(['read']);
    expect(permissionsOf('technician')).toEqual(ALLOWED.technician);
    expect(permissionsOf('admin')).toEqual([...ACTIONS]);
  });
});
