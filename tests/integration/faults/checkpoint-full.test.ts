// The background checkpoint on a really full disk (a tmpfs of the test's own). A commit can still
// succeed into WAL space that a finished checkpoint recycled, while the database file cannot grow to
// take the new pages: the worker's pass then fails with SQLITE_FULL, the store says so to its
// listeners (the app's storage health), and the next pass after space is back succeeds. No row is lost.
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { RollupRow, SyncStore } from '../../../server/store/types';
import type { ServerHealth } from '../../../shared/protocol';
import { api, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { isRoot } from '../../helpers/nft';
import { rollup } from '../../unit/store/fixtures';
import { mountTmpfs, type Tmpfs } from './tmpfs';

let fs: Tmpfs | null = null;
let store: SyncStore | null = null;
let app: TestApp | null = null;
let appFs: Tmpfs | null = null;
afterAll(async () => {
  store?.close();
  fs?.unmount();
  await app?.stop();
  appFs?.unmount();
});

const T0 = 1_700_000_000_000;
function rows(n: number, t: number, prefix: string): RollupRow[] {
  return Array.from({ length: n }, (_, i) =>
    rollup({ point: `${prefix}${i}`, target: `icmp:127.9.${i >> 8}.${i & 255}`, t }),
  );
}

describe.skipIf(!isRoot())(
  `background checkpoints on a full disk${isRoot() ? '' : ' (skipped: needs root to mount a tmpfs)'}`,
  () => {
    it('a pass that cannot grow the database file is reported failing with SQLITE_FULL, then ok again', async () => {
      fs = mountTmpfs(16);
      const results: { ok: boolean; code?: string }[] = [];
      const s = (store = openSqliteStore(`${fs.dir}/store.sqlite`, {
        logger: pino({ level: 'silent' }),
        checkpointIntervalMs: 50,
      }));
      s.onCheckpoint!((ok, err) => results.push({ ok, code: (err as { code?: string } | undefined)?.code }));
      // A large first batch leaves a WAL of a few MB; once it is copied, the next commit reuses it.
      s.writeRollups(rows(3000, T0, 'A'));
      await waitFor('the first batch copied', () => results.some((r) => r.ok), 10_000);
      // Let the worker find the WAL fully copied at least once more before the disk fills.
      const copied = results.length;
      s.writeRollups(rows(1, T0 + 10_000, 'A'));
      await waitFor('one more pass', () => results.length > copied, 10_000);

      fs.fill();
      // New rows need new pages in the database file; their commit fits in the recycled WAL.
      s.writeRollups(rows(300, T0 + 20_000, 'B'));
      const failure = await waitFor('a failed pass', () => results.find((r) => !r.ok), 10_000);
      expect(failure.code).toMatch(/^SQLITE_(FULL|IOERR)/);

      fs.free();
      const failedAt = results.indexOf(failure);
      await waitFor('a pass after space is back', () => results.slice(failedAt).some((r) => r.ok), 10_000);
      expect(s.listRollups('B299', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
      expect(s.listRollups('A2999', 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
    });

    it("the app's storage health hears it first: failing from the checkpoint, ok again once space is back", async () => {
      appFs = mountTmpfs(16);
      const lines: { msg: string; source?: string }[] = [];
      const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
      const t = (app = await startTestApp({ dir: appFs.dir, logger }));
      const health = async () => ((await api(t, 'GET', '/api/health', undefined, null)).json as ServerHealth).storage;
      const passes: boolean[] = [];
      t.store.onCheckpoint!((ok) => passes.push(ok));
      await t.store.writeRollups(rows(3000, T0, 'A'));
      await waitFor('the batch copied', () => passes.includes(true), 10_000);
      appFs.fill();
      await t.store.writeRollups(rows(300, T0 + 10_000, 'B'));
      await waitFor('storage failing', async () => (await health()) === 'failing', 10_000);
      // The writers still commit into the reused WAL: the checkpoint is what noticed.
      expect(lines.find((l) => l.msg.startsWith('storage: writes are failing'))?.source).toBe('checkpoint');
      appFs.free();
      await waitFor('storage ok', async () => (await health()) === 'ok', 10_000);
    });
  },
);
