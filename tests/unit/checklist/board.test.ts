// The readiness board's pure logic (client/src/lib/checklistBoard.ts) and its store of marks
// (client/src/lib/checklistStore.ts): counts, filters, the order of what needs action, keys, cursor.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECKLIST_ITEMS,
  type ChecklistPoint,
  type ChecklistSnapshot,
  type ItemMark,
  type ItemResult,
} from '../../../shared/checklist';
import type { Unit } from '../../../shared/schemas';
import {
  boardKey,
  boardOrder,
  clampCursor,
  nextManual,
  NO_FILTERS,
  summarize,
  telHref,
  type PointMarks,
} from '../../../client/src/lib/checklistBoard';
import { ChecklistStore } from '../../../client/src/lib/checklistStore';

const items = DEFAULT_CHECKLIST_ITEMS;
const units: Unit[] = [
  { id: 'T', name: 'Tỉnh', level: 'province', parent: null },
  { id: 'H1', name: 'Huyện Một', level: 'district', parent: 'T' },
  { id: 'X1', name: 'Xã Một', level: 'commune', parent: 'H1' },
  { id: 'H2', name: 'Huyện Hai', level: 'district', parent: 'T' },
];
const pt = (code: string, unit: string): ChecklistPoint => ({
  code,
  name: `Điểm cầu ${code}`,
  level: 'commune',
  unit,
  technician: null,
  hasBackup: false,
});
const points = [pt('T', 'T'), pt('H1', 'H1'), pt('X1', 'X1'), pt('H2', 'H2')];

const mark = (point: string, item: string, result: ItemResult, version = 1): ItemMark => ({
  point,
  item,
  result,
  note: null,
  by: 'kt',
  at: '2026-03-05T15:00:00.000+07:00',
  version,
});
const all = (point: string, result: ItemResult): PointMarks =>
  Object.fromEntries(items.map((i) => [i.key, mark(point, i.key, i.required ? result : 'na')]));

const allReady = (code: string) => (code === 'P0' ? undefined : all(code, 'pass'));

describe('readiness board', () => {
  const marks: Record<string, PointMarks> = {
    T: all('T', 'pass'),
    H1: { ...all('H1', 'pass'), 'am-thanh': mark('H1', 'am-thanh', 'fail'), camera: mark('H1', 'camera', 'fail') },
    X1: { 'hinh-anh': mark('X1', 'hinh-anh', 'fail') },
  };
  const marksOf = (code: string) => marks[code];
  const order = (f: Partial<typeof NO_FILTERS>) => boardOrder(points, items, marksOf, { ...NO_FILTERS, ...f }, units);

  it('[CL3] counts ready points, the whole percent (never rounded up to 100), failing and still to check', () => {
    expect(summarize(['T', 'H1', 'X1', 'H2'], items, marksOf)).toEqual({
      total: 4,
      ready: 1,
      percent: 25,
      failing: 2,
      pending: 1,
    });
    const many = Array.from({ length: 300 }, (_, i) => `P${i}`);
    expect(summarize(many, items, allReady).percent).toBe(99);
    expect(summarize([], items, marksOf).percent).toBe(0);
  });

  it('sorts by what needs action: most failures, then most missing, then ready; tree order within', () => {
    expect(boardOrder(points, items, marksOf, NO_FILTERS, units)).toEqual(['H1', 'X1', 'H2', 'T']);
  });

  it('filters by unit (with the units below), readiness, failing item and search', () => {
    expect(order({ unit: 'H1' })).toEqual(['H1', 'X1']);
    expect(order({ state: 'ready' })).toEqual(['T']);
    expect(order({ state: 'failing' })).toEqual(['H1', 'X1']);
    expect(order({ state: 'pending' })).toEqual(['H2']);
    expect(order({ state: 'notReady' })).toEqual(['H1', 'X1', 'H2']);
    expect(order({ failingItem: 'hinh-anh' })).toEqual(['X1']);
    expect(order({ search: 'x1' })).toEqual(['X1']);
  });

  it('maps keys to actions and leaves the others (and modified keys) alone', () => {
    expect(boardKey({ key: 'p' })).toEqual({ kind: 'set', result: 'pass' });
    expect(boardKey({ key: 'P' })).toEqual({ kind: 'set', result: 'pass' });
    expect(boardKey({ key: '2' })).toEqual({ kind: 'set', result: 'fail' });
    expect(boardKey({ key: 'a' })).toEqual({ kind: 'set', result: 'na' });
    expect(boardKey({ key: 'Backspace' })).toEqual({ kind: 'set', result: 'pending' });
    expect(boardKey({ key: 'n' })).toEqual({ kind: 'note' });
    expect(boardKey({ key: 'ArrowDown' })).toEqual({ kind: 'move', rows: 1, cols: 0 });
    expect(boardKey({ key: 'c' })).toEqual({ kind: 'call' });
    expect(boardKey({ key: 'p', ctrlKey: true })).toBeNull();
    expect(boardKey({ key: 'Tab' })).toBeNull();
    expect(boardKey({ key: 'z' })).toBeNull();
  });

  it('after a tick the cursor goes to the next manual item, then to the next point', () => {
    // 0 line (auto), 1–5 manual, 6 backup (auto), 7 manual.
    expect(nextManual({ row: 0, col: 1 }, items, 3)).toEqual({ row: 0, col: 2 });
    expect(nextManual({ row: 0, col: 5 }, items, 3)).toEqual({ row: 0, col: 7 });
    expect(nextManual({ row: 0, col: 7 }, items, 3)).toEqual({ row: 1, col: 1 });
    expect(nextManual({ row: 2, col: 7 }, items, 3)).toEqual({ row: 2, col: 7 });
    expect(clampCursor({ row: 12, col: -1 }, 3, 8)).toEqual({ row: 2, col: 0 });
  });

  it('turns a written phone number into a tel: address', () => {
    expect(telHref('0913 294 787')).toBe('tel:0913294787');
    expect(telHref('+84 (91) 329-4787')).toBe('tel:+84913294787');
  });
});

describe('checklist store', () => {
  const snap: ChecklistSnapshot = {
    meetingId: 'M',
    serverTime: 0,
    template: { id: 'mac-dinh', name: 'Mặc định', items: [...items] },
    points,
    units,
    items: [mark('T', 'camera', 'pass', 2)],
    rollCall: { dueAt: { before: '', start: '' }, captures: [], marks: [] },
    writable: ['T'],
  };

  it('[CL2] keeps only newer versions, whatever order changes arrive in; notifies only that point', () => {
    const s = new ChecklistStore();
    s.reset(snap);
    let tHeard = 0;
    let h1Heard = 0;
    s.subscribePoint('T', () => tHeard++);
    s.subscribePoint('H1', () => h1Heard++);
    const before = s.marksOf('T');
    expect(s.apply([mark('T', 'camera', 'fail', 1)])).toBe(false);
    expect(s.marksOf('T')).toBe(before);
    expect(s.apply([mark('T', 'camera', 'fail', 3)])).toBe(true);
    expect(s.item('T', 'camera').result).toBe('fail');
    expect(s.marksOf('T')).not.toBe(before);
    expect([tHeard, h1Heard]).toEqual([1, 0]);
    expect(s.item('H1', 'camera')).toMatchObject({ result: 'pending', version: 0 });
    expect(s.mayWrite('T')).toBe(true);
    expect(s.mayWrite('H1')).toBe(false);
  });
});
