// The Store contract: every backend (SQLite, PostgreSQL, the tests' in-memory store) must pass this suite.
// `makeStore(db)` opens the database named `db`; opening the same name again must reach the same data
// (that is how "after a restart" is tested). Each test uses fresh names; the runner removes them.
import { afterEach, describe, expect, it } from 'vitest';
import type { OutageType, Point } from '../../../shared/schemas';
import type { OutageRow, Store } from '../../../server/store/types';
import { accountsContract } from './contract-accounts';
import { checklistContract } from './contract-checklist';
import { displaysContract } from './contract-displays';
import { agentsContract } from './contract-agents';
import { reportContract } from './contract-report';
import { alertsContract } from './contract-alerts';
import { maintenanceContract } from './contract-maintenance';
import { commune, meeting, outage, point, province, rollup } from './fixtures';

export type MakeStore = (db: string) => Store | Promise<Store>;
/** A fresh database and a way to reopen it (the contract's parts take it). */
export type Fresh = () => Promise<{ store: Store; reopen: () => Promise<Store> }>;

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    let seq = 0;
    /** A fresh database, plus a way to reopen it. */
    const fresh: Fresh = async () => {
      const db = `contract-${++seq}`;
      const open = async () => {
        const s = await makeStore(db);
        opened.push(s);
        return s;
      };
      return { store: await open(), reopen: open };
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('inventory', () => {
      it('starts empty', async () => {
        const { store } = await fresh();
        expect(await store.loadInventory()).toEqual({ units: [], points: [], meetings: [] });
      });

      it('upserts and loads back units, points and meetings, ordered by key', async () => {
        const { store } = await fresh();
        await store.saveInventory({
          upsertUnits: [commune('X2'), province, commune('X1')],
          upsertPoints: [point('P2', 'X2'), point('P1', 'X1')],
          upsertMeetings: [meeting('M2'), meeting('M1')],
        });
        expect(await store.loadInventory()).toEqual({
          units: [province, commune('X1'), commune('X2')],
          points: [point('P1', 'X1'), point('P2', 'X2')],
          meetings: [meeting('M1'), meeting('M2')],
        });
      });

      it('replaces a row with the same key and deletes by key (unknown keys are a no-op)', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertUnits: [province, commune('X1')], upsertPoints: [point('P1', 'X1')] });
        const moved: Point = { ...point('P1', 'QT'), name: 'Điểm cầu Tỉnh ủy' };
        await store.saveInventory({ upsertPoints: [moved], deleteUnits: ['X1', 'NOPE'], deleteMeetings: ['NOPE'] });
        expect(await store.loadInventory()).toEqual({ units: [province], points: [moved], meetings: [] });
        await store.saveInventory({ deletePoints: ['P1'] });
        expect((await store.loadInventory()).points).toEqual([]);
      });

      it('accepts children listed before their parents within one change', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertPoints: [point('P1', 'X1')], upsertUnits: [commune('X1'), province] });
        expect((await store.loadInventory()).points).toEqual([point('P1', 'X1')]);
      });

      it('applies nothing when one row is invalid (all or nothing)', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertUnits: [province], upsertPoints: [point('P0')] });
        const before = await store.loadInventory();
        const twoPrimaries = {
          ...point('P2'),
          targets: [
            { kind: 'icmp', host: '127.0.0.2', role: 'primary' },
            { kind: 'icmp', host: '127.0.0.3', role: 'primary' },
          ],
        } as Point;
        await expect(
          store.saveInventory({
            upsertUnits: [commune('X1')],
            upsertPoints: [point('P1'), twoPrimaries],
            upsertMeetings: [meeting('M1')],
            deletePoints: ['P0'],
          }),
        ).rejects.toThrow(/primary/);
        expect(await store.loadInventory()).toEqual(before);
      });

      it('refuses a probe host that is not an IP literal or DNS name', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertUnits: [province] });
        await expect(store.saveInventory({ upsertPoints: [point('P1', 'QT', '-f /etc/passwd')] })).rejects.toThrow(
          /host/,
        );
        expect((await store.loadInventory()).points).toEqual([]);
      });

      it('applies nothing when a point names a missing unit', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertUnits: [province] });
        await expect(
          store.saveInventory({ upsertUnits: [commune('X1')], upsertPoints: [point('P1', 'X1'), point('P2', 'GONE')] }),
        ).rejects.toThrow(/foreign key/i);
        expect(await store.loadInventory()).toEqual({ units: [province], points: [], meetings: [] });
      });

      it('refuses to delete a unit that still has points, unless they go in the same change', async () => {
        const { store } = await fresh();
        await store.saveInventory({ upsertUnits: [province, commune('X1')], upsertPoints: [point('P1', 'X1')] });
        await expect(store.saveInventory({ deleteUnits: ['X1'] })).rejects.toThrow(/foreign key/i);
        expect((await store.loadInventory()).units).toHaveLength(2);
        await store.saveInventory({ deleteUnits: ['X1'], deletePoints: ['P1'] });
        expect(await store.loadInventory()).toEqual({ units: [province], points: [], meetings: [] });
      });

      it('keeps the inventory across a reopen', async () => {
        const { store, reopen } = await fresh();
        await store.saveInventory({
          upsertUnits: [province],
          upsertPoints: [point('P1')],
          upsertMeetings: [meeting('M1')],
        });
        const saved = await store.loadInventory();
        await store.close();
        expect(await (await reopen()).loadInventory()).toEqual(saved);
      });
    });

    describe('outages', () => {
      it('opens an outage with a fresh id and no end, and closes it', async () => {
        const { store } = await fresh();
        const a = await store.openOutage(outage());
        const b = await store.openOutage(outage({ point: 'P2', meeting: null, phase: null, type: 'severe' }));
        expect(a).toEqual({ ...outage(), id: a.id, endedAt: null });
        expect(b).toMatchObject({ point: 'P2', meeting: null, phase: null, type: 'severe', endedAt: null });
        expect(b.id).toBeGreaterThan(a.id);
        await store.closeOutage(a.id, 1_060_000);
        expect(await store.listOutages({ point: 'P1' })).toEqual([{ ...a, endedAt: 1_060_000 }]);
      });

      it('stores whole milliseconds', async () => {
        const { store } = await fresh();
        const o = await store.openOutage(outage({ startedAt: 1_000_000.4, detectedAt: 1_003_000.6 }));
        expect(o).toMatchObject({ startedAt: 1_000_000, detectedAt: 1_003_001 });
        await store.closeOutage(o.id, 1_009_999.5);
        expect((await store.listOutages({}))[0]).toMatchObject({ startedAt: 1_000_000, endedAt: 1_010_000 });
      });

      it('throws when closing an unknown or already closed outage, leaving the row as it was', async () => {
        const { store } = await fresh();
        const o = await store.openOutage(outage());
        await expect(store.closeOutage(o.id + 100, 2_000_000)).rejects.toThrow(/does not exist/);
        await store.closeOutage(o.id, 2_000_000);
        await expect(store.closeOutage(o.id, 3_000_000)).rejects.toThrow(/already closed/);
        expect((await store.listOutages({}))[0]?.endedAt).toBe(2_000_000);
      });

      it('writes a batch of opens and closes in order, a close naming an open of the same batch', async () => {
        const { store } = await fresh();
        const before = await store.openOutage(outage({ point: 'P0', startedAt: 500_000 }));
        const rows = await store.writeOutages([
          { kind: 'open', outage: outage({ point: 'P1', startedAt: 1_000_000 }) },
          { kind: 'close', id: before.id, endedAt: 1_000_500.4 },
          { kind: 'open', outage: outage({ point: 'P2', startedAt: 1_001_000 }) },
          { kind: 'close', ref: 0, endedAt: 1_002_000 },
        ]);
        expect(rows[1]).toBeNull();
        expect(rows[3]).toBeNull();
        expect(rows[0]).toMatchObject({ point: 'P1', endedAt: null });
        expect(rows[2]!.id).toBeGreaterThan(rows[0]!.id);
        const all = await store.listOutages({});
        expect(all.find((o) => o.id === before.id)?.endedAt).toBe(1_000_500);
        expect(all.find((o) => o.id === rows[0]!.id)?.endedAt).toBe(1_002_000);
        expect((await store.openOutages()).map((o) => o.point)).toEqual(['P2']);
        expect(await store.writeOutages([])).toEqual([]);
      });

      it('writes nothing of a batch when one of its writes fails', async () => {
        const { store } = await fresh();
        const a = await store.openOutage(outage({ point: 'P1' }));
        await store.closeOutage(a.id, 1_100_000);
        const b = await store.openOutage(outage({ point: 'P2' }));
        await expect(
          store.writeOutages([
            { kind: 'open', outage: outage({ point: 'P3' }) },
            { kind: 'close', id: b.id, endedAt: 1_200_000 },
            { kind: 'close', id: a.id, endedAt: 1_300_000 },
          ]),
        ).rejects.toThrow(/already closed/);
        const all = (await store.listOutages({})).toSorted((x, y) => x.id - y.id);
        expect(all.map((o) => [o.point, o.endedAt])).toEqual([
          ['P1', 1_100_000],
          ['P2', null],
        ]);
        // The store goes on writing after the refused batch.
        const [c] = await store.writeOutages([{ kind: 'open', outage: outage({ point: 'P3' }) }]);
        expect(c!.id).toBeGreaterThan(b.id);
      });

      it('refuses an unknown outage type or phase', async () => {
        const { store } = await fresh();
        await expect(store.openOutage(outage({ type: 'flaky' as OutageType }))).rejects.toThrow(/check constraint/i);
        await expect(store.openOutage(outage({ phase: 'lunch' as 'live' }))).rejects.toThrow(/check constraint/i);
        expect(await store.listOutages({})).toEqual([]);
      });

      it('lists the open outages, also after a reopen', async () => {
        const { store, reopen } = await fresh();
        const a = await store.openOutage(outage({ point: 'P1', startedAt: 2_000 }));
        const b = await store.openOutage(outage({ point: 'P2', startedAt: 1_000 }));
        const c = await store.openOutage(outage({ point: 'P3', startedAt: 3_000 }));
        await store.closeOutage(a.id, 5_000);
        expect(await store.openOutages()).toEqual([b, c]);
        await store.close();
        const again = await reopen();
        expect(await again.openOutages()).toEqual([b, c]);
        await again.closeOutage(b.id, 6_000);
        expect(await again.openOutages()).toEqual([c]);
      });

      it('filters by meeting and by point', async () => {
        const { store } = await fresh();
        const rows = [
          await store.openOutage(outage({ point: 'P1', meeting: 'M1', startedAt: 1_000 })),
          await store.openOutage(outage({ point: 'P2', meeting: 'M1', startedAt: 2_000 })),
          await store.openOutage(outage({ point: 'P1', meeting: 'M2', startedAt: 3_000 })),
          await store.openOutage(outage({ point: 'P1', meeting: null, startedAt: 4_000 })),
        ];
        const ids = async (q: Parameters<Store['listOutages']>[0]) => (await store.listOutages(q)).map((o) => o.id);
        const [r0, r1, r2, r3] = rows.map((r) => r.id);
        expect(await ids({ meeting: 'M1' })).toEqual([r1, r0]);
        expect(await ids({ point: 'P1' })).toEqual([r3, r2, r0]);
        expect(await ids({ meeting: 'M1', point: 'P1' })).toEqual([r0]);
        expect(await ids({ meeting: 'M3' })).toEqual([]);
        expect(await ids({})).toEqual([r3, r2, r1, r0]);
      });

      it('returns outages overlapping [from, to), open ones as ongoing', async () => {
        const { store } = await fresh();
        const mk = async (code: string, startedAt: number, endedAt: number | null): Promise<OutageRow> => {
          const o = await store.openOutage(outage({ point: code, startedAt, detectedAt: startedAt }));
          if (endedAt !== null) await store.closeOutage(o.id, endedAt);
          return { ...o, endedAt };
        };
        await mk('endsAtFrom', 50, 100); // [50, 100) does not reach 100
        const across = await mk('across', 50, 150);
        const inside = await mk('inside', 120, 130);
        const tail = await mk('tail', 190, 250);
        await mk('startsAtTo', 200, 300);
        const openEarly = await mk('openEarly', 10, null);
        await mk('openLate', 200, null);
        await mk('before', 10, 20);
        const names = async (q: Parameters<Store['listOutages']>[0]) =>
          (await store.listOutages(q)).map((o) => o.point);
        expect(await names({ from: 100, to: 200 })).toEqual(['tail', 'inside', 'across', 'openEarly']);
        expect(await store.listOutages({ from: 100, to: 200 })).toEqual([tail, inside, across, openEarly]);
        expect(await names({ from: 260 })).toEqual(['openLate', 'startsAtTo', 'openEarly']);
        expect(await names({ to: 20 })).toEqual(['before', 'openEarly']);
      });

      it('orders newest first, ties by id', async () => {
        const { store } = await fresh();
        const a = await store.openOutage(outage({ point: 'A', startedAt: 5_000 }));
        const b = await store.openOutage(outage({ point: 'B', startedAt: 9_000 }));
        const c = await store.openOutage(outage({ point: 'C', startedAt: 5_000 }));
        expect((await store.listOutages({})).map((o) => o.id)).toEqual([b.id, c.id, a.id]);
      });

      it('bounds the list: default 1000, at most 10 000, limit must be positive', async () => {
        const { store } = await fresh();
        for (let i = 0; i < 10_001; i++) {
          await store.openOutage(outage({ point: `P${i % 7}`, startedAt: i, detectedAt: i }));
        }
        const all = await store.listOutages({});
        expect(all).toHaveLength(1000);
        expect(all[0]?.startedAt).toBe(10_000);
        expect(all[999]?.startedAt).toBe(9_001);
        expect((await store.listOutages({ limit: 3 })).map((o) => o.startedAt)).toEqual([10_000, 9_999, 9_998]);
        expect(await store.listOutages({ limit: 50_000 })).toHaveLength(10_000);
        await expect(store.listOutages({ limit: 0 })).rejects.toThrow(RangeError);
        await expect(store.listOutages({ limit: 2.5 })).rejects.toThrow(RangeError);
        // 10,001 durable commits: a server store fsyncs each one (~1–3 ms on a busy 2-core machine).
      }, 120_000);
    });

    describe('rollups', () => {
      const T = 1_700_000_000_000;

      it('lists one point over [from, to), ordered by time then target', async () => {
        const { store } = await fresh();
        const rows = [
          rollup({ t: T + 20_000, target: 'icmp:b.example' }),
          rollup({ t: T + 10_000, target: 'icmp:b.example' }),
          rollup({ t: T + 10_000, target: 'icmp:a.example' }),
          rollup({ t: T }),
          rollup({ t: T + 10_000, point: 'P2' }),
        ];
        await store.writeRollups(rows);
        expect(await store.listRollups('P1', T + 10_000, T + 20_000)).toEqual([rows[2], rows[1]]);
        expect((await store.listRollups('P1', T, T + 30_000)).map((r) => r.t)).toEqual([
          T,
          T + 10_000,
          T + 10_000,
          T + 20_000,
        ]);
        expect(await store.listRollups('P2', T, T + 30_000)).toEqual([rows[4]]);
        expect(await store.listRollups('P3', T, T + 30_000)).toEqual([]);
      });

      it('merges a bucket written twice: counts add, min/max widen, avg and jitter weighted', async () => {
        const { store } = await fresh();
        await store.writeRollups([rollup({ sent: 10, received: 5, rttMin: 10, rttAvg: 20, rttMax: 30, jitter: 4 })]);
        await store.writeRollups([rollup({ sent: 5, received: 3, rttMin: 5, rttAvg: 12, rttMax: 25, jitter: 10 })]);
        const [row] = await store.listRollups('P1', T, T + 10_000);
        expect(row).toMatchObject({ sent: 15, received: 8, rttMin: 5, rttMax: 30 });
        expect(row?.rttAvg).toBeCloseTo((5 * 20 + 3 * 12) / 8, 9);
        // 4 successive differences at 4 ms, 2 at 10 ms
        expect(row?.jitter).toBeCloseTo((4 * 4 + 2 * 10) / 6, 9);
      });

      it('merges with buckets that had no replies, or too few for jitter', async () => {
        const { store } = await fresh();
        const lost = { received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null };
        await store.writeRollups([rollup({ sent: 4, ...lost })]);
        expect(await store.listRollups('P1', T, T + 1)).toEqual([rollup({ sent: 4, ...lost })]);
        await store.writeRollups([rollup({ sent: 1, received: 1, rttMin: 7, rttAvg: 7, rttMax: 7, jitter: null })]);
        expect(await store.listRollups('P1', T, T + 1)).toEqual([
          rollup({ sent: 5, received: 1, rttMin: 7, rttAvg: 7, rttMax: 7, jitter: null }),
        ]);
        await store.writeRollups([rollup({ sent: 3, received: 3, rttMin: 1, rttAvg: 3, rttMax: 5, jitter: 2 })]);
        const [row] = await store.listRollups('P1', T, T + 1);
        expect(row).toMatchObject({ sent: 8, received: 4, rttMin: 1, rttMax: 7, jitter: 2 });
        expect(row?.rttAvg).toBeCloseTo((7 + 9) / 4, 9);
        await store.writeRollups([rollup({ sent: 2, ...lost })]);
        expect((await store.listRollups('P1', T, T + 1))[0]).toEqual({ ...row, sent: 10 });
      });

      it('merges duplicates within one batch', async () => {
        const { store } = await fresh();
        await store.writeRollups([rollup({ sent: 2, received: 2 }), rollup({ sent: 3, received: 1 })]);
        expect((await store.listRollups('P1', T, T + 1))[0]).toMatchObject({ sent: 5, received: 3 });
      });

      it('writes a batch all or nothing', async () => {
        const { store } = await fresh();
        await store.writeRollups([]);
        const bad = rollup({ t: T + 20_000, sent: 1, received: 2 });
        await expect(store.writeRollups([rollup(), rollup({ t: T + 10_000 }), bad])).rejects.toThrow(
          /check constraint/i,
        );
        expect(await store.listRollups('P1', 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      });

      it('keeps rollups across a reopen', async () => {
        const { store, reopen } = await fresh();
        await store.writeRollups([rollup(), rollup({ t: T + 10_000, jitter: null })]);
        await store.close();
        expect(await (await reopen()).listRollups('P1', T, T + 20_000)).toEqual([
          rollup(),
          rollup({ t: T + 10_000, jitter: null }),
        ]);
      });
    });

    accountsContract(fresh);
    checklistContract(fresh);
    reportContract(fresh);
    displaysContract(fresh);
    agentsContract(fresh);
    alertsContract(fresh);
    maintenanceContract(fresh);
  });
}
