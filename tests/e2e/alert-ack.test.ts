// Debian's Chromium, as a technician's phone with no session, on an alert's acknowledgement link: the
// page shows the incident and a button (opening it changes nothing), the button takes the incident in
// the name typed (the message went to the centre's group chat, not to one person), and the admin's
// delivery log — in another Chromium with the admin's session — shows the escalation waiting and then
// not sent. The alert reaches the group through a simulator of the Telegram Bot API.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageIncident } from '../../server/alerts/source';
import { JumpClock, meetingNow, startTestApp, tinyProvince, type TestApp } from '../helpers/app';
import { launchChromium, PHONE, type LaunchedBrowser } from '../helpers/browser';
import { TelegramSimulator } from '../helpers/telegram-sim';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const TOKEN = '515151:AAack-browser-token-0b5e';
const BASE = 'http://giamsat.test';
let t: TestApp;
let phone: LaunchedBrowser;
let desk: LaunchedBrowser;
const clock = new JumpClock();
const tg = new TelegramSimulator(TOKEN);

beforeAll(async () => {
  await tg.start();
  const { units, points } = tinyProvince(133, 2);
  points.find((p) => p.code === 'D1')!.contacts = [
    { name: 'Phạm Thị Dung', role: 'technician', phone: '0915 333 444', telegram: '2001' },
  ];
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 3_600_000, lineTestMs: 3_600_000, liveMs: 3_600_000 },
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    clock,
    alerts: {
      baseUrl: BASE,
      channels: [{ id: 'nhom-ttcntt', kind: 'telegram', chatId: '-1009', apiBase: tg.apiBase, secretEnv: 'TG' }],
      rules: [{ channel: 'nhom-ttcntt' }, { channel: 'nhom-ttcntt', to: 'district', escalateAfterMinutes: 15 }],
    },
    alertsEnv: { TG: TOKEN },
    alertsPollMs: 100,
  });
  phone = await launchChromium(PHONE);
  desk = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await desk.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await phone?.close();
  await desk?.close();
  await t?.dispose();
  await tg.stop();
});

describe('the acknowledgement link in Chromium', () => {
  it('[AL24] a phone without a session opens the link, sees the incident, takes it by name; the escalation is not sent', async () => {
    const now = clock.now();
    const row = await t.store.openOutage({
      point: 'C1',
      meeting: 'LIVE',
      type: 'down',
      phase: 'live',
      startedAt: now - 15_000,
      detectedAt: now,
    });
    await t.store.alerts.addIncident(outageIncident({ kind: 'opened', row }, t.app.inventory));
    t.app.alerts.poke();
    await expect.poll(() => tg.messages.length, { timeout: 15_000 }).toBe(1);
    const m = /(http:\/\/giamsat\.test\/ack\/\S+)/.exec(tg.messages[0]!.text);
    expect(m).not.toBeNull();
    const link = m![1]!.replace(BASE, t.url);

    // The admin's log: the group's message sent, Dung's escalation waiting for its time.
    const admin = await desk.context.newPage();
    admin.setDefaultTimeout(10_000);
    await admin.goto(t.url);
    await admin.getByTestId('admin-toggle').click();
    await admin.getByTestId('admin-tab-alerts').click();
    // The rules as the file says them: whom, when, for what.
    const rules = admin.getByTestId('alert-rules');
    await expect.poll(async () => await rules.locator('tbody tr').count()).toBe(2);
    expect(await rules.locator('tbody tr').nth(0).textContent()).toBe(
      'nhom-ttcnttĐịa chỉ của kênh (trung tâm, trực viễn thông)Gửi ngaymọi sự cố',
    );
    expect(await rules.locator('tbody tr').nth(1).textContent()).toMatch(
      /^nhom-ttcnttCán bộ kỹ thuật của huyệnChuyển cấp sau 15 phút.* nếu chưa ai nhận xử lýmọi sự cố$/,
    );
    const log = admin.getByTestId('alert-log');
    await expect.poll(async () => await log.locator('tbody tr').count()).toBe(2);
    const waiting = await log.locator('tbody tr').first().textContent();
    expect(waiting).toContain('nhom-ttcntt → Phạm Thị Dung (2001) (chuyển cấp 1)');
    expect(waiting).toMatch(/chuyển cấp lúc \d{2}:\d{2}:\d{2} nếu chưa ai nhận/);

    const page = await phone.context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Nhận xử lý sự cố');
    const text = (await page.textContent('body')) ?? '';
    expect(text).toContain('MẤT KẾT NỐI: Điểm cầu xã Số 1');
    expect(text).toContain('Hội nghị: Hội nghị LIVE (đang họp)');
    expect(await t.store.alerts.getAck(`outage-${row.id}-open`)).toBeUndefined();

    // No name: the browser's own check stops the form; with a name, it is taken.
    await page.getByLabel('Họ tên người nhận xử lý').fill('Trần Văn Trực');
    await page.getByRole('button', { name: 'Tôi nhận xử lý' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Đã ghi nhận');
    expect(await page.locator('#done').textContent()).toMatch(
      /^Trần Văn Trực đã nhận xử lý lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/,
    );
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'alert-ack-phone.png'), fullPage: true });
    expect(await t.store.alerts.getAck(`outage-${row.id}-open`)).toMatchObject({ by: 'Trần Văn Trực', via: 'link' });

    // Opened again: who took it, and no button.
    await page.goto(link);
    expect(await page.locator('#taken').textContent()).toContain('Trần Văn Trực');
    expect(await page.getByRole('button').count()).toBe(0);

    // Past the 15 minutes: Dung is not sent the escalation; the log says why.
    clock.jump(20 * 60_000);
    await new Promise((r) => setTimeout(r, 800));
    expect(tg.messages.map((x) => String(x.chat_id))).toEqual(['-1009']);
    await admin.getByRole('button', { name: 'Làm mới' }).click();
    await expect
      .poll(async () => await admin.getByTestId('alert-log').locator('tbody tr').first().textContent())
      .toContain('Không chuyển cấp (đã có người nhận xử lý hoặc đã kết nối lại)');
    await admin.screenshot({ path: join(ARTIFACTS, 'admin-alert-escalation.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
    await admin.close();
  }, 60_000);
});
