// The wall's overview laid out from the viewport (NV4): every region card on the screen at once, as
// large as fits, and as many problem rows as fit beside them (the rest counted, never scrolled).

export interface CardGrid {
  cols: number;
  rows: number;
  cardW: number;
  cardH: number;
}

/** Wider than tall: a name on one line, the counts on the next. */
const CARD_ASPECT = 1.6;

/**
 * The columns that make the cards largest for `n` cards in w × h with `gap` between them: each
 * card's size is the largest CARD_ASPECT box inside its cell, and the cells fill the area.
 */
export function cardGrid(n: number, w: number, h: number, gap: number): CardGrid {
  let best: CardGrid = { cols: 1, rows: Math.max(1, n), cardW: 0, cardH: 0 };
  let bestScore = -1;
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.max(1, Math.ceil(n / cols));
    const cardW = Math.floor((w - gap * (cols - 1)) / cols);
    const cardH = Math.floor((h - gap * (rows - 1)) / rows);
    if (cardW <= 0 || cardH <= 0) continue;
    const score = Math.min(cardW / CARD_ASPECT, cardH);
    if (score > bestScore) {
      bestScore = score;
      best = { cols, rows, cardW, cardH };
    }
  }
  return best;
}

/**
 * How many of the `listed` problem rows (of `total` problems in all) fit in `h` at `rowH` each; when
 * not all of them do, the last row says how many more there are.
 */
export function problemRows(listed: number, total: number, h: number, rowH: number): { shown: number; more: number } {
  const fit = Math.max(0, Math.floor(h / rowH));
  if (total <= fit && listed >= total) return { shown: total, more: 0 };
  const shown = Math.min(listed, Math.max(0, fit - 1));
  return { shown, more: total - shown };
}

/** "Tỉnh Nghệ An" → "Nghệ An": on a wall of provinces the prefix every card shares says nothing. */
export const shortRegion = (name: string): string => name.replace(/^(tỉnh|thành phố)\s+/iu, '') || name;
