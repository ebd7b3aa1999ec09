// The Store contract, continued: display links (migration 6). Called from storeContract with its
// `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { NewDisplayLink } from '../../../server/store/display-types';
import type { Store } from '../../../server/store/types';

type Fresh = () => { store: Store; reopen: () => Store };

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
    it('[WD1] creates, finds by hash and by id, lists newest first, and keeps them across a reopen', () => {
      const { store, reopen } = fresh();
      const a = store.displayLinks.create(link(1, { meeting: 'M' }));
      const b = store.displayLinks.create(link(2));
      expect(a).toEqual({ ...link(1, { meeting: 'M' }), id: a.id, lastSeenAt: null, revokedAt: null });
      expect(b.id).not.toBe(a.id);
      expect(store.displayLinks.byHash(link(2).tokenHash)).toEqual(b);
      expect(store.displayLinks.get(a.id)).toEqual(a);
      expect(store.displayLinks.byHash('f'.repeat(64))).toBeUndefined();
      expect(store.displayLinks.list().map((l) => l.id)).toEqual([b.id, a.id]);
      store.close();
      expect(reopen().displayLinks.list()).toEqual([b, a]);
    });

    it('[WD1] refuses a second link with the same hash, writing nothing', () => {
      const { store } = fresh();
      store.displayLinks.create(link(1));
      expect(() => store.displayLinks.create(link(1, { label: 'khác' }))).toThrow(/UNIQUE/);
      expect(store.displayLinks.list()).toHaveLength(1);
    });

    it('[WD4] revokes once, keeps the row, and records uses without moving backwards', () => {
      const { store } = fresh();
      const a = store.displayLinks.create(link(1));
      store.displayLinks.touch(a.id, 5_000);
      store.displayLinks.touch(a.id, 4_000);
      expect(store.displayLinks.get(a.id)?.lastSeenAt).toBe(5_000);
      expect(store.displayLinks.revoke(a.id, 6_000)).toBe(true);
      expect(store.displayLinks.revoke(a.id, 7_000)).toBe(false);
      expect(store.displayLinks.revoke(999, 7_000)).toBe(false);
      expect(store.displayLinks.byHash(a.tokenHash)?.revokedAt).toBe(6_000);
    });
  });
}
