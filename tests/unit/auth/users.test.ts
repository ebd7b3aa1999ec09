// Account rules on a real SQLite file: validation with field errors, no duplicate, the last admin
// kept, a password change ending the user's other sessions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Sessions } from '../../../server/auth/sessions';
import { Users, presentUser } from '../../../server/auth/users';
import { verifyPassword } from '../../../server/auth/password';
import { ManualClock } from '../../../server/clock';
import { NotFoundError, ValidationError } from '../../../server/errors';
import { ConflictError } from '../../../server/http/errors';
import { asyncStore } from '../../../server/store/async';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { SyncStore as Store } from '../../../server/store/types';

const dir = mkdtempSync(join(tmpdir(), 'dc-users-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
let n = 0;
const PW = 'đủ-mười-ký-tự';

function setup(units: string[] | null = ['P', 'D1']) {
  const store = openSqliteStore(join(dir, `u${++n}.sqlite`));
  stores.push(store);
  const clock = new ManualClock(1_700_000_000_000);
  const sessions = new Sessions({ store: asyncStore(store), clock, logger: pino({ level: 'silent' }) });
  const users = new Users({
    store: asyncStore(store),
    clock,
    sessions,
    knownUnits: () => (units ? new Set(units) : null),
  });
  return { store, clock, sessions, users };
}

async function fieldsOf(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationError);
  return Object.fromEntries((err as ValidationError).issues.map((i) => [i.path, i.message]));
}

describe('accounts', () => {
  it('creates a user with a hashed password; the view never carries the hash', async () => {
    const { users } = setup();
    const u = await users.create({ name: 'kt.canloc', password: PW, role: 'technician', units: ['D1'] });
    expect(u).toMatchObject({ name: 'kt.canloc', role: 'technician', units: ['D1'], displayName: null });
    expect(await verifyPassword(u.passwordHash, PW)).toBe(true);
    const view = presentUser(u);
    expect(JSON.stringify(view)).not.toMatch(/argon2|passwordHash/);
    expect(view.createdAt).toMatch(/\+07:00$/);
  });

  it('refuses bad input with field errors', async () => {
    const { users } = setup();
    expect(
      await fieldsOf(users.create({ name: 'Có Dấu', password: 'ngắn', role: 'root', units: 'P', extra: 1 })),
    ).toEqual({
      name: expect.stringMatching(/chữ thường không dấu/),
      password: expect.stringMatching(/10/),
      role: expect.any(String),
      units: expect.any(String),
      '(root)': expect.stringMatching(/trường không có trong mẫu: extra/),
    });
    expect(await fieldsOf(users.create({ name: 'xem', password: PW, role: 'viewer', units: ['P'] }))).toEqual({
      units: 'chỉ tài khoản cán bộ kỹ thuật (technician) mới giới hạn theo đơn vị được',
    });
    expect(
      await fieldsOf(users.create({ name: 'kt', password: PW, role: 'technician', units: ['P', 'NOPE'] })),
    ).toEqual({ 'units[1]': 'không có đơn vị NOPE' });
    await expect(users.create({ name: 'kt', password: 'x'.repeat(257), role: 'viewer' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('accepts any unit before an inventory exists (first admin from the CLI)', async () => {
    const { users } = setup(null);
    await expect(
      users.create({ name: 'kt', password: PW, role: 'technician', units: ['LATER'] }),
    ).resolves.toBeDefined();
  });

  it('refuses a taken name', async () => {
    const { users } = setup();
    await users.create({ name: 'an', password: PW, role: 'viewer' });
    await expect(users.create({ name: 'an', password: PW, role: 'admin' })).rejects.toThrow(ConflictError);
  });

  it('keeps the last admin: no removal, no demotion', async () => {
    const { users } = setup();
    await users.create({ name: 'root1', password: PW, role: 'admin' });
    await expect(users.remove('root1')).rejects.toThrow(/quản trị viên \(admin\) cuối cùng/);
    await expect(users.update('root1', { role: 'viewer' })).rejects.toThrow(/quản trị viên \(admin\) cuối cùng/);
    await users.create({ name: 'root2', password: PW, role: 'admin' });
    await users.update('root1', { role: 'viewer' });
    await expect(users.remove('root2')).rejects.toThrow(/quản trị viên \(admin\) cuối cùng/);
    await users.remove('root1');
    expect(await users.get('root1')).toBeUndefined();
    await expect(users.remove('root1')).rejects.toThrow(NotFoundError);
  });

  it("ends the user's other sessions on a password change, all of them on removal", async () => {
    const { users, sessions } = setup();
    const u = await users.create({ name: 'an', password: PW, role: 'technician' });
    const keep = await sessions.create(u);
    const other = await sessions.create(u);
    const next = await users.update('an', { role: 'technician', password: 'mật-khẩu-mới-2026' }, keep.valid.tokenHash);
    expect(await verifyPassword(next.passwordHash, 'mật-khẩu-mới-2026')).toBe(true);
    expect(await sessions.fromToken(keep.token)).toBeDefined();
    expect(await sessions.fromToken(other.token)).toBeUndefined();
    // A role change alone keeps the sessions.
    await users.update('an', { role: 'viewer', displayName: 'Nguyễn Văn An' });
    expect((await sessions.fromToken(keep.token))?.user).toMatchObject({
      role: 'viewer',
      displayName: 'Nguyễn Văn An',
    });
    await users.setPassword('an', 'mật-khẩu-thứ-ba');
    expect(await sessions.fromToken(keep.token)).toBeUndefined();
    const again = await sessions.create(await users.find('an'));
    await users.remove('an');
    expect(await sessions.fromToken(again.token)).toBeUndefined();
  });
});
