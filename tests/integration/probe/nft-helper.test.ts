import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createDropTable, destroyAllNftTables, listOwnTables, nftSkipReason } from '../../helpers/nft';

const skip = nftSkipReason();
afterAll(() => destroyAllNftTables());

const ping = (addr: string): boolean =>
  spawnSync('ping', ['-n', '-c', '1', '-W', '1', addr], { stdio: 'ignore' }).status === 0;

describe.skipIf(skip !== null)(`nft test helper (${skip ?? 'root'})`, () => {
  it('drops pings to the addresses it is given, and only while they are listed', () => {
    const t = createDropTable();
    expect(t.name).toMatch(new RegExp(`^diemcau_test_${process.pid}_\\d+$`));
    expect(ping('127.4.9.1')).toBe(true);
    t.add('127.4.9.1');
    expect(ping('127.4.9.1')).toBe(false);
    expect(ping('127.4.9.2')).toBe(true);
    t.remove('127.4.9.1');
    expect(ping('127.4.9.1')).toBe(true);
    t.destroy();
    expect(listOwnTables()).not.toContain(t.name);
  });

  it('refuses anything but loopback addresses', () => {
    const t = createDropTable({ hook: 'input' });
    for (const bad of ['198.18.0.1', '10.0.0.1', '::1', '127.0.0.1; flush ruleset', '127.1']) {
      expect(() => t.add(bad)).toThrow(/loopback/);
    }
    expect(() => createDropTable({ hook: 'output', verdict: 'reject' })).toThrow(/input/);
    t.destroy();
  });

  it('gives each table its own name and destroys them all', () => {
    const a = createDropTable();
    const b = createDropTable({ hook: 'input' });
    expect(a.name).not.toBe(b.name);
    expect(listOwnTables()).toEqual(expect.arrayContaining([a.name, b.name]));
    destroyAllNftTables();
    expect(listOwnTables()).toEqual([]);
    a.destroy(); // twice is harmless
  });

  it('sweeps tables left behind by test processes that died', () => {
    const dead = spawnSync('true').pid as number;
    const orphan = `diemcau_test_${dead}_1`;
    execFileSync('nft', ['add', 'table', 'inet', orphan]);
    try {
      createDropTable().destroy();
      expect(execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' })).not.toContain(orphan);
    } finally {
      spawnSync('nft', ['delete', 'table', 'inet', orphan], { stdio: 'ignore' });
    }
  });
});
