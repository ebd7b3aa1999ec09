// Account management, shared by the REST API (admins) and the `diemcau user` command line: the rules
// live here once. No default password exists anywhere; the last admin cannot be removed or demoted;
// a password change or a removal ends the user's sessions (and so their sockets).
import { NewUserBody, UserUpdateBody, type Role, type UserView } from '../../shared/protocol';
import { words } from '../../shared/words';
import { toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import { ValidationError, issueOf, notFound, parseOrThrow, type InputIssue } from '../errors';
import { ConflictError } from '../http/errors';
import type { Store, UserRow } from '../store/types';
import { hashPassword } from './password';
import type { Sessions } from './sessions';

export interface UsersOptions {
  store: Store;
  clock: Clock;
  sessions: Sessions;
  /** Unit ids a technician may be limited to; null: not checked (e.g. no inventory loaded yet). */
  knownUnits?: () => ReadonlySet<string> | null;
}

export function presentUser(u: UserRow): UserView {
  return {
    name: u.name,
    displayName: u.displayName,
    role: u.role,
    units: u.units,
    createdAt: toWireInstant(u.createdAt),
    updatedAt: toWireInstant(u.updatedAt),
  };
}

/** The refusal of a name already taken (by the dashboard, the CLI or another process meanwhile). */
const userExists = (name: string) => words(`tài khoản ${name} đã có`, `user ${name} exists`);

export class Users {
  constructor(private readonly o: UsersOptions) {}

  list(): Promise<UserRow[]> {
    return this.o.store.listUsers();
  }

  get(name: string): Promise<UserRow | undefined> {
    return this.o.store.getUser(name);
  }

  async find(name: string): Promise<UserRow> {
    const u = await this.o.store.getUser(name);
    if (!u) throw notFound('user', name);
    return u;
  }

  /** Parses `body` (NewUserBody), hashes the password, stores the user. */
  async create(body: unknown): Promise<UserRow> {
    const b = parseOrThrow(NewUserBody, body);
    this.checkUnits(b.role, b.units);
    if (await this.o.store.getUser(b.name)) throw new ConflictError(userExists(b.name));
    const passwordHash = await hashPassword(b.password);
    const now = this.o.clock.now();
    try {
      return await this.o.store.createUser({
        name: b.name,
        displayName: b.displayName,
        role: b.role,
        units: b.units,
        passwordHash,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      // Created meanwhile (the CLI and the server share the file).
      if (await this.o.store.getUser(b.name)) throw new ConflictError(userExists(b.name));
      throw err;
    }
  }

  /**
   * Replaces role, units and display name (UserUpdateBody); a new password ends the user's other
   * sessions — all but `keepSession`, the one making the change when users change their own.
   */
  async update(name: string, body: unknown, keepSession?: string): Promise<UserRow> {
    const b = parseOrThrow(UserUpdateBody, body);
    const user = await this.find(name);
    this.checkUnits(b.role, b.units);
    if (user.role === 'admin' && b.role !== 'admin') await this.keepAnAdmin(user, 'change the role of');
    const passwordHash = b.password === undefined ? undefined : await hashPassword(b.password);
    const next = await this.o.store.updateUser(name, {
      role: b.role,
      units: b.units,
      displayName: b.displayName,
      passwordHash,
      updatedAt: this.o.clock.now(),
    });
    if (!next) throw notFound('user', name);
    if (passwordHash !== undefined) await this.o.sessions.endUserSessions(user.id, 'revoked', keepSession);
    return next;
  }

  /** Sets a password (CLI `user passwd`); every session of the user ends. */
  async setPassword(name: string, password: string): Promise<void> {
    const user = await this.find(name);
    const passwordHash = await hashPassword(parseOrThrow(NewUserBody.shape.password, password, ['password']));
    await this.o.store.updateUser(name, { passwordHash, updatedAt: this.o.clock.now() });
    await this.o.sessions.endUserSessions(user.id, 'revoked');
  }

  async remove(name: string): Promise<void> {
    const user = await this.find(name);
    if (user.role === 'admin') await this.keepAnAdmin(user, 'remove');
    // Sessions first, so their sockets hear "revoked" before the cascade takes them silently.
    await this.o.sessions.endUserSessions(user.id, 'revoked');
    await this.o.store.deleteUser(name);
  }

  private async keepAnAdmin(user: UserRow, verb: string): Promise<void> {
    const admins = (await this.o.store.listUsers()).filter((u) => u.role === 'admin');
    if (admins.length <= 1 && admins[0]?.id === user.id) {
      throw new ConflictError(
        words(
          `không thể ${verb === 'remove' ? 'xoá' : 'hạ quyền'} ${user.name}: đây là quản trị viên (admin) cuối cùng; hãy tạo một admin khác trước`,
          `cannot ${verb} "${user.name}": it is the last admin; create another admin first`,
        ),
      );
    }
  }

  private checkUnits(role: Role, units: readonly string[]): void {
    const issues: InputIssue[] = [];
    if (units.length > 0 && role !== 'technician') {
      issues.push(
        issueOf(
          'units',
          words(
            'chỉ tài khoản cán bộ kỹ thuật (technician) mới giới hạn theo đơn vị được',
            'only a technician can be limited to units',
          ),
        ),
      );
    }
    const known = this.o.knownUnits?.() ?? null;
    units.forEach((u, i) => {
      if (known && !known.has(u)) issues.push(issueOf(`units[${i}]`, words(`không có đơn vị ${u}`, `no unit ${u}`)));
    });
    if (issues.length > 0) throw new ValidationError(issues);
  }
}
