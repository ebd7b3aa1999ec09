// The Store contract, continued: users, sessions and monitor runs (migration 2). Called from
// storeContract with its `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../shared/protocol';
import type { NewUser, Store } from '../../../server/store/types';

type Fresh = () => { store: Store; reopen: () => Store };

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
    it('creates, lists by name, reads back and survives a reopen', () => {
      const { store, reopen } = fresh();
      const b = store.createUser(newUser('b.tech'));
      const a = store.createUser(newUser('a.admin', { role: 'admin', units: [], displayName: null }));
      expect(b).toEqual({ ...newUser('b.tech'), id: b.id });
      expect(a.id).not.toBe(b.id);
      expect(store.listUsers()).toEqual([a, b]);
      expect(store.getUser('b.tech')).toEqual(b);
      expect(store.getUser('nobody')).toBeUndefined();
      store.close();
      expect(reopen().listUsers()).toEqual([a, b]);
    });

    it('refuses a taken name or an unknown role, writing nothing', () => {
      const { store } = fresh();
      store.createUser(newUser('an'));
      expect(() => store.createUser(newUser('an', { role: 'viewer' }))).toThrow(/exists/);
      expect(() => store.createUser(newUser('bad', { role: 'root' as Role }))).toThrow(/check constraint/i);
      expect(store.listUsers().map((u) => [u.name, u.role])).toEqual([['an', 'technician']]);
    });

    it('updates only the fields given, and null clears the display name', () => {
      const { store } = fresh();
      const u = store.createUser(newUser('an'));
      expect(store.updateUser('an', { role: 'viewer', updatedAt: 2_000 })).toEqual({
        ...u,
        role: 'viewer',
        updatedAt: 2_000,
      });
      const next = store.updateUser('an', { units: [], displayName: null, passwordHash: 'h2', updatedAt: 3_000 });
      expect(next).toEqual({
        ...u,
        role: 'viewer',
        units: [],
        displayName: null,
        passwordHash: 'h2',
        updatedAt: 3_000,
      });
      expect(store.getUser('an')).toEqual(next);
      expect(store.updateUser('nobody', { role: 'admin', updatedAt: 1 })).toBeUndefined();
    });

    it('deletes a user together with their sessions', () => {
      const { store } = fresh();
      const a = store.createUser(newUser('an'));
      const b = store.createUser(newUser('binh'));
      store.createSession({ tokenHash: 'ha', userId: a.id, createdAt: 1, lastSeenAt: 1 });
      store.createSession({ tokenHash: 'hb', userId: b.id, createdAt: 1, lastSeenAt: 1 });
      expect(store.deleteUser('an')).toBe(true);
      expect(store.deleteUser('an')).toBe(false);
      expect(store.getSession('ha')).toBeUndefined();
      expect(store.getSession('hb')?.user.name).toBe('binh');
    });
  });

  describe('sessions', () => {
    it('reads a session back with its user, touches it forward only, deletes it', () => {
      const { store, reopen } = fresh();
      const u = store.createUser(newUser('an'));
      store.createSession({ tokenHash: 'h1', userId: u.id, createdAt: 100, lastSeenAt: 100 });
      expect(store.getSession('h1')).toEqual({
        session: { tokenHash: 'h1', userId: u.id, createdAt: 100, lastSeenAt: 100 },
        user: u,
      });
      store.touchSession('h1', 500);
      store.touchSession('h1', 300);
      store.touchSession('nope', 300);
      store.close();
      const again = reopen();
      expect(again.getSession('h1')?.session.lastSeenAt).toBe(500);
      expect(again.deleteSession('h1')).toBe(true);
      expect(again.deleteSession('h1')).toBe(false);
      expect(again.getSession('h1')).toBeUndefined();
    });

    it('refuses a session of an unknown user or a duplicate hash', () => {
      const { store } = fresh();
      const u = store.createUser(newUser('an'));
      expect(() => store.createSession({ tokenHash: 'h', userId: u.id + 99, createdAt: 1, lastSeenAt: 1 })).toThrow(
        /foreign key/i,
      );
      store.createSession({ tokenHash: 'h', userId: u.id, createdAt: 1, lastSeenAt: 1 });
      expect(() => store.createSession({ tokenHash: 'h', userId: u.id, createdAt: 2, lastSeenAt: 2 })).toThrow(
        /unique/i,
      );
    });

    it("deletes a user's sessions, optionally keeping one, and returns their hashes", () => {
      const { store } = fresh();
      const a = store.createUser(newUser('an'));
      const b = store.createUser(newUser('binh'));
      for (const h of ['a1', 'a2', 'a3'])
        store.createSession({ tokenHash: h, userId: a.id, createdAt: 1, lastSeenAt: 1 });
      store.createSession({ tokenHash: 'b1', userId: b.id, createdAt: 1, lastSeenAt: 1 });
      expect(store.deleteUserSessions(a.id, 'a2').sort()).toEqual(['a1', 'a3']);
      expect(store.getSession('a2')).toBeDefined();
      expect(store.deleteUserSessions(a.id)).toEqual(['a2']);
      expect(store.deleteUserSessions(a.id)).toEqual([]);
      expect(store.getSession('b1')).toBeDefined();
    });

    it('deletes sessions idle since before a bound or created before another', () => {
      const { store } = fresh();
      const u = store.createUser(newUser('an'));
      const mk = (tokenHash: string, createdAt: number, lastSeenAt: number) =>
        store.createSession({ tokenHash, userId: u.id, createdAt, lastSeenAt });
      mk('idle', 1_000, 1_000);
      mk('old', 100, 5_000);
      mk('fresh', 1_000, 5_000);
      mk('edge', 500, 2_000); // exactly at both bounds: kept
      expect(store.deleteExpiredSessions(2_000, 500).sort()).toEqual(['idle', 'old']);
      expect(store.getSession('fresh')).toBeDefined();
      expect(store.getSession('edge')).toBeDefined();
    });
  });

  describe('monitor runs', () => {
    it('records no gap for the first run, then the span from the last heartbeat to the next start', () => {
      const { store, reopen } = fresh();
      const first = store.startRun(10_000);
      expect(first).toMatchObject({ startedAt: 10_000, heartbeatAt: 10_000, stoppedAt: null, gapFrom: null });
      store.heartbeatRun(first.id, 15_000);
      store.heartbeatRun(first.id, 20_000);
      store.close(); // as after a SIGKILL: no stop recorded
      const again = reopen();
      const second = again.startRun(31_000);
      expect(second.gapFrom).toBe(20_000);
      expect(second.id).toBeGreaterThan(first.id);
      expect(again.listGaps(0, 100_000)).toEqual([{ from: 20_000, to: 31_000, reason: 'stopped' }]);
    });

    it('starts the gap at a clean stop, and records none when the clock says the start is not later', () => {
      const { store } = fresh();
      const a = store.startRun(10_000);
      store.heartbeatRun(a.id, 12_000);
      store.stopRun(a.id, 13_000);
      const b = store.startRun(20_000);
      store.heartbeatRun(b.id, 25_000);
      // The clock went back before this start: no gap can be claimed.
      const c = store.startRun(24_000);
      expect(c.gapFrom).toBeNull();
      // A heartbeat before the run's own start (clock jumped back) is held at the start.
      store.heartbeatRun(c.id, 1_000);
      const d = store.startRun(40_000);
      expect(d.gapFrom).toBe(24_000);
      expect(store.listGaps(0, 100_000)).toEqual([
        { from: 13_000, to: 20_000, reason: 'stopped' },
        { from: 24_000, to: 40_000, reason: 'stopped' },
      ]);
    });

    it('lists the gaps overlapping [from, to), rounding instants to whole ms', () => {
      const { store } = fresh();
      store.startRun(1_000.4);
      store.startRun(5_000); // gap [1000, 5000)
      const r = store.startRun(9_000.6); // gap [5000, 9001)
      expect(r.startedAt).toBe(9_001);
      expect(store.listGaps(0, 1_000)).toEqual([]);
      expect(store.listGaps(0, 1_001)).toEqual([{ from: 1_000, to: 5_000, reason: 'stopped' }]);
      expect(store.listGaps(5_000, 5_001)).toEqual([{ from: 5_000, to: 9_001, reason: 'stopped' }]);
      expect(store.listGaps(4_999, 5_001)).toEqual([
        { from: 1_000, to: 5_000, reason: 'stopped' },
        { from: 5_000, to: 9_001, reason: 'stopped' },
      ]);
      expect(store.listGaps(9_001, 20_000)).toEqual([]);
    });

    it('[MG3] lists blind spans with their reason beside the stopped ones, ordered by start', () => {
      const { store, reopen } = fresh();
      store.startRun(1_000);
      store.addBlindSpan(2_000.4, 12_000, 'stall');
      store.addBlindSpan(3_000, 3_000, 'stall'); // empty: nothing recorded
      store.startRun(20_000); // gap [1000, 20000)
      store.addBlindSpan(25_000, 26_000, 'clock');
      const all = [
        { from: 1_000, to: 20_000, reason: 'stopped' },
        { from: 2_000, to: 12_000, reason: 'stall' },
        { from: 25_000, to: 26_000, reason: 'clock' },
      ];
      expect(store.listGaps(0, 100_000)).toEqual(all);
      expect(store.listGaps(12_000, 25_001)).toEqual([all[0], all[2]]);
      store.close();
      expect(reopen().listGaps(0, 100_000)).toEqual(all);
    });
  });
}
