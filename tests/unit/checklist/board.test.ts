// The readiness board's pure logic (client/src/lib/checklistBoard.ts) and its store of marks
// (client/src/lib/checklistStore.ts): counts, filters, the order of what needs action, keys, cursor.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECKLIST_ITEMS,
  type ChecklistItemDef,
  type ChecklistPoint,
  type ChecklistSnapshot,
  type ItemMark,
  type ItemResult,
} from '../../../shared/checklist';
import type { Unit } from '../../../shared/schemas';
import {
  boardKey,
  boardLayout,
  boardOrder,
  boardStep,
  clampCursor,
  type BoardKey,
  type Cursor,
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
  hasCodec: false,
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

// The keys a technician pressed, one step each, as the board applies them: where each tick landed.
function press(keys: string[], advance: boolean, start: Cursor = { row: 0, col: 1 }) {
  let cursor = start;
  const ticks: { at: Cursor; result: ItemResult }[] = [];
  const moves: Cursor[] = [];
  for (const key of keys) {
    const step = boardStep(cursor, boardKey({ key }) as BoardKey, { items, rows: 3, advance });
    if (step.set) ticks.push(step.set);
    if (step.advancedFrom) moves.push(step.advancedFrom);
    cursor = step.cursor;
  }
  return { cursor, ticks, moves };
}

const inH2orT = (p: ChecklistPoint) => p.unit === 'H2' || p.unit === 'T';

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

  it('[CK1] P, →, F without the move after a tick: F lands on the item right after the passed one', () => {
    // Before the fix every tick moved on, so the arrow moved a second time and F went on "Camera".
    const { ticks, cursor } = press(['p', 'ArrowRight', 'f'], false);
    expect(ticks).toEqual([
      { at: { row: 0, col: 1 }, result: 'pass' },
      { at: { row: 0, col: 2 }, result: 'fail' },
    ]);
    expect(cursor).toEqual({ row: 0, col: 2 });
    // And two ticks in a row without a move change the same item: the second wins.
    expect(press(['p', 'f'], false).ticks.map((t) => t.at)).toEqual([
      { row: 0, col: 1 },
      { row: 0, col: 1 },
    ]);
  });

  it('[CK2] with the move after a tick, each tick reports where the cursor went; the very last stays', () => {
    const { ticks, moves, cursor } = press(['p', 'ArrowRight', 'f'], true);
    expect(ticks.map((t) => t.at)).toEqual([
      { row: 0, col: 1 },
      { row: 0, col: 3 },
    ]);
    expect(moves).toEqual([
      { row: 0, col: 1 },
      { row: 0, col: 3 },
    ]);
    expect(cursor).toEqual({ row: 0, col: 4 });
    // Past the automatic backup line (6) to the last manual item, then to the next point.
    expect(press(['p'], true, { row: 0, col: 5 }).cursor).toEqual({ row: 0, col: 7 });
    expect(press(['p'], true, { row: 0, col: 7 }).cursor).toEqual({ row: 1, col: 1 });
    // The last manual item of the last point: ticked, the cursor stays, no move is announced.
    const end = press(['p'], true, { row: 2, col: 7 });
    expect([end.cursor, end.moves]).toEqual([{ row: 2, col: 7 }, []]);
  });

  it('[CK3] a tick on an automatic item is refused and sets nothing; arrows still visit it', () => {
    const step = boardStep({ row: 0, col: 0 }, { kind: 'set', result: 'pass' }, { items, rows: 3, advance: true });
    expect(step).toEqual({ cursor: { row: 0, col: 0 }, refused: 'automatic' });
    expect(press(['ArrowLeft'], true).cursor).toEqual({ row: 0, col: 0 });
    expect(press(['End'], false).cursor).toEqual({ row: 0, col: 7 });
  });

  it('[PH3] below a desk width each row is a card whose cells are at least 40 px tall', () => {
    expect(boardLayout(1200, items.length)).toEqual({ compact: false, perLine: 8, rowHeight: 48 });
    const phone = boardLayout(341, items.length);
    expect(phone.compact).toBe(true);
    expect(phone.perLine).toBe(4);
    // Lead line, two lines of four cells, padding.
    expect(phone.rowHeight).toBe(52 + 2 * (60 + 6) + 16);
    // Not measured yet (0): the desk layout, never a division by zero.
    expect(boardLayout(0, items.length).compact).toBe(false);
  });

  it('[PH4] the signed-in technician’s points come first, each part in the order of what needs action', () => {
    expect(boardOrder(points, items, marksOf, NO_FILTERS, units, undefined, inH2orT)).toEqual(['H2', 'T', 'H1', 'X1']);
    expect(boardOrder(points, items, marksOf, NO_FILTERS, units, undefined, null)).toEqual(['H1', 'X1', 'H2', 'T']);
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

describe('[CL11] codec items on the board', () => {
  const codecItems: ChecklistItemDef[] = [
    { key: 'duong-truyen', label: 'Đường truyền', required: true, mode: 'automatic', rule: 'line', codec: null },
    { key: 'hinh-anh', label: 'Hình ảnh', required: true, mode: 'manual', rule: null, codec: 'video' },
    { key: 'camera', label: 'Camera', required: true, mode: 'manual', rule: null, codec: null },
  ];
  // Row 0 has a codec, row 1 has not.
  const byServer = (row: number, col: number) => row === 0 && codecItems[col]!.codec !== null;
  it('[CL11] a key on a codec item of a point with a codec is refused; the cursor skips it, not elsewhere', () => {
    const ctx = { items: codecItems, rows: 2, advance: true, byServer };
    expect(boardStep({ row: 0, col: 1 }, { kind: 'set', result: 'pass' }, ctx)).toEqual({
      cursor: { row: 0, col: 1 },
      refused: 'automatic',
    });
    expect(boardStep({ row: 0, col: 2 }, { kind: 'set', result: 'pass' }, ctx).cursor).toEqual({ row: 1, col: 1 });
    expect(nextManual({ row: 1, col: 2 }, codecItems, 3, (r, c) => r === 2 && codecItems[c]!.codec !== null)).toEqual({
      row: 2,
      col: 2,
    });
  });
});
