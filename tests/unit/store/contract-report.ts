// The Store contract, continued: the post-meeting report's methods (migration 4) — outage notes with
// their append-only audit trail, report snapshots, retention purges and the rollup digest. Called
// from storeContract with its `fresh` database maker, so every backend runs these too.
import { describe, expect, it } from 'vitest';
import type { Cause } from '../../../shared/report';
import type { OutageNoteEdit } from '../../../server/store/report-types';
import type { Store } from '../../../server/store/types';
import { outage, rollup } from './fixtures';

type Fresh = () => { store: Store; reopen: () => Store };

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
    it('reads one outage by id and every outage of a meeting, oldest first, beyond the list limit', () => {
      const { store } = fresh();
      const first = store.openOutage(outage({ startedAt: 2_000 }));
      for (let i = 0; i < 1_004; i++) store.openOutage(outage({ startedAt: 10_000 + i, point: `P${i % 7}` }));
      store.openOutage(outage({ meeting: 'M2', startedAt: 1_000 }));
      expect(store.getOutage(first.id)).toEqual(first);
      expect(store.getOutage(999_999)).toBeUndefined();
      const all = store.listMeetingOutages('M1');
      expect(all).toHaveLength(1_005);
      expect(all[0]).toEqual(first);
      expect(all.every((o, i) => i === 0 || o.startedAt >= all[i - 1]!.startedAt)).toBe(true);
      expect(store.listMeetingOutages('M2').map((o) => o.startedAt)).toEqual([1_000]);
      expect(store.listMeetingOutages('nope')).toEqual([]);
    });
  });

  describe('report: outage notes', () => {
    it('acknowledges on the first edit and audits every change old → new', () => {
      const { store, reopen } = fresh();
      const o = store.openOutage(outage());
      const first = store.saveOutageNote(edit(o.id, { cause: null, note: '' }));
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

      const second = store.saveOutageNote(edit(o.id, { by: 'admin', byName: null, at: 9_000 }));
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
      expect(store.saveOutageNote(edit(o.id, { by: 'someone', at: 12_000 }))).toEqual({
        note: second.note,
        change: null,
      });
      store.close();
      const again = reopen();
      expect(again.getOutageNote(o.id)).toEqual(second.note);
      expect(again.listOutageNoteHistory(o.id)).toEqual([first.change, second.change]);
      expect(second.change!.id).toBeGreaterThan(first.change!.id);
    });

    it('refuses a note on an unknown outage or with an unknown cause, writing nothing', () => {
      const { store } = fresh();
      const o = store.openOutage(outage());
      expect(() => store.saveOutageNote(edit(424_242))).toThrow(/does not exist/);
      expect(() => store.saveOutageNote(edit(o.id, { cause: 'sabotage' as Cause }))).toThrow(/check constraint/i);
      expect(store.getOutageNote(o.id)).toBeUndefined();
      expect(store.listOutageNoteHistory(o.id)).toEqual([]);
    });

    it("lists the notes of one meeting's outages", () => {
      const { store } = fresh();
      const a = store.openOutage(outage());
      const b = store.openOutage(outage({ meeting: 'M2' }));
      const c = store.openOutage(outage({ point: 'P2' }));
      store.saveOutageNote(edit(c.id, { cause: 'power' }));
      store.saveOutageNote(edit(b.id));
      store.saveOutageNote(edit(a.id, { cause: 'av' }));
      expect(store.listMeetingOutageNotes('M1').map((n) => [n.outageId, n.cause])).toEqual([
        [a.id, 'av'],
        [c.id, 'power'],
      ]);
      expect(store.listMeetingOutageNotes('M3')).toEqual([]);
    });
  });

  describe('report: snapshots', () => {
    it('saves, replaces, reads back and purges by creation time', () => {
      const { store, reopen } = fresh();
      const row = { meeting: 'M1', createdAt: 1_000, schedule: '{"a":1}', json: '{"version":1,"tên":"Hội nghị"}' };
      store.saveReportSnapshot(row);
      store.saveReportSnapshot({ ...row, meeting: 'M2', createdAt: 3_000 });
      expect(store.getReportSnapshot('M1')).toEqual(row);
      store.saveReportSnapshot({ ...row, createdAt: 2_000, json: '{"version":1}' });
      store.close();
      const again = reopen();
      expect(again.getReportSnapshot('M1')).toEqual({ ...row, createdAt: 2_000, json: '{"version":1}' });
      expect(again.getReportSnapshot('M9')).toBeUndefined();
      expect(again.purgeReportSnapshots(2_500)).toBe(1);
      expect(again.getReportSnapshot('M1')).toBeUndefined();
      expect(again.getReportSnapshot('M2')).toBeDefined();
    });

    it('refuses a snapshot that is not JSON', () => {
      const { store } = fresh();
      expect(() =>
        store.saveReportSnapshot({ meeting: 'M1', createdAt: 1, schedule: '{}', json: '{not json' }),
      ).toThrow(/json/i);
      expect(store.getReportSnapshot('M1')).toBeUndefined();
    });
  });

  describe('report: rollups', () => {
    it('purges the buckets before an instant, of every point and target', () => {
      const { store } = fresh();
      const rows = [];
      for (const point of ['A', 'B', 'C']) {
        for (let i = 0; i < 5; i++) rows.push(rollup({ point, t: T + i * 10_000 }));
        rows.push(rollup({ point, target: 'icmp:backup', t: T }));
      }
      store.writeRollups(rows);
      expect(store.purgeRollups(T + 20_000)).toBe(3 * 3);
      for (const point of ['A', 'B', 'C']) {
        expect(store.listRollups(point, 0, Number.MAX_SAFE_INTEGER).map((r) => r.t)).toEqual([
          T + 20_000,
          T + 30_000,
          T + 40_000,
        ]);
      }
      expect(store.purgeRollups(T)).toBe(0);
    });

    it('digests one target over a range: totals, present buckets, lossy, slow and jittery ones, RTTs', () => {
      const { store } = fresh();
      store.writeRollups([
        rollup({ t: T - 10_000, rttAvg: 999 }), // before the range
        rollup({ t: T, sent: 10, received: 10, rttAvg: 12.345, jitter: 1 }),
        rollup({ t: T + 10_000, sent: 10, received: 7, rttAvg: 150, jitter: 25 }),
        rollup({ t: T + 20_000, sent: 10, received: 0, rttMin: null, rttAvg: null, rttMax: null, jitter: null }),
        rollup({ t: T + 40_000, sent: 5, received: 5, rttAvg: 0.5, jitter: null }), // after a missing bucket
        rollup({ t: T + 10_000, target: 'icmp:backup', rttAvg: 3 }), // another target
        rollup({ t: T + 60_000, rttAvg: 5 }), // at `to`: excluded
      ]);
      const d = store.digestRollups({
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

      const contiguous = store.digestRollups({
        point: 'P1',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 30_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(Array.from(contiguous.buckets)).toEqual([T, T + 10_000, T + 20_000]);
      const none = store.digestRollups({
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
      store.writeRollups([
        rollup({ point: 'P2', t: T, rttAvg: 100, jitter: 1 }),
        rollup({ point: 'P2', t: T + 10_000, rttAvg: 5, jitter: 20 }),
        rollup({ point: 'P2', t: T + 20_000, rttAvg: 99.99, jitter: 19.99 }),
      ]);
      const p2 = store.digestRollups({
        point: 'P2',
        target: 'icmp:127.0.0.1',
        from: T,
        to: T + 60_000,
        rttMs: 100,
        jitterMs: 20,
      });
      expect(Array.from(p2.flagged)).toEqual([T, T + 10_000]);
      expect(Array.from(p2.lossy)).toEqual([]);
      expect(() =>
        store.digestRollups({ point: 'P2', target: 'h', from: T + 1, to: T + 60_000, rttMs: 1, jitterMs: 1 }),
      ).toThrow(/10 s grid/);
    });
  });
}
