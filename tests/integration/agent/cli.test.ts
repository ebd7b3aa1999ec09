// `diemcau agent add|rotate|revoke|list` driven through main() on real databases (SQLite and
// PostgreSQL): tokens shown once, --token-out files of mode 600 never overwritten, --units on the
// inventory all or nothing, refusals in words (docs/AGENTS.md AG2).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../server/cli';
import { AgentRegistry } from '../../../server/agent/registry';
import { hashAgentToken } from '../../../server/agent/tokens';
import { systemClock } from '../../../server/clock';
import { openStore } from '../../../server/store/open';
import { commune, province } from '../../unit/store/fixtures';
import { createTestDatabase, ensurePostgres } from '../../helpers/postgres';

const dir = mkdtempSync(join(tmpdir(), 'dc-agent-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(args, { stdout, stderr });
  await new Promise((r) => setImmediate(r));
  return { code, out, err };
}

const TOKEN = /^dca_[A-Za-z0-9_-]{43}\n$/;
let seq = 0;

const BACKENDS: [string, () => Promise<string>][] = [
  ['SQLite', () => Promise.resolve(join(dir, `agents-${++seq}.sqlite`))],
  [
    'PostgreSQL',
    async () => {
      await ensurePostgres();
      const d = await createTestDatabase('dc_agent_cli');
      drops.push(() => d.drop());
      return d.url;
    },
  ],
];
const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const d of drops.splice(0)) await d();
});

const seedUnits = async (db: string): Promise<void> => {
  const store = await openStore(db);
  try {
    await store.saveInventory({ upsertUnits: [province, commune('X1'), commune('X2')] });
  } finally {
    await store.close();
  }
};
const registry = async <T>(db: string, f: (r: AgentRegistry) => Promise<T>): Promise<T> => {
  const store = await openStore(db);
  try {
    return await f(new AgentRegistry({ store, clock: systemClock }));
  } finally {
    await store.close();
  }
};

describe.each(BACKENDS)('diemcau agent on %s', (_name, freshDb) => {
  it('[AG2] add prints the token once on stdout alone, and it authenticates; list shows the agent and its units', async () => {
    const db = await freshDb();
    await seedUnits(db);
    const add = await run(['agent', 'add', 'tram-ht', '--units', 'X1, X2', '--db', db]);
    expect(add.code).toBe(0);
    expect(add.out).toMatch(TOKEN);
    expect(add.err).toMatch(/Khóa chỉ hiện một lần/);
    expect(add.err).toMatch(/Đã đăng ký trạm đo "tram-ht", đơn vị X1, X2/);
    const token = add.out.trim();
    expect(await registry(db, (r) => r.authenticate(token))).toBe('tram-ht');
    const list = await run(['agent', 'list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^tram-ht\tactive\tX1,X2\t\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\tcli/);
    expect(list.out).not.toContain(token);
    expect(list.out).not.toContain(hashAgentToken(token));
  });

  it('[AG2] refuses an unknown unit, a bad name and a taken one, writing nothing', async () => {
    const db = await freshDb();
    await seedUnits(db);
    const unknown = await run(['agent', 'add', 'tram-a', '--units', 'X1,NOPE', '--db', db]);
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/units\[1\]: không có đơn vị NOPE/);
    const bad = await run(['agent', 'add', 'Trạm A', '--db', db]);
    expect(bad).toMatchObject({ code: 1, out: '' });
    expect(bad.err).toMatch(/tên trạm đo chỉ gồm chữ thường/);
    expect((await run(['agent', 'list', '--db', db])).out).toMatch(/Chưa có trạm đo nào/);
    const store = await openStore(db);
    try {
      expect((await store.loadInventory()).units.some((u) => u.agent !== undefined)).toBe(false);
    } finally {
      await store.close();
    }
    expect((await run(['agent', 'add', 'tram-a', '--db', db])).code).toBe(0);
    const again = await run(['agent', 'add', 'tram-a', '--db', db]);
    expect(again).toMatchObject({ code: 1, out: '' });
    expect(again.err).toMatch(/đã có trạm đo tram-a/);
  });

  it('[AG2] --token-out writes a new file of mode 600 and never overwrites one', async () => {
    const db = await freshDb();
    const file = join(dir, `token-${seq}`);
    const add = await run(['agent', 'add', 'tram-b', '--db', db, '--token-out', file]);
    expect(add).toMatchObject({ code: 0, out: '' });
    expect(readFileSync(file, 'utf8')).toMatch(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readFileSync(file, 'utf8');
    const rotate = await run(['agent', 'rotate', 'tram-b', '--db', db, '--token-out', file]);
    expect(rotate.code).toBe(1);
    expect(rotate.err).toMatch(/đã có: không ghi đè khóa/);
    expect(readFileSync(file, 'utf8')).toBe(first);
    // Refused before anything was written: the token in the file still works.
    expect(await registry(db, (r) => r.authenticate(first.trim()))).toBe('tram-b');
    const other = join(dir, `exists-${seq}`);
    writeFileSync(other, 'giữ nguyên');
    expect((await run(['agent', 'add', 'tram-c', '--db', db, '--token-out', other])).code).toBe(1);
    expect(readFileSync(other, 'utf8')).toBe('giữ nguyên');
    expect((await run(['agent', 'list', '--db', db])).out).not.toMatch(/tram-c/);
  });

  it('[AG2] rotate issues a new token and stops the old one; revoke ends it; both refuse an unknown name', async () => {
    const db = await freshDb();
    const old = (await run(['agent', 'add', 'tram-d', '--db', db])).out.trim();
    const rotate = await run(['agent', 'rotate', 'tram-d', '--db', db]);
    expect(rotate.code).toBe(0);
    expect(rotate.out).toMatch(TOKEN);
    const fresh = rotate.out.trim();
    expect(fresh).not.toBe(old);
    expect(await registry(db, (r) => r.authenticate(old))).toBeNull();
    expect(await registry(db, (r) => r.authenticate(fresh))).toBe('tram-d');
    const revoke = await run(['agent', 'revoke', 'tram-d', '--db', db]);
    expect(revoke).toMatchObject({ code: 0 });
    expect(revoke.out).toMatch(/Đã thu hồi trạm đo "tram-d"/);
    expect(await registry(db, (r) => r.authenticate(fresh))).toBeNull();
    expect((await run(['agent', 'list', '--db', db])).out).toMatch(/^tram-d\trevoked /);
    const unknown = await run(['agent', 'revoke', 'nope', '--db', db]);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.err).toMatch(/không có trạm đo nope/);
    expect((await run(['agent', 'rotate', 'tram-d', '--db', db])).err).toMatch(/đã bị thu hồi/);
  });
});

it('prints the usage for a missing name or subcommand, and refuses flags out of place', async () => {
  expect(await run(['agent'])).toMatchObject({ code: 2, err: expect.stringMatching(/diemcau agent add NAME/) });
  expect((await run(['agent', 'add'])).code).toBe(2);
  expect((await run(['agent', 'bogus', 'x'])).code).toBe(2);
  const misplaced = await run(['agent', 'revoke', 'x', '--token-out', join(dir, 'x'), '--db', join(dir, 'u.sqlite')]);
  expect(misplaced.code).toBe(1);
  expect(misplaced.err).toMatch(/--token-out.*chỉ dùng với agent add và agent rotate/);
  const help = await run(['help']);
  expect(help.out).toMatch(/diemcau agent add NAME \[--units A,B\]/);
});

it('[AG2] says its refusals in English with DIEMCAU_LANG=en', async () => {
  const before = process.env.DIEMCAU_LANG;
  process.env.DIEMCAU_LANG = 'en';
  try {
    const db = join(dir, 'english.sqlite');
    const r = await run(['agent', 'revoke', 'nope', '--db', db]);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/^no agent nope$/m);
    const bad = await run(['agent', 'add', 'Bad Name', '--db', db]);
    expect(bad.err).toMatch(/an agent name has lower-case letters/);
  } finally {
    if (before === undefined) delete process.env.DIEMCAU_LANG;
    else process.env.DIEMCAU_LANG = before;
  }
});
