// The Store contract, continued: planned work, the alert gate's verdicts and the daily digest
// (migration 11), and the report's issuer settings (migration 7). Called from storeContract with its
// `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../server/alerts/incident';
import type { MaintenanceNew } from '../../../server/store/maintenance-types';
import type { Fresh } from './contract';

const entry = (start: number, end: number, over: Partial<MaintenanceNew> = {}): MaintenanceNew => ({
  targetKind: 'point',
  target: 'P1',
  start,
  end,
  reason: 'Nâng cấp đường truyền cáp quang',
  createdBy: 'admin',
  createdAt: 500,
  ...over,
});

const incident = (id: string, outages: number[]): Incident => ({
  id,
  kind: 'open',
  severity: 'critical',
  type: 'down',
  at: 1_000,
  start: 1_000,
  end: null,
  meeting: null,
  phase: null,
  outages,
  points: [],
  text: 'Điểm cầu xã Một: mất kết nối',
});

export function maintenanceContract(fresh: Fresh): void {
  describe('planned work', () => {
    it('adds, reads, lists the entries overlapping [from, to) by start, replaces and deletes', async () => {
      const { store, reopen } = await fresh();
      const m = store.maintenance;
      const a = await m.addMaintenance(entry(2_000, 3_000));
      const b = await m.addMaintenance(entry(1_000, 2_000, { targetKind: 'unit', target: 'QT' }));
      expect(a).toEqual({ id: a.id, ...entry(2_000, 3_000) });
      expect(b.id).not.toBe(a.id);
      expect(await m.getMaintenance(a.id)).toEqual(a);
      expect(await m.getMaintenance(a.id + b.id + 1)).toBeUndefined();
      expect((await m.listMaintenance()).map((x) => x.id)).toEqual([b.id, a.id]);
      expect((await m.listMaintenance(2_000, 2_500)).map((x) => x.id)).toEqual([a.id]); // b ends at 2 000
      expect(await m.listMaintenance(3_000, 4_000)).toEqual([]);
      await expect(m.addMaintenance(entry(5_000, 5_000))).rejects.toThrow(/check constraint/i);
      expect(await m.updateMaintenance(a.id, entry(2_000, 4_000, { reason: 'Thay UPS' }))).toBe(true);
      expect(await m.updateMaintenance(a.id + b.id + 1, entry(1, 2))).toBe(false);
      await store.close();
      const again = (await reopen()).maintenance;
      expect(await again.getMaintenance(a.id)).toEqual({ id: a.id, ...entry(2_000, 4_000, { reason: 'Thay UPS' }) });
      expect(await again.deleteMaintenance(b.id)).toBe(true);
      expect(await again.deleteMaintenance(b.id)).toBe(false);
      expect((await again.listMaintenance()).map((x) => x.id)).toEqual([a.id]);
    });
  });

  describe('alert gate and daily digest', () => {
    it('records a verdict once, finds it by any of its outages, and hands the waiting ones to one digest', async () => {
      const { store, reopen } = await fresh();
      const m = store.maintenance;
      for (const [id, outages] of [
        ['i1', [7, 8]],
        ['i2', [9]],
        ['i3', [10]],
      ] as const) {
        await store.alerts.addIncident(incident(id, [...outages]));
      }
      expect(await m.addGated({ incident: 'i1', action: 'muted', maintenance: 4, at: 1_000, outages: [7, 8] })).toBe(
        true,
      );
      expect(await m.addGated({ incident: 'i1', action: 'digest', maintenance: null, at: 1, outages: [] })).toBe(false);
      await m.addGated({ incident: 'i2', action: 'digest', maintenance: null, at: 3_000, outages: [9] });
      await m.addGated({ incident: 'i3', action: 'digest', maintenance: null, at: 2_000, outages: [10] });
      expect(await m.gatedByOutage([8])).toEqual({
        incident: 'i1',
        action: 'muted',
        maintenance: 4,
        at: 1_000,
        outages: [7, 8],
        digestDay: null,
      });
      expect(await m.gatedByOutage([42])).toBeUndefined();
      expect(await m.gatedByOutage([])).toBeUndefined();
      expect((await m.pendingDigest(3_000)).map((g) => g.incident)).toEqual(['i3']);
      expect((await m.pendingDigest(9_000)).map((g) => g.incident)).toEqual(['i3', 'i2']);

      const day = { day: '2026-03-06', incident: incident('digest-2026-03-06', []), createdAt: 10_000 };
      expect(await m.createDigest(day, ['i2', 'i3'])).toBe(true);
      expect(await m.createDigest({ ...day, createdAt: 11_000 }, ['i2'])).toBe(false);
      expect(await m.pendingDigest(9_000)).toEqual([]);
      expect((await m.gatedByOutage([9]))?.digestDay).toBe('2026-03-06');
      await store.close();
      expect(await (await reopen()).maintenance.getDigest('2026-03-06')).toEqual(day);
    });

    it('keeps one send per day and channel, its delivery number negative and stable, listed by channel', async () => {
      const { store } = await fresh();
      const m = store.maintenance;
      await m.createDigest({ day: 'D', incident: incident('digest-D', []), createdAt: 1 }, []);
      const send = {
        day: 'D',
        channel: 'zalo',
        delivery: 0,
        attempts: 1,
        sentAt: null,
        lastError: 'HTTP 503',
        nextAt: 60_000,
      };
      const first = await m.saveDigestSend(send);
      expect(first).toEqual({ ...send, delivery: first.delivery });
      expect(first.delivery).toBeLessThan(0);
      const other = await m.saveDigestSend({ ...send, channel: 'email', attempts: 0, lastError: null });
      expect(other.delivery).toBeLessThan(0);
      expect(other.delivery).not.toBe(first.delivery);
      const sent = await m.saveDigestSend({ ...send, attempts: 2, sentAt: 61_000, lastError: null, nextAt: null });
      expect(sent).toEqual({
        ...send,
        delivery: first.delivery,
        attempts: 2,
        sentAt: 61_000,
        lastError: null,
        nextAt: null,
      });
      expect((await m.digestSends('D')).map((s) => [s.channel, s.attempts])).toEqual([
        ['email', 0],
        ['zalo', 2],
      ]);
      expect(await m.digestSends('E')).toEqual([]);
    });
  });

  describe('report settings', () => {
    it('saves, replaces and deletes the one row of settings, as JSON, across a reopen', async () => {
      const { store, reopen } = await fresh();
      expect(await store.getReportSettings()).toBeUndefined();
      const row = {
        settings: { org: 'Sở Thông tin và Truyền thông', signers: [{ name: 'Lê Văn Tám' }] },
        updatedBy: 'admin',
        updatedAt: 1_000,
      };
      await store.saveReportSettings(row);
      await store.saveReportSettings({ ...row, updatedAt: 2_000 });
      await store.close();
      const again = await reopen();
      expect(await again.getReportSettings()).toEqual({ ...row, updatedAt: 2_000 });
      await again.saveReportSettings(null);
      expect(await again.getReportSettings()).toBeUndefined();
    });
  });
}
