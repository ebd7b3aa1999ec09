// [NV4] The wall's overview fits every region card and as many problem rows as the screen holds.
import { describe, expect, it } from 'vitest';
import { cardGrid, problemRows, shortRegion } from '../../../client/src/components/wall/overviewLayout';

describe('[NV4] wall overview layout', () => {
  it('places 34 provinces inside a 1920×1080 wall area, as large as they fit', () => {
    const w = 1300;
    const h = 920;
    const g = cardGrid(34, w, h, 10);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(34);
    expect(g.cols * g.cardW + (g.cols - 1) * 10).toBeLessThanOrEqual(w);
    expect(g.rows * g.cardH + (g.rows - 1) * 10).toBeLessThanOrEqual(h);
    // Readable from across the room: no card smaller than 180×120 on a full-HD wall.
    expect(g.cardW).toBeGreaterThanOrEqual(180);
    expect(g.cardH).toBeGreaterThanOrEqual(120);
    // No other column count gives larger cards.
    for (let cols = 1; cols <= 34; cols++) {
      const rows = Math.ceil(34 / cols);
      const cw = Math.floor((w - 10 * (cols - 1)) / cols);
      const ch = Math.floor((h - 10 * (rows - 1)) / rows);
      expect(Math.min(cw / 1.6, ch)).toBeLessThanOrEqual(Math.min(g.cardW / 1.6, g.cardH));
    }
  });

  it('gives three regions two columns (larger cards than a row of three or a column)', () => {
    expect(cardGrid(3, 1300, 900, 10)).toEqual({ cols: 2, rows: 2, cardW: 645, cardH: 445 });
    expect(cardGrid(0, 1300, 900, 10).cols).toBe(1);
  });

  it('lists the problems that fit and counts the rest on the last row', () => {
    expect(problemRows(5, 5, 400, 40)).toEqual({ shown: 5, more: 0 });
    expect(problemRows(100, 523, 400, 40)).toEqual({ shown: 9, more: 514 });
    // The list is cut at the server's limit: fits all listed but not the total.
    expect(problemRows(8, 12, 400, 40)).toEqual({ shown: 8, more: 4 });
    expect(problemRows(0, 0, 400, 40)).toEqual({ shown: 0, more: 0 });
  });

  it('drops the province prefix from region names, keeping the rest', () => {
    expect(shortRegion('Tỉnh Nghệ An')).toBe('Nghệ An');
    expect(shortRegion('Thành phố Hồ Chí Minh')).toBe('Hồ Chí Minh');
    expect(shortRegion('Huyện Can Lộc')).toBe('Huyện Can Lộc');
    expect(shortRegion('Tỉnh')).toBe('Tỉnh');
  });
});
