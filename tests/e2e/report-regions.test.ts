// [NV5] Debian's Chromium on the report view by region: the province of province-fixture.ts shows its
// regions table ("Theo huyện": the province's own point, Huyện An, Huyện Bình) with their figures, the
// worst first on demand; a region's name opens its own report (`?unit=`), the selector another, and
// the downloads follow. Real app (pool workers as `serve`), real SQLite, real sockets.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { MEETING, seedProvince } from '../integration/report/province-fixture';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');

let t: TestApp;
let browser: LaunchedBrowser;
const problems: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-report-regions-e2e-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seedProvince(store);
  store.close();
  t = await startTestApp({ dir, staticDir: STATIC, workers: true });
  browser = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await browser.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.dispose();
});

const regionRows = (page: Page) => page.getByTestId('region-row');
const pointCodes = async (page: Page): Promise<string[]> =>
  (
    await page.getByTestId('point-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-point') ?? ''))
  ).sort();
const scoped = async (page: Page, unit: string | null) =>
  expect
    .poll(() => page.getByTestId('export-pdf').getAttribute('href'), { timeout: 15_000 })
    .toBe(`/api/meetings/${MEETING.id}/report.pdf${unit === null ? '' : `?unit=${unit}`}`);

describe('[NV5] the report by region in Chromium', () => {
  it('shows the regions table, opens a region’s report from it and another from the selector', async () => {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${t.url}/?meeting=${MEETING.id}#report`);
    await expect
      .poll(() => page.getByTestId('report-view').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('ready');

    const table = page.getByTestId('regions-table');
    expect(await table.locator('h3').textContent()).toBe('Theo huyện');
    expect(await regionRows(page).evaluateAll((rs) => rs.map((r) => r.getAttribute('data-region')))).toEqual([
      'HT',
      'HT-A',
      'HT-B',
    ]);
    const cells = async (region: string) =>
      (
        await regionRows(page)
          .and(page.locator(`[data-region="${region}"]`))
          .locator('td')
          .allTextContents()
      ).map((s) => s.trim());
    // Huyện An: 3 points, 2 outages on 2 of them (province-fixture.ts).
    expect(await cells('HT-A')).toEqual([
      'Huyện An',
      '3',
      expect.stringMatching(/^\d{2},\d{2} %$/),
      '5 phút 40 giây',
      '2',
      '2',
    ]);
    expect((await cells('HT'))[0]).toBe('Điểm cầu riêng của Tỉnh Hà Tĩnh');
    // The worst first: Huyện Bình's 7 minutes down of one point's hour.
    await page.getByTestId('regions-worst').check();
    expect(await regionRows(page).first().getAttribute('data-region')).toBe('HT-B');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 1600 });
    await page.screenshot({ path: join(ARTIFACTS, 'report-regions.png') });

    // A region's name opens its report: its points only, said on the page, the downloads its own.
    await regionRows(page).and(page.locator('[data-region="HT-A"]')).getByTestId('region-open').click();
    await scoped(page, 'HT-A');
    expect(await page.getByTestId('report-scope').textContent()).toContain('Báo cáo riêng của Huyện An');
    expect(await pointCodes(page)).toEqual(['A1', 'A2', 'DA']);
    expect(await page.getByTestId('export-xlsx').getAttribute('href')).toBe(
      `/api/meetings/${MEETING.id}/report.xlsx?unit=HT-A`,
    );
    // Within the district, its regions are its communes and its own point.
    expect(await table.locator('h3').textContent()).toBe('Theo xã');

    // The selector offers the meeting's regions; Huyện Bình's report has its one point.
    await page.getByTestId('report-unit').selectOption('HT-B');
    await scoped(page, 'HT-B');
    expect(await pointCodes(page)).toEqual(['B1']);
    await page.screenshot({ path: join(ARTIFACTS, 'report-region-HT-B.png') });

    await page.getByTestId('report-scope-back').click();
    await scoped(page, null);
    expect(await pointCodes(page)).toEqual(['A1', 'A2', 'B1', 'DA', 'P']);
    expect(problems).toEqual([]);
  }, 90_000);
});
