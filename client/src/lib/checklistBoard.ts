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
 */
export function boardOrder(
  points: readonly ChecklistPoint[],
  items: readonly ChecklistItemDef[],
  marksOf: (code: string) => PointMarks | undefined,
  f: BoardFilters,
  units: readonly Unit[],
  searchKey: (p: ChecklistPoint) => string = (p) => `${p.code} ${p.name}`.toLowerCase(),
): string[] {
  const scope = f.unit === null ? null : unitScope(f.unit, units);
  const words = f.search.split(/\s+/).filter((w) => w !== '');
  const rows: { code: string; rank: number; weight: number; index: number }[] = [];
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
    rows.push({ code: p.code, rank, weight, index });
  });
  rows.sort((a, b) => a.rank - b.rank || b.weight - a.weight || a.index - b.index);
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
export function nextManual(c: Cursor, items: readonly ChecklistItemDef[], rows: number): Cursor {
  for (let col = c.col + 1; col < items.length; col++) if (items[col]?.mode === 'manual') return { row: c.row, col };
  if (c.row + 1 >= rows) return c;
  const first = items.findIndex((i) => i.mode === 'manual');
  return { row: c.row + 1, col: first < 0 ? c.col : first };
}
