// The Store contract, continued: remote probe agents (migration 14, docs/AGENTS.md AG1–AG2). Called
// from storeContract with its `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Point, Unit } from '../../../shared/schemas';
import type { NewAgent } from '../../../server/store/agent-types';
import type { Fresh } from './contract';
import { commune, point, province } from './fixtures';

const hash = (n: number): string => n.toString(16).padStart(64, '0');
const agent = (name: string, n: number, over: Partial<NewAgent> = {}): NewAgent => ({
  name,
  tokenHash: hash(n),
  createdAt: 1_000 * n,
  createdBy: 'quản trị',
  ...over,
});

export function agentsContract(fresh: Fresh): void {
  describe('agents', () => {
    it('[AG2] registers, finds by name and by hash, lists by name, and keeps them across a reopen', async () => {
      const { store, reopen } = await fresh();
      const b = await store.agents.create(agent('tram-b', 2));
      const a = await store.agents.create(agent('tram-a', 1));
      expect(a).toEqual({ ...agent('tram-a', 1), tokenSetAt: 1_000, revokedAt: null });
      expect(await store.agents.get('tram-b')).toEqual(b);
      expect(await store.agents.byHash(hash(1))).toEqual(a);
      expect(await store.agents.byHash(hash(9))).toBeUndefined();
      expect(await store.agents.get('nope')).toBeUndefined();
      expect((await store.agents.list()).map((x) => x.name)).toEqual(['tram-a', 'tram-b']);
      await store.close();
      expect(await (await reopen()).agents.list()).toEqual([a, b]);
    });

    it('[AG2] refuses an active name (nothing written) and a hash already used (throws)', async () => {
      const { store } = await fresh();
      const a = await store.agents.create(agent('tram-a', 1));
      expect(await store.agents.create(agent('tram-a', 2, { createdBy: 'khác' }))).toBeUndefined();
      await expect(store.agents.create(agent('tram-b', 1))).rejects.toThrow(/UNIQUE|unique|duplicate/);
      expect(await store.agents.list()).toEqual([a]);
      expect(await store.agents.byHash(hash(2))).toBeUndefined();
    });

    it('[AG2] rotates an active agent only; the old hash finds nothing', async () => {
      const { store } = await fresh();
      await store.agents.create(agent('tram-a', 1));
      const r = await store.agents.setToken('tram-a', hash(5), 9_000);
      expect(r).toEqual({ ...agent('tram-a', 1), tokenHash: hash(5), tokenSetAt: 9_000, revokedAt: null });
      expect(await store.agents.byHash(hash(1))).toBeUndefined();
      expect(await store.agents.setToken('nope', hash(6), 9_000)).toBeUndefined();
      await store.agents.revoke('tram-a', 10_000);
      expect(await store.agents.setToken('tram-a', hash(7), 11_000)).toBeUndefined();
      expect((await store.agents.get('tram-a'))?.tokenHash).toBe(hash(5));
    });

    it('[AG2] revokes once, keeps the row, and a revoked name can be registered again', async () => {
      const { store } = await fresh();
      await store.agents.create(agent('tram-a', 1));
      expect((await store.agents.revoke('tram-a', 6_000))?.revokedAt).toBe(6_000);
      expect(await store.agents.revoke('tram-a', 7_000)).toBeUndefined();
      expect(await store.agents.revoke('nope', 7_000)).toBeUndefined();
      expect((await store.agents.byHash(hash(1)))?.revokedAt).toBe(6_000);
      const again = await store.agents.create(agent('tram-a', 3, { createdBy: 'admin2' }));
      expect(again).toEqual({ ...agent('tram-a', 3, { createdBy: 'admin2' }), tokenSetAt: 3_000, revokedAt: null });
      expect(await store.agents.byHash(hash(1))).toBeUndefined();
      expect(await store.agents.list()).toEqual([again]);
    });

    it('[AG1] keeps `agent` on units, points and targets through a save and a reopen', async () => {
      const { store, reopen } = await fresh();
      const unit: Unit = { ...commune('X1'), agent: 'tram-x1' };
      const p: Point = {
        ...point('P1', 'X1'),
        agent: 'tram-p1',
        targets: [
          { kind: 'icmp', host: '127.0.0.1', role: 'primary', agent: 'tram-t' },
          { kind: 'icmp', host: '127.0.0.2', role: 'backup' },
        ],
      };
      await store.saveInventory({ upsertUnits: [province, unit], upsertPoints: [p] });
      const want = { units: [province, unit], points: [p], meetings: [] };
      expect(await store.loadInventory()).toEqual(want);
      await store.close();
      expect(await (await reopen()).loadInventory()).toEqual(want);
    });
  });
}
