// The readiness board's logic, pure so it is tested alone: each point's readiness, the counts, the
// filters, the order "what needs action first", the keys of keyboard ticking and the cursor moves.
import {
  readiness,
  type ChecklistItemDef,
  type ChecklistPoint,
  type ItemMark,
  type ItemResult,
  type Readiness,
} from '../../../shared/checklist';
import type { Unit } from '../../../shared/schemas';

export type ReadinessFilter = 'all' | 'notReady' | 'failing' | 'pending' | 'ready';
export const READINESS_FILTERS: readonly ReadinessFilter[] = ['all', 'notReady', 'failing', 'pending', 'ready'];

export interface BoardFilters {
  /** A unit id: its points and those of the units below it; null for all. */
  unit: string | null;
  state: ReadinessFilter;
  /** An item key: only points where this item fails; null for any. */
  failingItem: string | null;
  /** Folded words of the header's search box ("" for none). */
  search: string;
}

export const NO_FILTERS: BoardFilters = { unit: null, state: 'all', failingItem: null, search: '' };

/** One point's marks, by item key (missing: pending at version 0). */
export type PointMarks = Readonly<Record<string, ItemMark>>;

export function resultOf(marks: PointMarks | undefined, key: string): ItemResult {
  return marks?.[key]?.result ?? 'pending';
}

export function pointReadiness(items: readonly ChecklistItemDef[], marks: PointMarks | undefined): Readiness {
  return readiness(items, (key) => resultOf(marks, key));
}

export interface BoardSummary {
  total: number;
  ready: number;
  /** Whole percent, rounded down so 99.6 % never shows as 100 %. */
  percent: number;
  failing: number;
  /** Not ready and nothing failing: still to check. */
  pending: number;
}

export function summarize(
  codes: readonly string[],
  items: readonly ChecklistItemDef[],
  marksOf: (code: string) => PointMarks | undefined,
): BoardSummary {
  let ready = 0;
  let failing = 0;
  let pending = 0;
  for (const code of codes) {
    const r = pointReadiness(items, marksOf(code));
    if (r.ready) ready++;
    if (r.failing.length > 0) failing++;
    else if (!r.ready) pending++;
  }
  const total = codes.length;
  return { total, ready, percent: total === 0 ? 0 : Math.floor((ready * 100) / total), failing, pending };
}

/** Units at and below `unit`. */
export function unitScope(unit: string, units: readonly Unit[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const u of units) if (u.parent !== null) children.set(u.parent, [...(children.get(u.parent) ?? []), u.id]);
  const out = new Set<string>();
  const stack = [unit];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

export function matchesState(r: Readiness, state: ReadinessFilter): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'ready':
      return r.ready;
    case 'notReady':
      return !r.ready;
    case 'failing':
      return r.failing.length > 0;
    case 'pending':
      return !r.ready && r.failing.length === 0;
  }
}

/**
 * The points to show, in the order of what needs action: a failing item first (most failures first),
 * then not ready (most missing first), then ready; within each, the inventory's order (the unit tree).
 * With `mine` (the signed-in technician's units, [PH4]) those points come before all others, each part
 * in that order.
 */
export function boardOrder(
  points: readonly ChecklistPoint[],
  items: readonly ChecklistItemDef[],
  marksOf: (code: string) => PointMarks | undefined,
  f: BoardFilters,
  units: readonly Unit[],
  searchKey: (p: ChecklistPoint) => string = (p) => `${p.code} ${p.name}`.toLowerCase(),
  mine: ((p: ChecklistPoint) => boolean) | null = null,
): string[] {
  const scope = f.unit === null ? null : unitScope(f.unit, units);
  const words = f.search.split(/\s+/).filter((w) => w !== '');
  const rows: { code: string; own: number; rank: number; weight: number; index: number }[] = [];
  points.forEach((p, index) => {
    if (scope && !scope.has(p.unit)) return;
    const marks = marksOf(p.code);
    const r = pointReadiness(items, marks);
    if (!matchesState(r, f.state)) return;
    if (f.failingItem !== null && resultOf(marks, f.failingItem) !== 'fail') return;
    if (words.length > 0) {
      const key = searchKey(p);
      if (!words.every((w) => key.includes(w))) return;
    }
    const rank = r.failing.length > 0 ? 0 : r.ready ? 2 : 1;
    const weight = rank === 0 ? r.failing.length : r.missing.length;
    rows.push({ code: p.code, own: mine?.(p) ? 0 : 1, rank, weight, index });
  });
  rows.sort((a, b) => a.own - b.own || a.rank - b.rank || b.weight - a.weight || a.index - b.index);
  return rows.map((r) => r.code);
}

/** A `tel:` address from a phone as people write it ("0913 294 787", "+84 (91) 329-4787"). */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

export type BoardKey =
  | { kind: 'move'; rows: number; cols: number }
  | { kind: 'home' }
  | { kind: 'end' }
  | { kind: 'set'; result: ItemResult }
  | { kind: 'note' }
  | { kind: 'call' };

/** The action of a key on the board, or null for a key it leaves alone (so typing elsewhere works). */
export function boardKey(e: { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean }): BoardKey | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case 'ArrowUp':
      return { kind: 'move', rows: -1, cols: 0 };
    case 'ArrowDown':
      return { kind: 'move', rows: 1, cols: 0 };
    case 'ArrowLeft':
      return { kind: 'move', rows: 0, cols: -1 };
    case 'ArrowRight':
      return { kind: 'move', rows: 0, cols: 1 };
    case 'PageUp':
      return { kind: 'move', rows: -10, cols: 0 };
    case 'PageDown':
      return { kind: 'move', rows: 10, cols: 0 };
    case 'Home':
      return { kind: 'home' };
    case 'End':
      return { kind: 'end' };
  }
  switch (e.key.toLowerCase()) {
    case 'p':
    case '1':
    case 'đ':
      return { kind: 'set', result: 'pass' };
    case 'f':
    case 'k':
    case '2':
      return { kind: 'set', result: 'fail' };
    case 'a':
    case '3':
      return { kind: 'set', result: 'na' };
    case '0':
    case 'backspace':
    case 'delete':
      return { kind: 'set', result: 'pending' };
    case 'n':
    case 'enter':
      return { kind: 'note' };
    case 'c':
      return { kind: 'call' };
  }
  return null;
}

export interface Cursor {
  row: number;
  col: number;
}

export function clampCursor(c: Cursor, rows: number, cols: number): Cursor {
  return {
    row: Math.max(0, Math.min(rows - 1, c.row)),
    col: Math.max(0, Math.min(cols - 1, c.col)),
  };
}

/**
 * After ticking an item: the next manual item of the same point, else the first manual item of the
 * next point (automatic items are the server's, so the cursor skips them). Stays put at the very end.
 */
export function nextManual(
  c: Cursor,
  items: readonly ChecklistItemDef[],
  rows: number,
  byServer: (row: number, col: number) => boolean = () => false,
): Cursor {
  const manual = (row: number, col: number): boolean => items[col]?.mode === 'manual' && !byServer(row, col);
  for (let col = c.col + 1; col < items.length; col++) if (manual(c.row, col)) return { row: c.row, col };
  if (c.row + 1 >= rows) return c;
  let first = -1;
  for (let col = 0; col < items.length && first < 0; col++) if (manual(c.row + 1, col)) first = col;
  return { row: c.row + 1, col: first < 0 ? c.col : first };
}

export interface StepContext {
  items: readonly ChecklistItemDef[];
  rows: number;
  /** Move to the next manual item after a tick (the board's "tự chuyển" switch). */
  advance: boolean;
  /** [CL11] A manual item the server sets for this row (a codec item of a point with a codec). */
  byServer?: (row: number, col: number) => boolean;
}

/** What one key does to the cursor: where it ends, and the tick it makes (if any). */
export interface Step {
  cursor: Cursor;
  /** The item ticked and its new result; absent when the key only moves (or is refused). */
  set?: { at: Cursor; result: ItemResult };
  /** Set when a tick moved the cursor on by itself, so the board can show where it went. */
  advancedFrom?: Cursor;
  /** The key asked to tick an automatic item: nothing is set, the cursor stays. */
  refused?: 'automatic';
}

/**
 * The cursor's part of a key ([CK1]–[CK2]): moves, and ticks with the move after them. Ticking and
 * then moving are one step each, so "P, →, F" ticks the item after the passed one only when the tick
 * does not already move on: with `advance`, the tick moves and says so (`advancedFrom`), and the arrow
 * moves once more. Keys for the note and the call leave the cursor where it is.
 */
export function boardStep(c: Cursor, k: BoardKey, ctx: StepContext): Step {
  const { items, rows } = ctx;
  switch (k.kind) {
    case 'move':
      return { cursor: clampCursor({ row: c.row + k.rows, col: c.col + k.cols }, rows, items.length) };
    case 'home':
      return { cursor: { row: c.row, col: 0 } };
    case 'end':
      return { cursor: { row: c.row, col: Math.max(0, items.length - 1) } };
    case 'set': {
      if (items[c.col]?.mode !== 'manual' || ctx.byServer?.(c.row, c.col)) return { cursor: c, refused: 'automatic' };
      const set = { at: c, result: k.result };
      if (!ctx.advance) return { cursor: c, set };
      const next = nextManual(c, items, rows, ctx.byServer);
      return next.row === c.row && next.col === c.col ? { cursor: c, set } : { cursor: next, set, advancedFrom: c };
    }
    case 'note':
    case 'call':
      return { cursor: c };
  }
}

/** How the board draws at a width: the desk's grid of columns, or the phone's cards ([PH3]). */
export interface BoardLayout {
  compact: boolean;
  /** Item cells per line of a card (compact only). */
  perLine: number;
  /** Height of one row (virtualised rows have a fixed height). */
  rowHeight: number;
}

/** Below this width the columns (point, readiness, 8 items, call) cannot be read side by side. */
export const COMPACT_BELOW_PX = 720;
export const ROW_HEIGHT = 48;
/** A card: a lead line (point, readiness, call), then the item cells, each a ≥ 40 px tap target. */
export const CARD_LEAD_PX = 52;
export const CARD_CELL_PX = 60;
export const CARD_GAP_PX = 6;
const CARD_CELL_MIN_PX = 64;
const CARD_PAD_PX = 16;

export function boardLayout(width: number, itemCount: number): BoardLayout {
  if (width <= 0 || width >= COMPACT_BELOW_PX) return { compact: false, perLine: itemCount, rowHeight: ROW_HEIGHT };
  const fit = Math.floor((width - CARD_PAD_PX + CARD_GAP_PX) / (CARD_CELL_MIN_PX + CARD_GAP_PX));
  const perLine = Math.max(2, Math.min(Math.max(1, itemCount), fit));
  const lines = Math.ceil(itemCount / perLine);
  return {
    compact: true,
    perLine,
    rowHeight: CARD_LEAD_PX + lines * (CARD_CELL_PX + CARD_GAP_PX) + CARD_PAD_PX,
  };
}
