// Every write of the SQLite store on a really full disk (a tmpfs of the test's own): it throws a
// storage fault and has written nothing — never "succeeds" silently — and works again once space is
// back. (INSERT … RETURNING read with .get() used to report success without writing.)
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../server/store/sqlite';
import { isStorageFault } from '../../../server/store/health';
import type { SyncStore as Store } from '../../../server/store/types';
import { isRoot } from '../../helpers/nft';
import { newUser } from '../../unit/store/contract-accounts';
import { outage, province, rollup } from '../../unit/store/fixtures';
import { mountTmpfs, type Tmpfs } from './tmpfs';

let fs: Tmpfs | null = null;
let store: Store | null = null;
afterAll(() => {
  store?.close();
  fs?.unmount();
});

describe.skipIf(!isRoot())(
  `the SQLite store on a full disk${isRoot() ? '' : ' (skipped: needs root to mount a tmpfs)'}`,
  () => {
    it('throws a storage fault for every write, writes nothing, and recovers', () => {
      fs = mountTmpfs(4);
      const file = `${fs.dir}/store.sqlite`;
      const s = (store = openSqliteStore(file));
      const user = s.createUser(newUser('an'));
      const open = s.openOutage(outage({ point: 'P0' }));
      const run = s.startRun(1_000);
      s.createSession({ tokenHash: 'h0', userId: user.id, createdAt: 1, lastSeenAt: 1 });
      const side = new Database(file);
      side.pragma('wal_checkpoint(TRUNCATE)');
      side.close();
      fs.fill();

      const writes: [string, () => unknown][] = [
        ['openOutage', () => s.openOutage(outage({ point: 'P1' }))],
        ['closeOutage', () => s.closeOutage(open.id, 2_000_000)],
        ['writeRollups', () => s.writeRollups([rollup()])],
        ['saveInventory', () => s.saveInventory({ upsertUnits: [province] })],
        ['createUser', () => s.createUser(newUser('binh'))],
        ['updateUser', () => s.updateUser('an', { role: 'viewer', updatedAt: 2 })],
        ['createSession', () => s.createSession({ tokenHash: 'h1', userId: user.id, createdAt: 1, lastSeenAt: 1 })],
        ['touchSession', () => s.touchSession('h0', 99)],
        ['deleteUserSessions', () => s.deleteUserSessions(user.id)],
        ['deleteExpiredSessions', () => s.deleteExpiredSessions(Number.MAX_SAFE_INTEGER, 0)],
        ['startRun', () => s.startRun(5_000)],
        ['heartbeatRun', () => s.heartbeatRun(run.id, 3_000)],
      ];
      for (const [name, write] of writes) {
        let thrown: unknown = null;
        try {
          write();
        } catch (err) {
          thrown = err;
        }
        expect([name, isStorageFault(thrown)]).toEqual([name, true]);
      }
      // Nothing of it is there.
      expect(s.listOutages({}).map((o) => [o.point, o.endedAt])).toEqual([['P0', null]]);
      expect(s.listRollups('P1', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(s.loadInventory().units).toEqual([]);
      expect(s.listUsers().map((u) => [u.name, u.role])).toEqual([['an', 'technician']]);
      expect(s.getSession('h0')?.session.lastSeenAt).toBe(1);
      expect(s.getSession('h1')).toBeUndefined();
      expect(s.listGaps(0, 10_000)).toEqual([]);

      fs.free();
      expect(s.openOutage(outage({ point: 'P1' })).point).toBe('P1');
      s.closeOutage(open.id, 2_000_000);
      expect(s.createUser(newUser('binh')).name).toBe('binh');
      expect(s.startRun(5_000).gapFrom).toBe(1_000);
    });
  },
);
