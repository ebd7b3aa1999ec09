// The Store contract, continued: the post-meeting report's methods (migration 4) — outage notes with
// their append-only audit trail, report snapshots, retention purges and the rollup digest. Called
// from storeContract with its `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Cause } from '../../../shared/report';
import type { OutageNoteEdit } from '../../../server/store/report-types';
import type { Fresh } from './contract';
import { outage, rollup } from './fixtures';

const T = 1_700_000_000_000;
const edit = (outageId: number, over: Partial<OutageNoteEdit> = {}): OutageNoteEdit => ({
  outageId,
  cause: 'line',
  note: 'Cáp quang bị đứt ở Đồng Lộc',
  by: 'kt.canloc',
  byName: 'Trần Thị Thu Hà',
  at: 5_000,
  ...over,
});
const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((x, y) => x - y);

export function reportContract(fresh: Fresh): void {
  describe('report: outages by meeting', () => {
    it('reads one outage by id and every outage of a meeting, oldest first, beyond the list limit', async () => {
      const { store } = await fresh();
      const first = await store.openOutage(outage({ startedAt: 2_000 }));
      for (let i = 0; i < 1_004; i++) await store.openOutage(outage({ startedAt: 10_000 + i, point: `P${i % 7}` }));
      await store.openOutage(outage({ meeting: 'M2', startedAt: 1_000 }));
      expect(await store.getOutage(first.id)).toEqual(first);
      expect(await store.getOutage(999_999)).toBeUndefined();
      const all = await store.listMeetingOutages('M1');
      expect(all).toHaveLength(1_005);
      expect(all[0]).toEqual(first);
      expect(all.every((o, i) => i === 0 || o.startedAt >= all[i - 1]!.startedAt)).toBe(true);
      expect((await store.listMeetingOutages('M2')).map((o) => o.startedAt)).toEqual([1_000]);
      expect(await store.listMeetingOutages('nope')).toEqual([]);
    });
  });

  describe('report: outage notes', () => {
    it('acknowledges on the first edit and audits every change old → new', async () => {
      const { store, reopen } = await fresh();
      const o = await store.openOutage(outage());
      const first = await store.saveOutageNote(edit(o.id, { cause: null, note: '' }));
      expect(first.note).toEqual({
        outageId: o.id,
        cause: null,
        note: '',
        acknowledgedBy: 'kt.canloc',
        acknowledgedByName: 'Trần Thị Thu Hà',
        acknowledgedAt: 5_000,
        updatedBy: 'kt.canloc',
        updatedByName: 'Trần Thị Thu Hà',
        updatedAt: 5_000,
      });
      expect(first.change).toMatchObject({ acknowledged: true, oldCause: null, newCause: null, oldNote: '' });

      const second = await store.saveOutageNote(edit(o.id, { by: 'admin', byName: null, at: 9_000 }));
      expect(second.note).toMatchObject({
        cause: 'line',
        note: 'Cáp quang bị đứt ở Đồng Lộc',
        acknowledgedBy: 'kt.canloc',
        acknowledgedAt: 5_000,
        updatedBy: 'admin',
        updatedByName: null,
        updatedAt: 9_000,
      });
      expect(second.change).toMatchObject({
        outageId: o.id,
        at: 9_000,
        by: 'admin',
        acknowledged: false,
        oldCause: null,
        newCause: 'line',
        oldNote: '',
        newNote: 'Cáp quang bị đứt ở Đồng Lộc',
      });

      // The same cause and note again: nothing changes, nothing is appended.
      expect(await store.saveOutageNote(edit(o.id, { by: 'someone', at: 12_000 }))).toEqual({
        note: second.note,
        change: null,
      });
      await store.close();
      const again = await reopen();
      expect(await again.getOutageNote(o.id)).toEqual(second.note);
      expect(await again.listOutageNoteHistory(o.id)).toEqual([first.change, second.change]);
      expect(second.change!.id).toBeGreaterThan(first.change!.id);
    });

    it('refuses a note on an unknown outage or with an unknown cause, writing nothing', async () => {
      const { store } = await fresh();
      const o = await store.openOutage(outage());
      await expect(store.saveOutageNote(edit(424_242))).rejects.toThrow(/does not exist/);
      await expect(store.saveOutageNote(edit(o.id, { cause: 'sabotage' as Cause }))).rejects.toThrow(
        /check constraint/i,
      );
      expect(await store.getOutageNote(o.id)).toBeUndefined();
      expect(await store.listOutageNoteHistory(o.id)).toEqual([]);
    });

    it("lists the notes of one meeting's outages", async () => {
      const { store } = await fresh();
      const a = await store.openOutage(outage());
      const b = await store.openOutage(outage({ meeting: 'M2' }));
      const c = await store.openOutage(outage({ point: 'P2' }));
      await store.saveOutageNote(edit(c.id, { cause: 'power' }));
      await store.saveOutageNote(edit(b.id));
      await store.saveOutageNote(edit(a.id, { cause: 'av' }));
      expect((await store.listMeetingOutageNotes('M1')).map((n) => [n.outageId, n.cause])).toEqual([
        [a.id, 'av'],
        [c.id, 'power'],
      ]);
      expect(await store.listMeetingOutageNotes('M3')).toEqual([]);
    });
  });

  describe('report: snapshots', () => {
    it('saves, replaces, reads back and purges by creation time', async () => {
      const { store, reopen } = await fresh();
      const row = { meeting: 'M1', createdAt: 1_000, schedule: '{"a":1}', json: '{"version":1,"tên":"Hội nghị"}' };
      await store.saveReportSnapshot(row);
      await store.saveReportSnapshot({ ...row, meeting: 'M2', createdAt: 3_000 });
      expect(await store.getReportSnapshot('M1')).toEqual(row);
      await store.saveReportSnapshot({ ...row, createdAt: 2_000, json: '{"version":1}' });
      await store.close();
      const again = await reopen();
      expect(await again.getReportSnapshot('M1')).toEqual({ ...row, createdAt: 2_000, json: '{"version":1}' });
      expect(await again.getReportSnapshot('M9')).toBeUndefined();
      expect(await again.purgeReportSnapshots(2_500)).toBe(1);
      expect(await again.getReportSnapshot('M1')).toBeUndefined();
      expect(await again.getReportSnapshot('M2')).toBeDefined();
    });

    it('refuses a snapshot that is not JSON', async () => {
      const { store } = await fresh();
      await expect(
        store.saveReportSnapshot({ meeting: 'M1', createdAt: 1, schedule: '{}', json: '{not json' }),
      ).rejects.toThrow(/json/i);
      expect(await store.getReportSnapshot('M1')).toBeUndefined();
    });
  });

  describe('report: rollups', () => {
    it('purges the buckets before an instant, of every point and target', async () => {
      const { store } = await fresh();
      const rows = [];
      for (const point of ['A', 'B', 'C']) {
        for (let i = 0; i < 5; i++) rows.push(rollup({ point, t: T + i * 10_000 }));
        rows.push(rollup({ point, target: 'icmp:backup', t: T }));
      }
      await store.writeRollups(rows);
      expect(await store.purgeRollups(T + 20_000)).toBe(3 * 3);
      for (const point of ['A', 'B', 'C']) {
        expect((await store.listRollups(point, 0, Number.MAX_SAFE_INTEGER)).map((r) => r.t)).toEqual([
          T + 20_000,
          T + 30_000,
          T + 40_000,
        ]);
      }
      expect(await store.purgeRollups(T)).toBe(0);
    });

    it('digests one target over a range: totals, present buckets, lossy, slow and jittery ones, RTTs', async () => {
      const { store } = await fresh();
      await store.writeRollups([
        rollup({ t: T - 10_000, rttAvg: 999 }), // before the range
        rollup({ t: T, sent: 10, received: 10, rttAvg: 12.345, jitter: 1 }),
        rollup({ t: T + 10_000, sent: 10, received: 7, rttAvg: 150, jitter: 25 }),
        rollup({ t: T + 20_000, sent: 10, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null }),
        rollup({ t: T + 40_000, sent: 5, received: 5, rttAvg: 0.5, jitter: null }), // after a missing bucket
        rollup({ t: T + 10_000, target: 'icmp:backup', rttAvg: 3 }), // another target
        rollup({ t: T + 60_000, rttAvg: 5 }), // at `to`: excluded
      ]);
      const d = await store.digestRollups({
        point: 'P1',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 60_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(d.rows).toBe(4);
      expect(d.sent).toBe(35);
      expect(d.received).toBe(22);
      expect(Array.from(d.buckets)).toEqual([T, T + 10_000, T + 20_000, T + 40_000]);
      expect(Array.from(d.lossy)).toEqual([T + 10_000, 10, 7, T + 20_000, 10, 0]);
      expect(Array.from(d.flagged)).toEqual([T + 10_000]);
      expect(sorted(d.rtt)).toEqual([50, 1234, 15000]);

      const contiguous = await store.digestRollups({
        point: 'P1',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 30_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(Array.from(contiguous.buckets)).toEqual([T, T + 10_000, T + 20_000]);
      const none = await store.digestRollups({
        point: 'P9',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 60_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(none).toMatchObject({ rows: 0, sent: 0, received: 0 });
      expect([none.buckets.length, none.lossy.length, none.flagged.length, none.rtt.length]).toEqual([0, 0, 0, 0]);
      // Flagged by RTT alone, by jitter alone, and just below both thresholds.
      await store.writeRollups([
        rollup({ point: 'P2', t: T, rttAvg: 100, jitter: 1 }),
        rollup({ point: 'P2', t: T + 10_000, rttAvg: 5, jitter: 20 }),
        rollup({ point: 'P2', t: T + 20_000, rttAvg: 99.99, jitter: 19.99 }),
      ]);
      const p2 = await store.digestRollups({
        point: 'P2',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 60_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(Array.from(p2.flagged)).toEqual([T, T + 10_000]);
      expect(Array.from(p2.lossy)).toEqual([]);
      await expect(
        store.digestRollups({ point: 'P2', target: 'h', from: T + 1, to: T + 60_000, rttMs: 1, jitterMs: 1 }),
      ).rejects.toThrow(/10 s grid/);
    });
  });
}
