// `diemcau user …` and `serve --demo` as real child processes on a real database file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../server/auth/password';
import { openSqliteStore } from '../../../server/store/sqlite';
import { login } from '../../helpers/app';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'diemcau.mjs');
const dir = mkdtempSync(join(tmpdir(), 'dc-cli-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(
  args: string[],
  input?: string,
  env: NodeJS.ProcessEnv = {},
): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, DIEMCAU_LANG: '', ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const hashOf = (db: string, name: string): string | undefined => {
  const store = openSqliteStore(db);
  try {
    return store.getUser(name)?.passwordHash;
  } finally {
    store.close();
  }
};

describe('diemcau user', () => {
  const db = join(dir, 'users.sqlite');

  it('adds, lists, changes the password of and removes users; refuses mistakes', async () => {
    const add = cli(
      ['user', 'add', 'quantri', '--role', 'admin', '--db', db, '--password-stdin'],
      'mật khẩu quản trị 2026\n',
    );
    expect(add).toMatchObject({ code: 0, err: '' });
    expect(add.out).toMatch(/Đã tạo tài khoản "quantri" \(quản trị\)/);
    expect(await verifyPassword(hashOf(db, 'quantri')!, 'mật khẩu quản trị 2026')).toBe(true);

    const tech = cli(
      [
        'user',
        'add',
        'kt.canloc',
        '--role',
        'technician',
        '--units',
        'HT-CL, HT-CX',
        '--display-name',
        'Lê Văn Kỹ',
        '--db',
        db,
        '--password-stdin',
      ],
      'kỹ-thuật-viên-can-lộc',
    );
    expect(tech.code).toBe(0);
    expect(tech.out).toMatch(/kỹ thuật viên, đơn vị HT-CL, HT-CX/);

    const list = cli(['user', 'list', '--db', db]);
    expect(list.code).toBe(0);
    expect(
      list.out
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 3)),
    ).toEqual([
      ['kt.canloc', 'technician', 'HT-CL,HT-CX'],
      ['quantri', 'admin', '-'],
    ]);
    expect(list.out).not.toMatch(/argon2/);

    expect(
      cli(['user', 'add', 'quantri', '--role', 'viewer', '--db', db, '--password-stdin'], 'mười-ký-tự-trở-lên'),
    ).toMatchObject({
      code: 1,
      err: 'tài khoản quantri đã có\n',
    });
    expect(
      cli(['user', 'add', 'x1', '--role', 'boss', '--db', db, '--password-stdin'], 'mười-ký-tự-trở-lên').err,
    ).toMatch(/--role: phải là một trong: admin, technician, viewer/);
    // [WE8] The same refusals in English with DIEMCAU_LANG=en.
    const en = { DIEMCAU_LANG: 'en' };
    expect(
      cli(['user', 'add', 'x1', '--role', 'boss', '--db', db, '--password-stdin'], 'mười-ký-tự-trở-lên', en).err,
    ).toMatch(/--role: must be one of admin, technician, viewer/);
    expect(
      cli(['user', 'add', 'quantri', '--role', 'viewer', '--db', db, '--password-stdin'], 'mười-ký-tự-trở-lên', en).err,
    ).toBe('user quantri exists\n');
    expect(cli(['user', 'add', 'x1', '--rol', 'viewer', '--db', db], '', en)).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^Unknown option "--rol" \(misspelt\?\)\./),
    });
    expect(cli(['user', 'add', 'x1', '--rol', 'viewer', '--db', db])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^Không có tùy chọn “--rol” \(viết sai tên\?\)\./),
    });
    expect(cli(['user', 'add', 'x2', '--role', 'viewer', '--db', db, '--password-stdin'], 'ngắn').err).toMatch(
      /password: ít nhất 10 ký tự/,
    );
    // Not a terminal and no --password-stdin: nothing to ask on.
    expect(cli(['user', 'add', 'x3', '--role', 'viewer', '--db', db]).err).toMatch(
      /--password-stdin: không có cửa sổ dòng lệnh để hỏi mật khẩu/,
    );
    expect(cli(['user', 'add', 'x3', '--role', 'viewer', '--db', db], '', { DIEMCAU_LANG: 'en' }).err).toMatch(
      /--password-stdin: no terminal/,
    );
    expect(cli(['user', 'add', '--db', db]).code).toBe(2);

    const before = hashOf(db, 'kt.canloc')!;
    expect(cli(['user', 'passwd', 'kt.canloc', '--db', db, '--password-stdin'], 'mật-khẩu-mới-của-kỹ-thuật').code).toBe(
      0,
    );
    const after = hashOf(db, 'kt.canloc')!;
    expect(after).not.toBe(before);
    expect(await verifyPassword(after, 'mật-khẩu-mới-của-kỹ-thuật')).toBe(true);
    expect(cli(['user', 'passwd', 'nobody', '--db', db, '--password-stdin'], 'mười-ký-tự-trở-lên')).toMatchObject({
      code: 1,
      err: 'không có tài khoản nobody\n',
    });

    expect(cli(['user', 'remove', 'quantri', '--db', db]).err).toMatch(/quản trị viên \(admin\) cuối cùng/);
    expect(cli(['user', 'remove', 'kt.canloc', '--db', db]).code).toBe(0);
    expect(cli(['user', 'list', '--db', db]).out.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)(
    'asks for the password on a terminal without echoing it',
    async () => {
      const tty = join(dir, 'tty.sqlite');
      const pw = 'gõ-trên-bàn-phím-2026';
      // `script` gives the CLI a real pseudo-terminal; the typed line must not come back as output.
      const child = spawn(
        'script',
        ['-qec', `${process.execPath} ${BIN} user add tty --role viewer --db ${tty}`, '/dev/null'],
        {
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const until = async (re: RegExp) => {
        for (let i = 0; i < 300 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
        expect(out).toMatch(re);
      };
      await until(/Mật khẩu \(password\): /);
      child.stdin.write(`${pw}\r`);
      await until(/Nhập lại \(again\): /);
      child.stdin.write(`${pw}\r`);
      await until(/Đã tạo tài khoản "tty"/);
      child.stdin.end();
      expect(out).not.toContain(pw);
      expect(await verifyPassword(hashOf(tty, 'tty')!, pw)).toBe(true);
    },
  );
});

describe('serve --demo', () => {
  it('creates the demo admin once with a random password printed only in the banner', async () => {
    const work = mkdtempSync(join(dir, 'demo-'));
    const db = join(work, 'demo.sqlite');
    // One unit and nothing else: an inventory without units is refused (issue 18).
    const config = join(work, 'province.json');
    const units = [{ id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null }];
    writeFileSync(config, JSON.stringify({ units, points: [], meetings: [] }));

    const run = async (): Promise<{ banner: string; all: string; url: string; stop: () => Promise<void> }> => {
      const child = spawn(
        process.execPath,
        [BIN, 'serve', '--config', config, '--db', db, '--port', '0', '--host', '127.0.0.1', '--demo'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      children.push(child);
      let all = '';
      child.stdout.on('data', (d: Buffer) => (all += d.toString()));
      child.stderr.on('data', (d: Buffer) => (all += d.toString()));
      for (let i = 0; i < 400 && !/\n\n/.test(all.slice(all.indexOf('diemcau: http'))); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = /diemcau: (http:\/\/127\.0\.0\.1:\d+)\//.exec(all)?.[1];
      if (!url) throw new Error(`no URL in the output:\n${all}`);
      const banner = all
        .split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('\n');
      return {
        banner,
        get all() {
          return all;
        },
        url: url!,
        stop: async () => {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        },
      };
    };

    const first = await run();
    const pw = /demo admin:\s+admin\s+\/\s+([A-Za-z0-9]{16})/.exec(first.banner)?.[1];
    if (!pw) throw new Error(`no password in the banner:\n${first.banner}`);
    expect(first.banner).toMatch(/chỉ hiện một lần/);
    const cookie = await login(first.url, 'admin', pw!);
    expect(cookie).toMatch(/^diemcau_session=/);
    await first.stop();
    // Printed once: in the banner line, nowhere in the JSON log.
    const logLines = first.all.split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const l of logLines) expect(l).not.toContain(pw);
    for (const f of readdirSync(work)) expect(readFileSync(join(work, f)).toString('latin1')).not.toContain(pw);

    const second = await run();
    expect(second.banner).toMatch(/Tài khoản demo "admin" đã có \(exists\)/);
    expect(second.banner).toMatch(/npx diemcau user passwd admin --db /);
    expect(second.banner).not.toMatch(/[A-Za-z0-9]{16}\n/);
    await login(second.url, 'admin', pw!);
    await second.stop();
  });

  it('without --demo and without accounts, says how to create the first admin', async () => {
    const work = mkdtempSync(join(dir, 'plain-'));
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--db', join(work, 'x.sqlite'), '--port', '0', '--host', '127.0.0.1'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 400 && !/user add NAME --role admin/.test(out); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/Chưa có tài khoản nào.*\n.*npx diemcau user add NAME --role admin --db /);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  });
});
