// The wall's sizing algorithm (client/src/components/wall/layout.ts): everything inside the area,
// nothing overlapping, problems first and larger, pages beyond what fits.
import { describe, expect, it } from 'vitest';
import { layoutWall, MIN_CELL_H, type PlacedTile } from '../../../client/src/components/wall/layout';

const codes = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function checkPage(tiles: readonly PlacedTile[], w: number, h: number): void {
  for (const t of tiles) {
    expect(t.x).toBeGreaterThanOrEqual(0);
    expect(t.y).toBeGreaterThanOrEqual(0);
    expect(t.x + t.w).toBeLessThanOrEqual(w);
    expect(t.y + t.h).toBeLessThanOrEqual(h);
  }
  const sorted = [...tiles].sort((a, b) => a.y - b.y || a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      if (b.y >= a.y + a.h) break;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      expect(overlap, `${a.code} overlaps ${b.code}`).toBe(false);
    }
  }
}

describe('wall layout', () => {
  const AREAS = [
    [1888, 900],
    [1248, 560],
    [3800, 1950],
  ] as const;
  const CASES = [
    [0, 0],
    [0, 14],
    [3, 76],
    [8, 392],
    [60, 340],
    [400, 0],
  ] as const;
  for (const [w, h] of AREAS) {
    for (const [p, n] of CASES) {
      it(`[WD6] ${p} problems + ${n} others in ${w}×${h}: one page, all inside, no overlap`, () => {
        const problems = codes('P', p);
        const others = codes('O', n);
        const l = layoutWall(w, h, problems, others);
        expect(l.pages).toHaveLength(1);
        const page = l.pages[0]!;
        expect(page.map((t) => t.code)).toEqual([...problems, ...others]);
        checkPage(page, w, h);
        expect(l.cellH).toBeGreaterThanOrEqual(MIN_CELL_H);
      });
    }
  }

  it('[WD6] problems are larger than the others and the down ones share the top row', () => {
    const l = layoutWall(1888, 900, codes('P', 8), codes('O', 392), 8);
    const page = l.pages[0]!;
    expect(l.k).toBeGreaterThan(1);
    const big = page.filter((t) => t.code.startsWith('P'));
    const small = page.filter((t) => t.code.startsWith('O'));
    expect(big.every((t) => t.y === 0 && t.big)).toBe(true);
    expect(Math.min(...big.map((t) => t.h))).toBeGreaterThan(Math.max(...small.map((t) => t.h)));
    // Readable: compact tiles at 1920×1080 stay at least ~30 px high for 400 points.
    expect(l.cellH).toBeGreaterThanOrEqual(30);
  });

  it('[WD6] no compact tile reads before a problem (left to right, top to bottom)', () => {
    for (const [p, n] of [
      [14, 386],
      [25, 375],
      [3, 30],
    ] as const) {
      const l = layoutWall(1888, 900, codes('P', p), codes('O', n), 8);
      const page = l.pages[0]!;
      const problems = page.filter((t) => t.code.startsWith('P'));
      for (const o of page.filter((t) => t.code.startsWith('O'))) {
        for (const q of problems)
          expect(o.y > q.y || (o.y >= q.y && o.x > q.x), `${o.code} before ${q.code}`).toBe(true);
      }
      checkPage(page, 1888, 900);
    }
  });

  it('[WD6] the whole province down still fits on one screen (problems fall back to compact)', () => {
    const l = layoutWall(1888, 900, codes('P', 400), []);
    expect(l.pages).toHaveLength(1);
    expect(l.k).toBe(1);
    checkPage(l.pages[0]!, 1888, 900);
  });

  it('[WD7] beyond one screen the others go to pages, problems on every page, each other exactly once', () => {
    const problems = codes('P', 12);
    const others = codes('O', 6000);
    const l = layoutWall(1888, 900, problems, others);
    expect(l.pages.length).toBeGreaterThan(1);
    const seen: string[] = [];
    for (const page of l.pages) {
      checkPage(page, 1888, 900);
      expect(page.slice(0, 12).map((t) => t.code)).toEqual(problems);
      seen.push(...page.slice(12).map((t) => t.code));
    }
    expect(seen).toEqual(others);
  });

  it('[WD7] more problems than a page holds: problems first, paged too', () => {
    const l = layoutWall(800, 400, codes('P', 900), codes('O', 50));
    const all = l.pages.flat().map((t) => t.code);
    expect(all).toEqual([...codes('P', 900), ...codes('O', 50)]);
    for (const page of l.pages) checkPage(page, 800, 400);
  });
});
