// `diemcau user add|passwd|list|remove`: accounts straight in the database file, so the first admin
// can be created before the server ever runs (there is no default password). A running server sees
// the change at once for logins; a removed user's sockets are dropped at its next session sweep.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ROLES, type Role } from '../../shared/protocol';
import { formatDateTime } from '../../shared/time';
import type { CliIo } from '../cli';
import { systemClock } from '../clock';
import { NotFoundError, ValidationError, cliLang, issueOf, oneOf } from '../errors';
import { words } from '../../shared/words';
import { ConflictError } from '../http/errors';
import { openStore } from '../store/open';
import type { Store } from '../store/types';
import { promptSecret, readAllStdin } from './secret-input';
import { Sessions } from './sessions';
import { Users } from './users';

const ROLE_VI: Record<Role, string> = { admin: 'quản trị', technician: 'kỹ thuật viên', viewer: 'người xem' };

export const USER_USAGE = `Usage:
  diemcau user add NAME --role admin|technician|viewer [--units A,B] [--display-name "Họ tên"] [--db FILE|URL] [--password-stdin]
  diemcau user passwd NAME [--db FILE|URL] [--password-stdin]
  diemcau user list [--db FILE|URL]
  diemcau user remove NAME [--db FILE|URL]
Without --password-stdin the password is asked for on the terminal (not echoed).
`;

const OPTIONS = {
  db: { type: 'string', default: 'data/diemcau.sqlite' },
  role: { type: 'string' },
  units: { type: 'string' },
  'display-name': { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
} as const;

async function withUsers<T>(db: string, run: (users: Users, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    const logger = pino({ level: 'silent' });
    const sessions = new Sessions({ store, clock: systemClock, logger });
    // Units are checked against the inventory once there is one; before the first serve there is none.
    const units = (await store.loadInventory()).units;
    const known = units.length > 0 ? new Set(units.map((u) => u.id)) : null;
    const users = new Users({ store, clock: systemClock, sessions, knownUnits: () => known });
    return await run(users, store);
  } finally {
    await store.close();
  }
}

async function readPassword(fromStdin: boolean, io: CliIo): Promise<string> {
  if (fromStdin) return readAllStdin(process.stdin);
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw new ValidationError([
      issueOf(
        '--password-stdin',
        words(
          'không có cửa sổ dòng lệnh để hỏi mật khẩu: hãy chuyển mật khẩu vào đầu vào chuẩn (--password-stdin)',
          'no terminal to ask on: pipe the password in',
        ),
      ),
    ]);
  }
  const first = await promptSecret('Mật khẩu (password): ', stdin, io.stderr);
  const again = await promptSecret('Nhập lại (again): ', stdin, io.stderr);
  if (first !== again) {
    throw new ValidationError([
      issueOf('password', words('hai lần nhập mật khẩu không khớp nhau', 'the two entries differ')),
    ]);
  }
  return first;
}

export async function runUserCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await userCommand(argv, io);
  } catch (err) {
    if (err instanceof NotFoundError || err instanceof ConflictError) {
      io.stderr.write(`${err.messageIn(cliLang())}\n`);
      return 1;
    }
    if (err instanceof Error && err.message === 'cancelled') return 130;
    throw err;
  }
}

async function userCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  const name = positionals[0];
  const needName = sub === 'add' || sub === 'passwd' || sub === 'remove';
  if (!sub || !['add', 'passwd', 'list', 'remove'].includes(sub) || (needName && !name)) {
    io.stderr.write(USER_USAGE);
    return 2;
  }
  switch (sub) {
    case 'add': {
      const role = values.role as Role | undefined;
      if (!role || !ROLES.includes(role)) {
        throw new ValidationError([issueOf('--role', oneOf(ROLES))]);
      }
      const units = values.units
        ? values.units
            .split(',')
            .map((u) => u.trim())
            .filter(Boolean)
        : [];
      const password = await readPassword(values['password-stdin'], io);
      const u = await withUsers(values.db, (users) =>
        users.create({ name, password, role, units, displayName: values['display-name'] ?? null }),
      );
      const scope = u.units.length > 0 ? `, đơn vị ${u.units.join(', ')}` : '';
      io.stdout.write(`Đã tạo tài khoản "${u.name}" (${ROLE_VI[u.role]}${scope}) — created user ${u.name}\n`);
      return 0;
    }
    case 'passwd': {
      const password = await readPassword(values['password-stdin'], io);
      await withUsers(values.db, (users) => users.setPassword(name!, password));
      io.stdout.write(`Đã đổi mật khẩu "${name}"; các phiên đăng nhập cũ đã kết thúc — password changed\n`);
      return 0;
    }
    case 'remove':
      await withUsers(values.db, async (users) => users.remove(name!));
      io.stdout.write(`Đã xóa tài khoản "${name}" — removed\n`);
      return 0;
    default: {
      const list = await withUsers(values.db, async (users) => users.list());
      if (list.length === 0) io.stdout.write('Chưa có tài khoản nào (no users): diemcau user add NAME --role admin\n');
      for (const u of list) {
        const units = u.units.length > 0 ? u.units.join(',') : '-';
        const display = u.displayName ?? '';
        io.stdout.write(`${u.name}\t${u.role}\t${units}\t${formatDateTime(u.createdAt)}\t${display}\n`);
      }
      return 0;
    }
  }
}
