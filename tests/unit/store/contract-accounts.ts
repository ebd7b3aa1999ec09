// The Store contract, continued: users, sessions and monitor runs (migration 2). Called from
// storeContract with its `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/protocol';
import type { NewUser } from '../../../server/store/types';
import type { Fresh } from './contract';

export const newUser = (name: string, over: Partial<NewUser> = {}): NewUser => ({
  name,
  displayName: 'Nguyễn Thị Hồng Nhung',
  role: 'technician',
  units: ['QT', 'QT-01'],
  passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${name}`,
  createdAt: 1_000,
  updatedAt: 1_000,
  ...over,
});

export function accountsContract(fresh: Fresh): void {
  describe('users', () => {
    it('creates, lists by name, reads back and survives a reopen', async () => {
      const { store, reopen } = await fresh();
      const b = await store.createUser(newUser('b.tech'));
      const a = await store.createUser(newUser('a.admin', { role: 'admin', units: [], displayName: null }));
      expect(b).toEqual({ ...newUser('b.tech'), id: b.id });
      expect(a.id).not.toBe(b.id);
      expect(await store.listUsers()).toEqual([a, b]);
      expect(await store.getUser('b.tech')).toEqual(b);
      expect(await store.getUser('nobody')).toBeUndefined();
      await store.close();
      expect(await (await reopen()).listUsers()).toEqual([a, b]);
    });

    it('refuses a taken name or an unknown role, writing nothing', async () => {
      const { store } = await fresh();
      await store.createUser(newUser('an'));
      await expect(store.createUser(newUser('an', { role: 'viewer' }))).rejects.toThrow(/exists/);
      await expect(store.createUser(newUser('bad', { role: 'root' as Role }))).rejects.toThrow(/check constraint/i);
      expect((await store.listUsers()).map((u) => [u.name, u.role])).toEqual([['an', 'technician']]);
    });

    it('updates only the fields given, and null clears the display name', async () => {
      const { store } = await fresh();
      const u = await store.createUser(newUser('an'));
      expect(await store.updateUser('an', { role: 'viewer', updatedAt: 2_000 })).toEqual({
        ...u,
        role: 'viewer',
        updatedAt: 2_000,
      });
      const next = await store.updateUser('an', { units: [], displayName: null, passwordHash: 'h2', updatedAt: 3_000 });
      expect(next).toEqual({
        ...u,
        role: 'viewer',
        units: [],
        displayName: null,
        passwordHash: 'h2',
        updatedAt: 3_000,
      });
      expect(await store.getUser('an')).toEqual(next);
      expect(await store.updateUser('nobody', { role: 'admin', updatedAt: 1 })).toBeUndefined();
    });

    it('deletes a user together with their sessions', async () => {
      const { store } = await fresh();
      const a = await store.createUser(newUser('an'));
      const b = await store.createUser(newUser('binh'));
      await store.createSession({ tokenHash: 'ha', userId: a.id, createdAt: 1, lastSeenAt: 1 });
      await store.createSession({ tokenHash: 'hb', userId: b.id, createdAt: 1, lastSeenAt: 1 });
      expect(await store.deleteUser('an')).toBe(true);
      expect(await store.deleteUser('an')).toBe(false);
      expect(await store.getSession('ha')).toBeUndefined();
      expect((await store.getSession('hb'))?.user.name).toBe('binh');
    });
  });

  describe('sessions', () => {
    it('reads a session back with its user, touches it forward only, deletes it', async () => {
      const { store, reopen } = await fresh();
      const u = await store.createUser(newUser('an'));
      await store.createSession({ tokenHash: 'h1', userId: u.id, createdAt: 100, lastSeenAt: 100 });
      expect(await store.getSession('h1')).toEqual({
        session: { tokenHash: 'h1', userId: u.id, createdAt: 100, lastSeenAt: 100 },
        user: u,
      });
      await store.touchSession('h1', 500);
      await store.touchSession('h1', 300);
      await store.touchSession('nope', 300);
      await store.close();
      const again = await reopen();
      expect((await again.getSession('h1'))?.session.lastSeenAt).toBe(500);
      expect(await again.deleteSession('h1')).toBe(true);
      expect(await again.deleteSession('h1')).toBe(false);
      expect(await again.getSession('h1')).toBeUndefined();
    });

    it('refuses a session of an unknown user or a duplicate hash', async () => {
      const { store } = await fresh();
      const u = await store.createUser(newUser('an'));
      await expect(
        store.createSession({ tokenHash: 'h', userId: u.id + 99, createdAt: 1, lastSeenAt: 1 }),
      ).rejects.toThrow(/foreign key/i);
      await store.createSession({ tokenHash: 'h', userId: u.id, createdAt: 1, lastSeenAt: 1 });
      await expect(store.createSession({ tokenHash: 'h', userId: u.id, createdAt: 2, lastSeenAt: 2 })).rejects.toThrow(
        /unique/i,
      );
    });

    it("deletes a user's sessions, optionally keeping one, and returns their hashes", async () => {
      const { store } = await fresh();
      const a = await store.createUser(newUser('an'));
      const b = await store.createUser(newUser('binh'));
      for (const h of ['a1', 'a2', 'a3']) {
        await store.createSession({ tokenHash: h, userId: a.id, createdAt: 1, lastSeenAt: 1 });
      }
      await store.createSession({ tokenHash: 'b1', userId: b.id, createdAt: 1, lastSeenAt: 1 });
      expect((await store.deleteUserSessions(a.id, 'a2')).sort()).toEqual(['a1', 'a3']);
      expect(await store.getSession('a2')).toBeDefined();
      expect(await store.deleteUserSessions(a.id)).toEqual(['a2']);
      expect(await store.deleteUserSessions(a.id)).toEqual([]);
      expect(await store.getSession('b1')).toBeDefined();
    });

    it('deletes sessions idle since before a bound or created before another', async () => {
      const { store } = await fresh();
      const u = await store.createUser(newUser('an'));
      const mk = (tokenHash: string, createdAt: number, lastSeenAt: number) =>
        store.createSession({ tokenHash, userId: u.id, createdAt, lastSeenAt });
      await mk('idle', 1_000, 1_000);
      await mk('old', 100, 5_000);
      await mk('fresh', 1_000, 5_000);
      await mk('edge', 500, 2_000); // exactly at both bounds: kept
      expect((await store.deleteExpiredSessions(2_000, 500)).sort()).toEqual(['idle', 'old']);
      expect(await store.getSession('fresh')).toBeDefined();
      expect(await store.getSession('edge')).toBeDefined();
    });
  });

  describe('monitor runs', () => {
    it('records no gap for the first run, then the span from the last heartbeat to the next start', async () => {
      const { store, reopen } = await fresh();
      const first = await store.startRun(10_000);
      expect(first).toMatchObject({ startedAt: 10_000, heartbeatAt: 10_000, stoppedAt: null, gapFrom: null });
      await store.heartbeatRun(first.id, 15_000);
      await store.heartbeatRun(first.id, 20_000);
      await store.close(); // as after a SIGKILL: no stop recorded
      const again = await reopen();
      const second = await again.startRun(31_000);
      expect(second.gapFrom).toBe(20_000);
      expect(second.id).toBeGreaterThan(first.id);
      expect(await again.listGaps(0, 100_000)).toEqual([{ from: 20_000, to: 31_000, reason: 'stopped' }]);
    });

    it('starts the gap at a clean stop, and records none when the clock says the start is not later', async () => {
      const { store } = await fresh();
      const a = await store.startRun(10_000);
      await store.heartbeatRun(a.id, 12_000);
      await store.stopRun(a.id, 13_000);
      const b = await store.startRun(20_000);
      await store.heartbeatRun(b.id, 25_000);
      // The clock went back before this start: no gap can be claimed.
      const c = await store.startRun(24_000);
      expect(c.gapFrom).toBeNull();
      // A heartbeat before the run's own start (clock jumped back) is held at the start.
      await store.heartbeatRun(c.id, 1_000);
      const d = await store.startRun(40_000);
      expect(d.gapFrom).toBe(24_000);
      expect(await store.listGaps(0, 100_000)).toEqual([
        { from: 13_000, to: 20_000, reason: 'stopped' },
        { from: 24_000, to: 40_000, reason: 'stopped' },
      ]);
    });

    it('lists the gaps overlapping [from, to), rounding instants to whole ms', async () => {
      const { store } = await fresh();
      await store.startRun(1_000.4);
      await store.startRun(5_000); // gap [1000, 5000)
      const r = await store.startRun(9_000.6); // gap [5000, 9001)
      expect(r.startedAt).toBe(9_001);
      expect(await store.listGaps(0, 1_000)).toEqual([]);
      expect(await store.listGaps(0, 1_001)).toEqual([{ from: 1_000, to: 5_000, reason: 'stopped' }]);
      expect(await store.listGaps(5_000, 5_001)).toEqual([{ from: 5_000, to: 9_001, reason: 'stopped' }]);
      expect(await store.listGaps(4_999, 5_001)).toEqual([
        { from: 1_000, to: 5_000, reason: 'stopped' },
        { from: 5_000, to: 9_001, reason: 'stopped' },
      ]);
      expect(await store.listGaps(9_001, 20_000)).toEqual([]);
    });

    it('[MG3] lists blind spans with their reason beside the stopped ones, ordered by start', async () => {
      const { store, reopen } = await fresh();
      await store.startRun(1_000);
      await store.addBlindSpan(2_000.4, 12_000, 'stall');
      await store.addBlindSpan(3_000, 3_000, 'stall'); // empty: nothing recorded
      await store.startRun(20_000); // gap [1000, 20000)
      await store.addBlindSpan(25_000, 26_000, 'clock');
      const all = [
        { from: 1_000, to: 20_000, reason: 'stopped' },
        { from: 2_000, to: 12_000, reason: 'stall' },
        { from: 25_000, to: 26_000, reason: 'clock' },
      ];
      expect(await store.listGaps(0, 100_000)).toEqual(all);
      expect(await store.listGaps(12_000, 25_001)).toEqual([all[0], all[2]]);
      await store.close();
      expect(await (await reopen()).listGaps(0, 100_000)).toEqual(all);
    });
  });
}
