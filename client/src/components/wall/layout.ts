// The wall's tile layout, from the measured area alone (docs/SPEC.md WD6–WD7). Every tile is a cell
// (or, for a problem, a square of k×k cells) of one grid whose cell size is the largest that fits the
// area: problem tiles come first, k×k, packed left to right in bands of k rows; the others fill the
// cells after the last problem, row by row. k is 3, 2 or 1: the largest whose compact tiles stay
// readable and whose top band holds every down point. Positions are
// computed here and applied absolutely, so "fits" is arithmetic, not the browser's flow.
// When even k = 1 at the smallest readable cell cannot hold everything, the others are split into
// pages shown in turn (problems stay on every page), in the order given (the unit tree's).

/** Cell width : height (a point's short name on one or two lines). */
export const CELL_ASPECT = 2.4;
/** Largest cell height: a small province still gets tiles, not posters. */
export const MAX_CELL_H = 120;
/** Smallest cell height that still shows a name; below this the others go to pages. */
export const MIN_CELL_H = 22;
/** Cell height on pages. */
export const PAGE_CELL_H = 30;
/** Compact tiles may shrink to this share of their k = 1 size to let problems grow. */
const SHRINK_FOR_BIG = 0.72;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlacedTile extends Box {
  code: string;
  big: boolean;
}

export interface WallLayout {
  /** Cell size (a compact tile) and the big factor. */
  cellW: number;
  cellH: number;
  gap: number;
  k: number;
  cols: number;
  rows: number;
  /** Tiles of each page; one page when everything fits. */
  pages: PlacedTile[][];
}

const gapFor = (h: number): number => (h >= 60 ? 6 : h >= 32 ? 4 : 3);

interface Grid {
  cellW: number;
  cellH: number;
  gap: number;
  cols: number;
  rows: number;
}

function grid(width: number, height: number, h: number): Grid {
  const gap = gapFor(h);
  const cellW = Math.floor(h * CELL_ASPECT);
  return {
    cellW,
    cellH: h,
    gap,
    cols: Math.max(0, Math.floor((width + gap) / (cellW + gap))),
    rows: Math.max(0, Math.floor((height + gap) / (h + gap))),
  };
}

/**
 * Cells the problems take: every band but the last whole (a band's spare columns stay empty, so no
 * compact tile reads before a problem), and in the last band the columns up to its last problem.
 */
function problemCells(cols: number, k: number, p: number): number {
  if (p === 0) return 0;
  const perBand = Math.floor(cols / k);
  const bands = Math.ceil(p / perBand);
  return (bands - 1) * k * cols + (p - (bands - 1) * perBand) * k * k;
}

/** Whether p big (k×k) and n compact tiles fit grid g. */
function fits(g: Grid, k: number, p: number, n: number): boolean {
  if (p === 0 && n === 0) return true;
  if (g.cols < k || g.rows < 1) return false;
  const perBand = Math.floor(g.cols / k);
  if (Math.ceil(p / perBand) * k > g.rows) return false;
  return problemCells(g.cols, k, p) + n <= g.cols * g.rows;
}

/** The largest cell height (MIN_CELL_H..MAX_CELL_H) at which everything fits with factor k, or null. */
function largest(width: number, height: number, k: number, p: number, n: number): Grid | null {
  for (let h = MAX_CELL_H; h >= MIN_CELL_H; h--) {
    const g = grid(width, height, h);
    if (fits(g, k, p, n)) return g;
  }
  return null;
}

/** Places problem codes as k×k tiles in bands, then the others in the cells after them, row-major. */
function place(g: Grid, k: number, problems: readonly string[], others: readonly string[]): PlacedTile[] {
  const { cols, rows, cellW, cellH, gap } = g;
  const taken = new Uint8Array(cols * rows);
  const out: PlacedTile[] = [];
  const perBand = Math.max(1, Math.floor(cols / k));
  problems.forEach((code, i) => {
    const band = Math.floor(i / perBand);
    const col = (i % perBand) * k;
    const row = band * k;
    for (let r = row; r < row + k; r++) for (let c = col; c < col + k; c++) taken[r * cols + c] = 1;
    out.push({
      code,
      big: k > 1,
      x: col * (cellW + gap),
      y: row * (cellH + gap),
      w: k * cellW + (k - 1) * gap,
      h: k * cellH + (k - 1) * gap,
    });
  });
  // The spare columns of full bands stay empty: the others begin after the last problem.
  const bands = Math.ceil(problems.length / perBand);
  for (let i = 0; i < Math.max(0, bands - 1) * k * cols; i++) taken[i] = 1;
  let cell = 0;
  for (const code of others) {
    while (cell < taken.length && taken[cell] === 1) cell++;
    if (cell >= taken.length) break;
    const r = Math.floor(cell / cols);
    const c = cell % cols;
    out.push({ code, big: false, x: c * (cellW + gap), y: r * (cellH + gap), w: cellW, h: cellH });
    cell++;
  }
  return out;
}

/**
 * The layout of `problems` (most urgent first) and `others` in a width × height area. Every returned
 * box lies inside the area. The first `topBand` problems (the down ones) must share the top band: a
 * big factor that would push some of them to a second band is not taken.
 */
export function layoutWall(
  width: number,
  height: number,
  problems: readonly string[],
  others: readonly string[],
  topBand = 0,
): WallLayout {
  const p = problems.length;
  const n = others.length;
  const flat = largest(width, height, 1, p, n);
  if (flat) {
    // A bigger factor only while compact tiles keep most of their k = 1 size.
    for (const k of p > 0 ? [3, 2] : []) {
      const g = largest(width, height, k, p, n);
      if (g && g.cellH >= flat.cellH * SHRINK_FOR_BIG && Math.floor(g.cols / k) >= Math.min(topBand, p)) {
        return { ...g, k, pages: [place(g, k, problems, others)] };
      }
    }
    return { ...flat, k: 1, pages: [place(flat, 1, problems, others)] };
  }
  // Pages: problems on every page (as many as fit), the others shared out in order.
  const g = grid(width, height, PAGE_CELL_H);
  const capacity = Math.max(1, g.cols * g.rows);
  if (p >= capacity) {
    const all = [...problems, ...others];
    const pages: PlacedTile[][] = [];
    for (let i = 0; i < all.length; i += capacity) pages.push(place(g, 1, all.slice(i, i + capacity), []));
    return { ...g, k: 1, pages };
  }
  const perPage = capacity - p;
  const pages: PlacedTile[][] = [];
  for (let i = 0; i < n; i += perPage) pages.push(place(g, 1, problems, others.slice(i, i + perPage)));
  return { ...g, k: 1, pages };
}
