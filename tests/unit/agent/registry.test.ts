// The agent registry (docs/AGENTS.md AG2) over a real SQLite file: tokens, authentication and its cache,
// rotation and revocation heard at once here and within 5 s from another process's connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AGENT_AUTH_CACHE_MS, AgentRegistry } from '../../../server/agent/registry';
import { agentTokenMatches, hashAgentToken, isAgentTokenShaped, newAgentToken } from '../../../server/agent/tokens';
import { agentViews } from '../../../server/agent/view';
import type { AgentState } from '../../../server/agent/contract';
import { ManualClock } from '../../../server/clock';
import { ValidationError } from '../../../server/errors';
import { asyncStore } from '../../../server/store/async';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { InventoryChange, Store } from '../../../server/store/types';
import { commune, point, province } from '../store/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'dc-agents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
let seq = 0;

/** A fresh database file and a way to open it again (another process's connection). */
function fresh(): { file: string; open: () => Store } {
  const file = join(dir, `r-${++seq}.sqlite`);
  const open = (): Store => {
    const s = asyncStore(openSqliteStore(file, { checkpoint: 'inline' }));
    opened.push(s);
    return s;
  };
  return { file, open };
}

const unitsOf = (store: Store) => {
  let units = [province, commune('X1'), commune('X2')];
  return {
    listUnits: () => units,
    async apply(c: InventoryChange) {
      await store.saveInventory(c);
      units = (await store.loadInventory()).units;
    },
  };
};

describe('agent tokens', () => {
  it('[AG2] are dca_ and 43 base64url characters, all different, matched only by their own hash', () => {
    const a = newAgentToken();
    const b = newAgentToken();
    expect(a).toMatch(/^dca_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(isAgentTokenShaped(a)).toBe(true);
    expect(isAgentTokenShaped(`${a}x`)).toBe(false);
    expect(isAgentTokenShaped(a.replace('dca_', 'dcb_'))).toBe(false);
    expect(isAgentTokenShaped(42)).toBe(false);
    expect(hashAgentToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(agentTokenMatches(a, hashAgentToken(a))).toBe(true);
    expect(agentTokenMatches(b, hashAgentToken(a))).toBe(false);
    expect(agentTokenMatches(a, 'abc')).toBe(false);
  });
});

describe('AgentRegistry', () => {
  it('[AG2] registers an agent, keeps only the hash, and authenticates its token alone', async () => {
    const { open } = fresh();
    const store = open();
    const reg = new AgentRegistry({ store, clock: new ManualClock(1_000) });
    const { agent, token } = await reg.add('tram-a', 'admin');
    expect(agent).toEqual({
      name: 'tram-a',
      tokenHash: hashAgentToken(token),
      createdAt: 1_000,
      createdBy: 'admin',
      tokenSetAt: 1_000,
      revokedAt: null,
    });
    expect(JSON.stringify(await store.agents.list())).not.toContain(token);
    expect(await reg.authenticate(token)).toBe('tram-a');
    expect(await reg.authenticate(newAgentToken())).toBeNull();
    expect(await reg.authenticate('')).toBeNull();
    expect(await reg.authenticate('x'.repeat(100_000))).toBeNull();
  });

  it('[AG2] refuses a bad name or an active one, writing nothing', async () => {
    const store = fresh().open();
    const reg = new AgentRegistry({ store, clock: new ManualClock(1_000) });
    await expect(reg.add('Trạm A', 'admin')).rejects.toThrow(ValidationError);
    await reg.add('tram-a', 'admin');
    await expect(reg.add('tram-a', 'admin2')).rejects.toThrow(/đã có trạm đo tram-a/);
    expect((await reg.list()).map((r) => r.createdBy)).toEqual(['admin']);
  });

  it('[AG2] rotation and revocation via the registry stop the old token at once and are heard', async () => {
    const store = fresh().open();
    const clock = new ManualClock(1_000);
    const reg = new AgentRegistry({ store, clock });
    const heard: string[] = [];
    reg.onRevoked((n) => heard.push(n));
    const first = (await reg.add('tram-a', 'admin')).token;
    expect(await reg.authenticate(first)).toBe('tram-a');
    clock.advance(10);
    const second = await reg.rotate('tram-a');
    expect(second.agent.tokenSetAt).toBe(1_010);
    expect(await reg.authenticate(first)).toBeNull();
    expect(await reg.authenticate(second.token)).toBe('tram-a');
    await reg.revoke('tram-a');
    expect(await reg.authenticate(second.token)).toBeNull();
    expect(heard).toEqual(['tram-a', 'tram-a']);
    await expect(reg.rotate('tram-a')).rejects.toThrow(/đã bị thu hồi/);
    await expect(reg.revoke('tram-a')).rejects.toThrow(/đã bị thu hồi/);
    await expect(reg.revoke('nope')).rejects.toThrow(/không có trạm đo nope/);
    // [AG2] A revoked name may be registered again, with a new token; the old ones stay dead.
    const again = await reg.add('tram-a', 'admin2');
    expect(again.agent.revokedAt).toBeNull();
    expect(await reg.authenticate(again.token)).toBe('tram-a');
    expect(await reg.authenticate(second.token)).toBeNull();
  });

  it('[AG2] a revocation from another connection takes effect within 5 s and watch() tells the listeners', async () => {
    const { open } = fresh();
    const clock = new ManualClock(1_000);
    const centre = new AgentRegistry({ store: open(), clock });
    const cli = new AgentRegistry({ store: open(), clock });
    const heard: string[] = [];
    centre.onRevoked((n) => heard.push(n));
    const a = (await cli.add('tram-a', 'cli')).token;
    const b = (await cli.add('tram-b', 'cli')).token;
    await centre.check();
    expect(await centre.authenticate(a)).toBe('tram-a');
    expect(await centre.authenticate(b)).toBe('tram-b');
    await cli.revoke('tram-a');
    await cli.rotate('tram-b');
    // Cached: still accepted just before the bound, refused once it has passed.
    clock.advance(AGENT_AUTH_CACHE_MS - 1);
    expect(await centre.authenticate(a)).toBe('tram-a');
    clock.advance(1);
    expect(await centre.authenticate(a)).toBeNull();
    expect(await centre.authenticate(b)).toBeNull();
    expect(heard).toEqual([]);
    await centre.check();
    expect(heard.sort()).toEqual(['tram-a', 'tram-b']);
    await centre.check();
    expect(heard).toHaveLength(2);
  });

  it('[AG2] --units sets the agent on known units; an unknown unit refuses the whole call', async () => {
    const store = fresh().open();
    await store.saveInventory({ upsertUnits: [province, commune('X1'), commune('X2')] });
    const reg = new AgentRegistry({ store, clock: new ManualClock(1_000) });
    const inv = unitsOf(store);
    await expect(reg.add('tram-a', 'admin', ['X1', 'NOPE', 'X2'], inv)).rejects.toThrow(/không có đơn vị NOPE/);
    expect(await reg.list()).toEqual([]);
    expect((await store.loadInventory()).units.every((u) => u.agent === undefined)).toBe(true);
    await reg.add('tram-a', 'admin', ['X1', 'X2'], inv);
    const units = (await store.loadInventory()).units;
    expect(units.map((u) => [u.id, u.agent])).toEqual([
      ['QT', undefined],
      ['X1', 'tram-a'],
      ['X2', 'tram-a'],
    ]);
  });
});

describe('agentViews', () => {
  it('[AG10] merges registry, inventory and the monitor: units resolved, points counted, names only heard of', () => {
    const units = [{ ...province }, { ...commune('X1'), agent: 'tram-a' }, commune('X2', 'X1'), commune('X3')];
    const points = [
      point('P1', 'X2'),
      { ...point('P2', 'X3'), agent: 'tram-b' },
      {
        ...point('P3', 'X3'),
        targets: [
          { kind: 'icmp' as const, host: '127.0.0.1', role: 'primary' as const },
          { kind: 'icmp' as const, host: '127.0.0.2', role: 'backup' as const, agent: 'tram-a' },
        ],
      },
    ];
    const state: AgentState = {
      name: 'tram-c',
      connected: false,
      instance: null,
      version: '1.2.0',
      lastContactAt: Date.UTC(2026, 2, 5, 8, 0),
      silentSince: Date.UTC(2026, 2, 5, 8, 0, 5),
      lagMs: null,
      outboxDepth: 12,
      clockOffsetMs: 1_500,
      clockFlagged: true,
      targets: 0,
    };
    const row = { name: 'tram-a', tokenHash: 'h', createdAt: 0, createdBy: 'admin', tokenSetAt: 0, revokedAt: null };
    const v = agentViews([row], { units, points }, [state]);
    expect(v.map((x) => [x.name, x.registered, x.units, x.points])).toEqual([
      ['tram-a', true, ['X1', 'X2'], 2],
      ['tram-b', false, [], 1],
      ['tram-c', false, [], 0],
    ]);
    expect(v[2]!.link).toMatchObject({
      connected: false,
      silentSince: '2026-03-05T15:00:05.000+07:00',
      clockFlagged: true,
    });
    expect(JSON.stringify(v)).not.toContain('"h"');
  });
});
