// Debian's Chromium on the report of a province whose own point had outages (NU2–NU5): the summary's
// shares of time and its counts in two groups, durations in words, instants to the second, the unit
// chart with the province's own points as a bar, and a point's timeline shading the time before the
// server first probed it. Real app, real SQLite file, real sockets.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { MEETING, seedProvince } from '../integration/report/province-fixture';

const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');

let t: TestApp;
let browser: LaunchedBrowser;
const problems: string[] = [];

async function openReport(): Promise<Page> {
  const [name, ...value] = t.cookie.split('=');
  await browser.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
  const page = await browser.context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${t.url}/?meeting=${MEETING.id}#report`);
  await expect
    .poll(() => page.getByTestId('report-view').getAttribute('data-state'), { timeout: 10_000 })
    .toBe('ready');
  return page;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-numbers-e2e-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seedProvince(store);
  store.close();
  t = await startTestApp({ dir, staticDir: STATIC });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.dispose();
});

describe('numbers that say what they mean, in Chromium', () => {
  it('[NU2][NU3] shares apart from counts, durations in words, the province’s own points in the unit chart', async () => {
    const page = await openReport();
    const shares = await page.getByTestId('figures-shares').locator('.rp-card strong').allTextContents();
    const counts = await page.getByTestId('figures-counts').locator('.rp-card strong').allTextContents();
    expect(shares.length).toBeGreaterThanOrEqual(5);
    expect(shares.every((v) => v.endsWith('%'))).toBe(true);
    expect(counts.some((v) => v.includes('%'))).toBe(false);
    expect(await page.getByTestId('figure-downCount').locator('strong').textContent()).toBe('6');
    // 970 s of down time, summed over the points; the longest 5 min.
    expect(await page.getByTestId('figure-downtime').locator('strong').textContent()).toBe('16 phút 10 giây');
    expect(await page.getByTestId('figure-downtime').locator('.rp-sub').textContent()).toContain('5 phút 00 giây');
    expect(await page.getByTestId('figure-period').locator('strong').textContent()).toBe('1 giờ 00 phút');

    // The outage log: starts to the second, durations in words (not "2:30", "0:40").
    const p = page.getByTestId('outage-row').filter({ hasText: '06/03/2026 08:10:00' });
    expect(await p.textContent()).toContain('2 phút 30 giây');
    const a1 = page.getByTestId('outage-row').filter({ hasText: '06/03/2026 08:30:00' });
    expect(await a1.textContent()).toContain('40 giây');

    // The unit chart: the province's own point beside its districts.
    const ticks = page.getByTestId('chart-units').locator('text.recharts-cartesian-axis-tick-value');
    // The y axis's labels (the x axis's are percentages).
    await expect
      .poll(async () => {
        // A long label wraps into one tspan per line.
        const labels = await ticks.evaluateAll((els) =>
          els.map((e) => [...e.querySelectorAll('tspan')].map((x) => x.textContent).join(' ')),
        );
        return labels.filter((x) => !x.endsWith('%')).join(' | ');
      })
      .toBe('Điểm cầu riêng của Tỉnh Hà Tĩnh | Huyện An | Huyện Bình');
    // The outage filter offers that row, and keeps the province point's outages only.
    await page.getByTestId('filter-unit').selectOption('HT#own');
    await expect.poll(() => page.getByTestId('outage-row').count()).toBe(3);

    // English: the same durations in English words.
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('figure-downtime').locator('strong').textContent()).toBe('16 min 10 s');
    await page.getByTestId('lang-toggle').click();
    await page.close();
  });

  it('[NU5] a point’s timeline shades the time before the server first probed it', async () => {
    const page = await openReport();
    await page.locator('[data-testid="point-row"][data-point="A2"]').click();
    const chart = page.getByTestId('point-timeline');
    await expect.poll(() => chart.getAttribute('data-point')).toBe('A2');
    await expect.poll(() => chart.getByTestId('timeline-unobserved').getAttribute('data-count')).toBe('1');
    expect(await chart.locator('.unobserved-band').count()).toBeGreaterThanOrEqual(2); // RTT and loss charts
    // A point probed throughout has none.
    await page.locator('[data-testid="point-row"][data-point="DA"]').click();
    await expect.poll(() => chart.getAttribute('data-point')).toBe('DA');
    await expect.poll(() => chart.getByTestId('timeline-unobserved').count()).toBe(0);
    await page.close();
    expect(problems).toEqual([]);
  });
});
