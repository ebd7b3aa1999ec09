// Debian's Chromium opens the dashboard served by the real app with the demo province: the demo
// meeting is picked, its 79 points appear grouped by district, and they turn up as probes answer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventoryFile } from '../../server/config/load';
import { retimeForDemo } from '../../server/demo';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const demo = loadInventoryFile('config/demo.yaml');
let t: TestApp;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  t = await startTestApp({
    units: demo.units,
    points: demo.points,
    meetings: retimeForDemo(demo.meetings, Date.now()),
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    // The whole chain as `serve` runs it: probes in the monitor process, the dashboard served here.
    monitorProcess: true,
  });
  chromium = await launchChromium();
  // Logged in as the admin startTestApp created; the login screen has its own test.
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

describe('dashboard in Chromium', () => {
  it('runs the probes in the monitor process, as serve does', () => {
    expect(t.app.inProcess).toBeNull();
  });

  it('shows the demo meeting in its line test with every point, grouped by district, turning up', async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);

    const picker = page.getByTestId('meeting-picker');
    await expect.poll(() => picker.inputValue()).toBe('doi-thoai-phu-nu-2022');
    await expect.poll(() => page.getByTestId('phase').getAttribute('data-phase')).toBe('lineTest');
    await expect.poll(() => page.getByTestId('phase').textContent()).toContain('Chạy thử đường truyền');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-status')).toBe('connected');

    const tiles = page.locator('[data-testid^="tile-"]');
    await expect.poll(() => tiles.count()).toBe(demo.points.length);
    // 13 districts plus the province's own group.
    await expect.poll(() => page.locator('[data-testid^="group-"]').count()).toBe(14);
    await expect.poll(() => page.getByTestId('group-HT-CL').textContent()).toContain('Huyện Can Lộc');
    await expect.poll(() => page.getByTestId('tile-HT-CL-DONG-LOC').textContent()).toContain('Đồng Lộc');

    // Loopback answers: every point ends up "thông suốt".
    await expect
      .poll(() => page.getByTestId('count-up').textContent(), { timeout: 20_000 })
      .toBe(String(demo.points.length));
    await expect.poll(() => page.locator('[data-state="up"][data-testid^="tile-"]').count()).toBe(demo.points.length);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-demo.png'), fullPage: false });
    expect(errors).toEqual([]);
  });

  it('switches to English and back, and opens a point with its contacts', async () => {
    const page = await chromium.context.newPage();
    await page.goto(`${t.url}/?meeting=doi-thoai-phu-nu-2022`);
    await expect.poll(() => page.locator('[data-testid^="tile-"]').count()).toBe(demo.points.length);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('phase').textContent()).toMatch(/line test/i);
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('phase').textContent()).toContain('Chạy thử đường truyền');

    await page.getByTestId('tile-HT-CL').click();
    const detail = page.getByTestId('point-detail');
    await expect.poll(() => detail.textContent()).toContain('Điểm cầu Huyện Can Lộc');
    const tel = detail.locator('a[href^="tel:"]').first();
    await expect.poll(() => tel.getAttribute('href')).toMatch(/^tel:0\d{9}$/);
    await page.getByTestId('test-now').click();
    await expect.poll(() => page.getByTestId('test-now-result').textContent()).toMatch(/127\.20\.8\.1/);
  });
});
