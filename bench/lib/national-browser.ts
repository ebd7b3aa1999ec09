// The national meeting in headless Chromium (tests/helpers/browser.ts): the overview and a province's
// grid, each on a fresh page, while the agents and the 200 dashboards go on. First render: navigation →
// the view drawn (the overview's region cards, or the grid's tiles with every point counted); then the
// main thread's busy share over the window (CDP Performance.getMetrics TaskDuration, as the dashboard
// part measures it) and the long tasks (PerformanceObserver "longtask").
import type { BrowserContext, Page } from 'playwright-core';
import { watchMainThread } from './main-thread';

/** The overview's region cards, by the one total each shows (client/src/components/overview/RegionCard.tsx). */
export const REGION_CARD = '[data-testid^="region-total-"]';
const TILE = '[data-testid^="tile-"]';

export interface ViewFigures {
  /** Navigation → drawn, ms; null when it was not drawn within the time allowed. */
  firstRenderMs: number | null;
  busy: number;
  longTasks: number;
  longestTask: number;
  seconds: number;
  /** What was on the page when drawn (or when given up on). */
  seen: string;
  errors: string[];
}

/** Sum of the state counters (`count-*`) and the tiles and region cards on the page. */
const pageState = (page: Page): Promise<{ counted: number; tiles: number; regions: number }> =>
  page.evaluate(
    ([tile, region]) => ({
      counted: [...document.querySelectorAll('[data-testid^="count-"]')].reduce(
        (s, el) => s + Number((el.textContent ?? '').replace(/\D/g, '') || 0),
        0,
      ),
      tiles: document.querySelectorAll(tile!).length,
      regions: document.querySelectorAll(region!).length,
    }),
    [TILE, REGION_CARD],
  );

/**
 * Opens `path` on `url` and waits for `drawn` (evaluated in the page, polled each frame) for at most
 * `timeoutMs`, then measures `seconds` of the page live. A view never drawn is measured all the same
 * (what the page costs as it stands) and said so in `seen`.
 */
export async function measureView(o: {
  context: BrowserContext;
  url: string;
  path: string;
  drawn: { kind: 'regions'; count: number } | { kind: 'grid'; points: number };
  seconds: number;
  timeoutMs: number;
}): Promise<ViewFigures> {
  const page = await o.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const watch = await watchMainThread(o.context, page);
    const t0 = Date.now();
    await page.goto(`${o.url}${o.path}`);
    let firstRenderMs: number | null = null;
    try {
      if (o.drawn.kind === 'regions') {
        await page.waitForFunction(
          (n) => document.querySelectorAll('[data-testid^="region-total-"]').length >= n,
          o.drawn.count,
          {
            polling: 'raf',
            timeout: o.timeoutMs,
          },
        );
      } else {
        await page.waitForFunction(
          (n) => {
            const counted = [...document.querySelectorAll('[data-testid^="count-"]')].reduce(
              (s, el) => s + Number((el.textContent ?? '').replace(/\D/g, '') || 0),
              0,
            );
            return counted >= n && document.querySelectorAll('[data-testid^="tile-"]').length > 0;
          },
          o.drawn.points,
          { polling: 'raf', timeout: o.timeoutMs },
        );
      }
      firstRenderMs = Date.now() - t0;
    } catch {
      // Not drawn in time: measured as it stands, and said.
    }
    const at = await pageState(page);
    // Not drawn: the page's first words say where it stands (a login, a message, another view).
    const text =
      firstRenderMs === null ? ` (“${(await page.innerText('body')).replace(/\s+/g, ' ').slice(0, 160)}”)` : '';
    const seen = `${at.regions} region cards, ${at.tiles} tiles, ${at.counted} points counted${text}`;
    const { busy, longTasks: long, seconds } = await watch.measure(o.seconds);
    return {
      firstRenderMs,
      busy,
      longTasks: long.length,
      longestTask: long.length > 0 ? Math.max(...long) : 0,
      seconds,
      seen,
      errors,
    };
  } finally {
    await page.close();
  }
}
