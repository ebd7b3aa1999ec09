// The Store contract, continued: display links (migration 6). Called from storeContract with its
// `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { NewDisplayLink } from '../../../server/store/display-types';
import type { Fresh } from './contract';

const link = (n: number, over: Partial<NewDisplayLink> = {}): NewDisplayLink => ({
  tokenHash: n.toString(16).padStart(64, '0'),
  label: `Màn hình ${n}`,
  meeting: null,
  createdBy: 'admin',
  createdAt: 1_000 * n,
  ...over,
});

export function displaysContract(fresh: Fresh): void {
  describe('display links', () => {
    it('[WD1] creates, finds by hash and by id, lists newest first, and keeps them across a reopen', async () => {
      const { store, reopen } = await fresh();
      const a = await store.displayLinks.create(link(1, { meeting: 'M' }));
      const b = await store.displayLinks.create(link(2));
      expect(a).toEqual({ ...link(1, { meeting: 'M' }), id: a.id, lastSeenAt: null, revokedAt: null });
      expect(b.id).not.toBe(a.id);
      expect(await store.displayLinks.byHash(link(2).tokenHash)).toEqual(b);
      expect(await store.displayLinks.get(a.id)).toEqual(a);
      expect(await store.displayLinks.byHash('f'.repeat(64))).toBeUndefined();
      expect((await store.displayLinks.list()).map((l) => l.id)).toEqual([b.id, a.id]);
      await store.close();
      expect(await (await reopen()).displayLinks.list()).toEqual([b, a]);
    });

    it('[WD1] refuses a second link with the same hash, writing nothing', async () => {
      const { store } = await fresh();
      await store.displayLinks.create(link(1));
      await expect(store.displayLinks.create(link(1, { label: 'khác' }))).rejects.toThrow(/UNIQUE/);
      expect(await store.displayLinks.list()).toHaveLength(1);
    });

    it('[WD4] revokes once, keeps the row, and records uses without moving backwards', async () => {
      const { store } = await fresh();
      const a = await store.displayLinks.create(link(1));
      await store.displayLinks.touch(a.id, 5_000);
      await store.displayLinks.touch(a.id, 4_000);
      expect((await store.displayLinks.get(a.id))?.lastSeenAt).toBe(5_000);
      expect(await store.displayLinks.revoke(a.id, 6_000)).toBe(true);
      expect(await store.displayLinks.revoke(a.id, 7_000)).toBe(false);
      expect(await store.displayLinks.revoke(999, 7_000)).toBe(false);
      expect((await store.displayLinks.byHash(a.tokenHash))?.revokedAt).toBe(6_000);
    });
  });
}
