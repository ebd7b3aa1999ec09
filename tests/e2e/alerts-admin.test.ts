// Debian's Chromium on the admin view's alert channels: the channels listed without their secrets, a
// test sent through a working webhook and through a Telegram simulator that refuses the token, both
// shown in the delivery log; and an alert's link (`/#point=CODE`) opening that point's detail.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingNow, startTestApp, tinyProvince, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { HttpReceiver } from '../helpers/receivers';
import { TelegramSimulator } from '../helpers/telegram-sim';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const TOKEN = '424242:AAbrowser-token-deadbeef';
let t: TestApp;
let chromium: LaunchedBrowser;
const hook = new HttpReceiver();
const tg = new TelegramSimulator('a-token-the-server-does-not-have');

beforeAll(async () => {
  await hook.start();
  await tg.start();
  const { units, points } = tinyProvince(119, 2);
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    alerts: {
      channels: [
        { id: 'ops', kind: 'webhook', url: `${hook.url}/hook` },
        { id: 'nhom-ky-thuat', kind: 'telegram', chatId: '-1001', apiBase: tg.apiBase, secretEnv: 'TG' },
      ],
      rules: [{ channel: 'ops' }, { channel: 'nhom-ky-thuat' }],
    },
    alertsEnv: { TG: TOKEN },
  });
  chromium = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
  await hook.stop();
  await tg.stop();
});

describe('alert channels in Chromium', () => {
  it('[AL6] lists the channels without secrets, sends tests and shows the delivery log', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await page.getByTestId('admin-toggle').click();
    await page.getByTestId('admin-tab-alerts').click();
    const tgRow = page.getByTestId('alert-channel-nhom-ky-thuat');
    await expect.poll(() => tgRow.textContent()).toContain('biến môi trường TG');
    expect(await tgRow.textContent()).toContain('Telegram');
    expect(await page.getByTestId('alert-channels').textContent()).not.toContain(TOKEN);

    await page.getByTestId('alert-test-ops').click();
    await expect.poll(() => page.getByTestId('alert-test-result').textContent()).toBe('Đã gửi thử qua kênh ops.');
    expect(hook.requests).toHaveLength(1);

    await page.getByTestId('alert-test-nhom-ky-thuat').click();
    await expect
      .poll(() => page.getByTestId('alert-test-result').textContent())
      .toBe('Kênh nhom-ky-thuat không gửi được: Telegram 401: Unauthorized');
    const log = page.getByTestId('alert-log');
    await expect.poll(async () => await log.locator('tbody tr').count()).toBe(2);
    expect(await log.locator('tbody tr').first().textContent()).toContain('Thất bại');
    expect(await log.locator('tbody tr').nth(1).textContent()).toContain('Đã gửi');
    expect(await page.content()).not.toContain(TOKEN);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-alert-channels.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('an alert link /#point=CODE opens that point', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${t.url}/?meeting=LIVE#point=C2`);
    const detail = page.getByTestId('point-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-code')).toBe('C2');
    expect(await detail.textContent()).toContain('Điểm cầu xã Số 2');
    // Closing it drops the link from the address bar, so a reload shows the dashboard.
    await detail.locator('button.close').click();
    await expect.poll(() => page.url()).toBe(`${t.url}/?meeting=LIVE`);
    await page.close();
  }, 30_000);
});
