// Who may do what: one table, one function. Every REST route and socket event asks `can` (through
// `authorize`), so a new handler (checklists, outage acknowledgement…) only names its action and, for
// point actions, the point. Hiding a button in the dashboard is a courtesy; this is the rule.
import type { Action, Role } from '../../shared/protocol';
import { ACTIONS } from '../../shared/protocol';
import { ForbiddenError } from './errors';
import { words, type Words } from '../../shared/words';

/** The part of a user the policy looks at. `units` limit a technician (empty: no limit). */
export interface Actor {
  name: string;
  role: Role;
  units: readonly string[];
}

/** What an action is about; point actions name the point's unit for the scope check. */
export type Resource = { kind: 'point'; code: string; unit: string };

export interface UnitTree {
  /** The parent unit's id; null for a root, undefined for an unknown unit. */
  parentOf(id: string): string | null | undefined;
}

interface Rule {
  roles: readonly Role[];
  /** A unit-limited technician may do it only on points within their units. */
  scoped: boolean;
  /** For the 403 message: what the action changes. */
  what: Words;
}

const RULES: Record<Action, Rule> = {
  read: {
    roles: ['admin', 'technician', 'viewer'],
    scoped: false,
    what: words('xem màn hình giám sát', 'read the monitor'),
  },
  'inventory:write': {
    roles: ['admin'],
    scoped: false,
    what: words('sửa đơn vị, điểm cầu và hội nghị', 'change units, points and meetings'),
  },
  'users:manage': { roles: ['admin'], scoped: false, what: words('quản lý tài khoản', 'manage accounts') },
  'point:test': {
    roles: ['admin', 'technician'],
    scoped: true,
    what: words('“kiểm tra ngay” một điểm cầu', 'run "test now" on a point'),
  },
  'checklist:write': {
    roles: ['admin', 'technician'],
    scoped: true,
    what: words('đánh dấu danh mục kiểm tra', 'tick line-test checklists'),
  },
  'outage:acknowledge': {
    roles: ['admin', 'technician'],
    scoped: true,
    what: words('xác nhận sự cố', 'acknowledge outages'),
  },
};

/** The roles in the technicians' words (the dashboard's names for them). */
const ROLE_WORDS: Record<Role, Words> = {
  admin: words('quản trị viên', 'admin'),
  technician: words('cán bộ kỹ thuật', 'technician'),
  viewer: words('người xem', 'viewer'),
};

/** Whether `unit` is one of `scope` or lies below one of them. */
export function withinUnits(unit: string, scope: readonly string[], tree: UnitTree): boolean {
  let id: string | null | undefined = unit;
  // The inventory forbids cycles; the bound keeps a broken tree from hanging a request.
  for (let depth = 0; id != null && depth < 64; depth++) {
    if (scope.includes(id)) return true;
    id = tree.parentOf(id);
  }
  return false;
}

/** Whether the role may do `action` at all, before any unit scope. */
export function roleAllows(role: Role, action: Action): boolean {
  return RULES[action].roles.includes(role);
}

export function can(actor: Actor, action: Action, resource?: Resource, tree?: UnitTree): boolean {
  const rule = RULES[action];
  if (!rule.roles.includes(actor.role)) return false;
  if (!rule.scoped || actor.role !== 'technician' || actor.units.length === 0) return true;
  // A limited technician acts on a named point of their units, never on "everything".
  return resource !== undefined && tree !== undefined && withinUnits(resource.unit, actor.units, tree);
}

/** Why `can` said no, for the 403 body and the socket ack, in Vietnamese and English. */
export function refusal(actor: Actor, action: Action, resource?: Resource): Words {
  const rule = RULES[action];
  if (!rule.roles.includes(actor.role)) {
    const allowed = rule.roles.filter((r) => r !== 'viewer');
    const role = ROLE_WORDS[actor.role];
    return words(
      `Không được phép: chỉ ${allowed.map((r) => ROLE_WORDS[r].vi).join(' hoặc ')} mới được ${rule.what.vi}; ` +
        `tài khoản “${actor.name}” là ${role.vi}.`,
      `Forbidden: only ${allowed.map((r) => ROLE_WORDS[r].en).join(' or ')} may ${rule.what.en}; ` +
        `"${actor.name}" is ${role.en}.`,
    );
  }
  const units = actor.units.join(', ');
  return resource
    ? words(
        `Không được phép: tài khoản “${actor.name}” chỉ được ${rule.what.vi} trong đơn vị ${units}; ` +
          `điểm cầu ${resource.code} (đơn vị ${resource.unit}) nằm ngoài.`,
        `Forbidden: "${actor.name}" may ${rule.what.en} only within ${units}; ` +
          `point ${resource.code} (unit ${resource.unit}) is outside.`,
      )
    : words(
        `Không được phép: tài khoản “${actor.name}” chỉ được ${rule.what.vi} trên điểm cầu thuộc đơn vị ${units}.`,
        `Forbidden: "${actor.name}" may ${rule.what.en} only on points within ${units}.`,
      );
}

/** Throws ForbiddenError (403 / ack "forbidden") unless the actor may. */
export function authorize(actor: Actor, action: Action, resource?: Resource, tree?: UnitTree): void {
  if (!can(actor, action, resource, tree)) throw new ForbiddenError(refusal(actor, action, resource));
}

/** The actions a role allows at all (a limited technician: on their units' points). For the client. */
export function permissionsOf(role: Role): Action[] {
  return ACTIONS.filter((a) => RULES[a].roles.includes(role));
}
