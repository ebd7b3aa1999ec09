import { describe, expect, it } from 'vitest';
import { alertText } from '../../../client/src/lib/alerts';
import {
  compareNewestFirst,
  feedGroups,
  groupAsOutage,
  mergeOutages,
  newlyOpened,
  outageDurationMs,
} from '../../../client/src/lib/outages';
import { LineGroups } from '../../../shared/outage-groups';
import { tinyProvince } from '../../helpers/app';
import { en } from '../../../client/src/i18n/en';
import { vi } from '../../../client/src/i18n/vi';
import { outage } from './fixtures';

const T = (hhmmss: string): string => `2026-03-06T${hhmmss}.000+07:00`;

describe('outage feed', () => {
  it('is newest first (by start, then id)', () => {
    const a = outage({ id: 1, point: 'A', startedAt: T('08:00:00') });
    const b = outage({ id: 2, point: 'B', startedAt: T('08:05:00') });
    const c = outage({ id: 3, point: 'C', startedAt: T('08:05:00') });
    expect(mergeOutages([], [a, b, c]).map((o) => o.id)).toEqual([3, 2, 1]);
    expect([a, c, b].sort(compareNewestFirst).map((o) => o.id)).toEqual([3, 2, 1]);
  });

  it('a closed record replaces the open one; a late open record does not reopen it', () => {
    const open = outage({ id: 7, point: 'A', startedAt: T('08:00:00') });
    const closed = { ...open, endedAt: T('08:02:30') };
    const feed = mergeOutages([open], [closed]);
    expect(feed).toEqual([closed]);
    expect(mergeOutages(feed, [open])).toEqual([closed]);
  });

  it('is bounded, but never drops an outage that is still open', () => {
    const old = outage({ id: 100, point: 'OLD', startedAt: T('07:00:00') });
    const closed = Array.from({ length: 10 }, (_, i) =>
      outage({ id: i + 1, point: `P${i}`, startedAt: T(`08:0${i}:00`), endedAt: T(`08:0${i}:30`) }),
    );
    const feed = mergeOutages([], [old, ...closed], 5);
    expect(feed).toHaveLength(6);
    expect(feed.map((o) => o.id)).toContain(100);
    expect(feed.slice(0, 5).map((o) => o.id)).toEqual([10, 9, 8, 7, 6]);
  });

  it('an empty delta keeps the feed identical (no re-render)', () => {
    const feed = mergeOutages([], [outage({ point: 'A', startedAt: T('08:00:00') })]);
    expect(mergeOutages(feed, [])).toBe(feed);
  });

  it('only open outages the feed has not seen are new', () => {
    const known = outage({ id: 1, point: 'A', startedAt: T('08:00:00') });
    const fresh = outage({ id: 2, point: 'B', startedAt: T('08:01:00') });
    const closedFresh = outage({ id: 3, point: 'C', startedAt: T('08:01:00'), endedAt: T('08:01:10') });
    expect(newlyOpened([known], [known, fresh, fresh, closedFresh]).map((o) => o.id)).toEqual([2]);
  });

  it('duration runs to now while open and to the end once closed', () => {
    const o = outage({ point: 'A', startedAt: T('08:00:00') });
    expect(outageDurationMs(o, Date.parse(T('08:01:30')))).toBe(90_000);
    expect(outageDurationMs({ ...o, endedAt: T('08:00:45') }, Date.parse(T('09:00:00')))).toBe(45_000);
  });
});

describe('alert text', () => {
  const names: Record<string, string> = { A: 'Xã Cẩm Bình', B: 'Xã Thạch Đài', C: 'C', D: 'D', E: 'E', F: 'F', G: 'G' };
  const nameOf = (c: string): string => names[c] ?? c;

  it('one outage names the point and the start time (Vietnamese)', () => {
    const text = alertText([outage({ point: 'A', startedAt: T('08:15:03') })], nameOf, vi);
    expect(text).toEqual({ title: 'Mất kết nối: Xã Cẩm Bình', body: 'từ 08:15:03' });
  });

  it('a burst is summarised in one notification', () => {
    const burst = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((p) => outage({ point: p, startedAt: T('08:00:00') }));
    expect(alertText(burst, nameOf, vi)).toEqual({
      title: '7 điểm cầu gặp sự cố',
      body: 'Xã Cẩm Bình, Xã Thạch Đài, C, D, E và 2 điểm khác',
    });
    expect(alertText(burst.slice(0, 2), nameOf, en)?.title).toBe('2 points have an outage');
  });

  it('severe outages say so; nothing to say for no outage', () => {
    expect(alertText([outage({ point: 'B', type: 'severe', startedAt: T('09:00:00') })], nameOf, vi)?.title).toBe(
      'Chập chờn nặng: Xã Thạch Đài',
    );
    expect(alertText([], nameOf, vi)).toBeNull();
  });
});

/** An instant `s` seconds after 08:00:00. */
const at = (s: number): string => new Date(Date.parse(T('08:00:00')) + s * 1000).toISOString();

describe('outage feed grouped by problem', () => {
  const { units, points } = tinyProvince(203, 3);
  const lines = new LineGroups(units, points);

  it('[AL15] a district cut is one entry naming its points; a bouncing line one flapping entry; newest first', () => {
    const cut = ['D1', 'C1', 'C2', 'C3'].map((p, i) => outage({ point: p, startedAt: at(i), endedAt: at(120) }));
    const bounces = Array.from({ length: 12 }, (_, i) =>
      outage({ point: 'P', startedAt: at(600 + i * 20), endedAt: i === 11 ? null : at(600 + i * 20 + 15) }),
    );
    const single = outage({ point: 'C2', startedAt: at(3000), endedAt: at(3060) });
    const feed = feedGroups(mergeOutages([], [...cut, ...bounces, single]), lines);
    expect(feed.map((g) => [g.kind, g.points.join(','), g.outages.length, g.end === null])).toEqual([
      ['point', 'C2', 1, false],
      ['flapping', 'P', 12, true],
      ['unit', 'D1,C1,C2,C3', 4, false],
    ]);
    expect(feed[2]!.unit).toEqual({ id: 'D1', name: 'Huyện Một' });
    // The entry reads as one outage from its first start to its last end (or open).
    const flap = groupAsOutage(feed[1]!);
    expect(Date.parse(flap.startedAt)).toBe(Date.parse(bounces[0]!.startedAt));
    expect(flap.endedAt).toBeNull();
    expect(outageDurationMs(groupAsOutage(feed[2]!), 0)).toBe(120_000);
  });

  it('without the unit tree each outage is its own entry', () => {
    const list = [outage({ point: 'C1', startedAt: at(0) }), outage({ point: 'C2', startedAt: at(1) })];
    expect(feedGroups(list, null).map((g) => g.points)).toEqual([['C2'], ['C1']]);
  });
});
