// Debian's Chromium on the report view (#report): the figures of the hand-worked fixture as the
// dashboard shows them, the charts, the outage log's filters, a technician of the point's unit
// acknowledging an outage while an admin's page sees it arrive, a technician outside the unit offered
// no form, a point's chart, and the PDF download. Real app, real SQLite, real sockets.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/store/sqlite';
import { startTestApp, userCookie, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { MEETING, seed } from '../unit/report/fixture';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');

let t: TestApp;
let admin: LaunchedBrowser;
let tech: LaunchedBrowser;
const problems: string[] = [];

async function login(b: LaunchedBrowser, cookie: string): Promise<void> {
  const [name, ...value] = cookie.split('=');
  await b.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}

async function openReport(b: LaunchedBrowser): Promise<Page> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(8000);
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${t.url}/?meeting=${MEETING.id}#report`);
  await expect
    .poll(() => page.getByTestId('report-view').getAttribute('data-state'), { timeout: 10_000 })
    .toBe('ready');
  return page;
}

const rows = (page: Page) => page.getByTestId('outage-row');
const figure = (page: Page, key: string) => page.getByTestId(`figure-${key}`).locator('strong').textContent();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dc-report-e2e-'));
  const store = openSqliteStore(join(dir, 'diemcau.sqlite'));
  seed(store);
  store.close();
  t = await startTestApp({ dir, staticDir: STATIC });
  admin = await launchChromium();
  tech = await launchChromium();
  await login(admin, t.cookie);
  // Limited to the unit of point B.
  await login(tech, await userCookie(t, 'kt.camthanh', 'technician', ['QT-CL-B']));
});

afterAll(async () => {
  await admin?.close();
  await tech?.close();
  await t?.dispose();
});

describe('report view in Chromium', () => {
  it('shows the figures, the charts and filters the outage log', async () => {
    const page = await openReport(admin);
    // The session is over: it is the phase shown first, with the hand-worked numbers.
    expect(await page.getByTestId('report-phase-live').getAttribute('aria-selected')).toBe('true');
    expect(await figure(page, 'up')).toBe('39,76 %');
    expect(await figure(page, 'down')).toBe('26,87 %');
    expect(await figure(page, 'reachable')).toBe('60,50 %');
    expect(await figure(page, 'rtt')).toBe('20,0 ms / 20,0 ms');
    expect(await page.getByTestId('chart-states').locator('svg.recharts-surface').count()).toBe(1);
    expect(await page.getByTestId('chart-units').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    // Lowest time up first: C (down) and N (never probed) are both at 0 %, then by code.
    expect(await page.getByTestId('point-row').first().getAttribute('data-point')).toBe('C');

    // The view scrolls inside the page: a tall window shows all of it in one picture.
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.setViewportSize({ width: 1440, height: 2300 });
    await page.screenshot({ path: join(ARTIFACTS, 'report-view.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId('report-phase-lineTest').click();
    expect(await figure(page, 'up')).toBe('70,83 %');
    expect(await figure(page, 'unknown')).toBe('25,00 %');
    await page.getByTestId('report-phase-live').click();

    await expect.poll(() => rows(page).count()).toBe(4);
    await page.getByTestId('filter-phase').selectOption('live');
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByTestId('filter-type').selectOption('severe');
    await expect.poll(() => rows(page).count()).toBe(1);
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('filter-duration').selectOption('15');
    // Within the session only C's outage lasted 15 min or more (B's was 10 min 4 s there).
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('Điểm cầu xã Cam Tuyền');
    await page.getByText('Bỏ lọc').click();
    await page.getByTestId('filter-unit').selectOption('QT-CL-B');
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByTestId('filter-point').fill('cam thanh');
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByTestId('filter-point').fill('tuyen');
    await expect.poll(() => rows(page).count()).toBe(0);
    await page.getByText('Bỏ lọc').click();
    await page.close();
  });

  it('a technician of the unit acknowledges an outage; the admin’s page sees it at once', async () => {
    const adminPage = await openReport(admin);
    const techPage = await openReport(tech);
    // B's down outage in the session: the one that started 07:55 on the 6th.
    const bRow = (p: Page) => rows(p).filter({ hasText: '06/03/2026 07:55' });
    await bRow(techPage).click();
    await techPage.getByTestId('note-cause').selectOption('line');
    await techPage.getByTestId('note-text').fill('Đứt cáp quang tại Cam Thành');
    await techPage.getByTestId('note-save').click();
    await expect.poll(() => techPage.getByTestId('note-status').textContent()).toBe('Đã lưu.');
    await expect.poll(() => bRow(techPage).getByTestId('outage-cause').textContent()).toBe('Đường truyền / nhà mạng');
    await expect.poll(() => techPage.getByTestId('note-history').locator('li').count()).toBe(1);

    // No reload on the admin's page: the note arrives over its socket.
    await expect.poll(() => bRow(adminPage).getByTestId('outage-cause').textContent()).toBe('Đường truyền / nhà mạng');
    expect(await adminPage.getByTestId('report-live-note').textContent()).toContain('kt.camthanh');
    await adminPage.getByTestId('filter-cause').selectOption('line');
    await expect.poll(() => rows(adminPage).count()).toBe(1);
    await adminPage.getByTestId('filter-cause').selectOption('');
    await adminPage.getByTestId('filter-ack').selectOption('no');
    await expect.poll(() => rows(adminPage).count()).toBe(3);
    await adminPage.getByTestId('filter-ack').selectOption('');

    // C is outside the technician's units: no form, only why.
    await rows(techPage).filter({ hasText: 'Điểm cầu xã Cam Tuyền' }).click();
    expect(await techPage.getByTestId('note-readonly').isVisible()).toBe(true);
    expect(await techPage.getByTestId('note-save').count()).toBe(0);
    await techPage.close();

    // A point's chart: RTT and loss with the outages shaded.
    await bRow(adminPage).getByText('Biểu đồ').click();
    const chart = adminPage.getByTestId('point-timeline');
    await expect.poll(() => chart.getAttribute('data-point')).toBe('B');
    await expect.poll(() => chart.locator('.recharts-reference-area').count()).toBeGreaterThan(0);
    await adminPage.screenshot({ path: join(ARTIFACTS, 'report-view-point.png') });
    await adminPage.close();
  });

  it('downloads the PDF report', async () => {
    const page = await openReport(admin);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pdf').click()]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-hn-cam-lo-\d{8}-\d{4}\.pdf$/);
    const file = await download.path();
    expect(readFileSync(file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.close();
    expect(problems).toEqual([]);
  });
});
