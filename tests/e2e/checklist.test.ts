// Debian's Chromium on the line-test checklist: an admin ticks items with the keyboard alone and the
// readiness count moves; a technician's page in another browser sees each change as it happens; a page
// that has not yet heard of a change (its socket's pushes held back, as a slow link would) ticks the
// same item and is shown the conflict with the value that stands. Real app, real fping on loopback
// (the "Đường truyền" items pass by themselves), real sockets.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import { meetingNow, point, startTestApp, tinyProvince, userCookie, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');
// P → D1 → C1..C4 on 127.73.x.x: six points, all answering.
const { units, points } = tinyProvince(73, 4);
const MEETING = 'chay-thu';
// A session that began five minutes ago: the server, started now, takes both roll calls late.
const LIVE = 'dang-hop';
// A national-size meeting next week: 450 commune points of one district (probed at the idle cadence).
const BIG = 'toan-quoc';
const BIG_N = 450;
const bigUnit: Unit = { id: 'D9', name: 'Huyện Chín', level: 'district', parent: 'P' };
const bigPoints: Point[] = Array.from({ length: BIG_N }, (_, i) =>
  point(
    `Q${String(i + 1).padStart(3, '0')}`,
    `Điểm cầu xã ${i + 1}`,
    'commune',
    'D9',
    `127.74.${Math.floor(i / 200)}.${(i % 200) + 1}`,
  ),
);
const DAY = 86_400_000;
const bigMeeting: Meeting = {
  id: BIG,
  title: 'Hội nghị toàn quốc',
  host: null,
  lineTest: { start: toWireInstant(Date.now() + 6 * DAY), durationMin: 120 },
  session: {
    start: toWireInstant(Date.now() + 7 * DAY),
    plannedEnd: toWireInstant(Date.now() + 7 * DAY + 3 * 3_600_000),
  },
  participants: { levels: ['commune'], units: ['D9'], points: [] },
};
const MANUAL = ['hinh-anh', 'am-thanh', 'camera', 'phong-nen', 'nguon-dien', 'can-bo-ky-thuat'];

let t: TestApp;
let adminBrowser: LaunchedBrowser;
let techBrowser: LaunchedBrowser;
const problems: string[] = [];

async function login(b: LaunchedBrowser, cookie: string): Promise<void> {
  const [name, ...value] = cookie.split('=');
  await b.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}

async function openChecklist(b: LaunchedBrowser, meeting = MEETING): Promise<Page> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${t.url}/?meeting=${meeting}#checklist`);
  await expect.poll(() => page.getByTestId('checklist-view').getAttribute('data-state')).toBe('ready');
  return page;
}

const cell = (page: Page, code: string, item: string) => page.getByTestId(`cell-${code}-${item}`);
const resultOf = (page: Page, code: string, item: string) => cell(page, code, item).getAttribute('data-result');
const readyCount = (page: Page) => page.getByTestId('checklist-ready').textContent();

beforeAll(async () => {
  t = await startTestApp({
    units: [...units, bigUnit],
    points: [...points, ...bigPoints],
    meetings: [
      meetingNow(MEETING, 'lineTest', { levels: ['province', 'district', 'commune'], units: ['D1'], points: ['P'] }),
      meetingNow(LIVE, 'live', { levels: ['commune'], units: ['D1'] }),
      bigMeeting,
    ],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 1_000 },
    // The line passes after 2 s up instead of 60 s, so the test need not wait a minute; late roll calls
    // wait 3 s for the first probes instead of 10.
    checklist: { lineStableMs: 2_000, rollCallSettleMs: 3_000 },
    staticDir: STATIC,
  });
  adminBrowser = await launchChromium();
  techBrowser = await launchChromium();
  await login(adminBrowser, t.cookie);
  await login(techBrowser, await userCookie(t, 'kt.binh', 'technician'));
});

afterAll(async () => {
  await adminBrowser?.close();
  await techBrowser?.close();
  await t?.dispose();
});

describe('line-test checklist in Chromium', () => {
  it('ticks points with the keyboard; another browser sees it; the readiness count moves', async () => {
    const a = await openChecklist(adminBrowser);
    const b = await openChecklist(techBrowser);
    await expect.poll(() => readyCount(a)).toBe(`0/${points.length}`);
    // Loopback answers: every line passes on its own, by the server.
    for (const p of points) {
      await expect.poll(() => resultOf(a, p.code, 'duong-truyen'), { timeout: 20_000 }).toBe('pass');
    }
    expect(await resultOf(a, 'P', 'duong-truyen-du-phong')).toBe('na');
    // Rows keep the order they were sorted in; start from the top row, whichever it is.
    const firstRow = a.locator('[data-testid^="checklist-row-"]').first();
    const first = (await firstRow.getAttribute('data-testid'))!.replace('checklist-row-', '');

    // Only keys from here on: the cursor starts on the first manual item of the first row.
    await a.getByTestId('checklist-board').focus();
    for (let i = 0; i < MANUAL.length; i++) await a.keyboard.press('p');
    // Each mark is 'pending' until the server has taken it: under load that can be after the last key.
    for (const item of MANUAL) await expect.poll(() => resultOf(a, first, item)).toBe('pass');
    await expect.poll(() => a.getByTestId(`checklist-ready-${first}`).textContent()).toBe('Sẵn sàng');
    await expect.poll(() => readyCount(a)).toBe(`1/${points.length}`);
    await expect.poll(() => a.getByTestId('checklist-percent').textContent()).toBe('16 %');

    // The cursor went on to the next row: pass, fail (sound), pass…, and a note on the failure.
    const secondRow = a.locator('[data-testid^="checklist-row-"]').nth(1);
    const second = (await secondRow.getAttribute('data-testid'))!.replace('checklist-row-', '');
    await a.keyboard.press('1');
    await a.keyboard.press('2');
    await a.keyboard.press('ArrowLeft');
    await a.keyboard.press('n');
    await a.getByTestId('note-input').fill('Tiếng vọng, đã báo Viễn thông');
    await a.keyboard.press('Enter');
    await expect.poll(() => resultOf(a, second, 'am-thanh')).toBe('fail');
    await expect.poll(() => a.getByTestId('checklist-failing').textContent()).toBe('1');
    await expect.poll(() => cell(a, second, 'am-thanh').getAttribute('title')).toContain('Tiếng vọng');

    // The technician's page, in another browser, saw all of it.
    await expect.poll(() => resultOf(b, first, 'can-bo-ky-thuat')).toBe('pass');
    await expect.poll(() => readyCount(b)).toBe(`1/${points.length}`);
    await expect.poll(() => resultOf(b, second, 'am-thanh')).toBe('fail');
    await expect.poll(() => b.getByTestId('checklist-failing').textContent()).toBe('1');
    // One click to call the point's technician.
    expect(await b.getByTestId(`checklist-call-${first}`).getAttribute('href')).toBe('tel:0912345678');

    mkdirSync(ARTIFACTS, { recursive: true });
    await a.screenshot({ path: join(ARTIFACTS, 'checklist-board.png') });
    expect(problems).toEqual([]);
  });

  it('shows a clear conflict notice and the current value when someone else changed the item first', async () => {
    const a = await openChecklist(adminBrowser);
    // This page hears nothing of the others' changes: its socket's checklist pushes are held back.
    const slow = await techBrowser.context.newPage();
    slow.setDefaultTimeout(5000);
    slow.on('pageerror', (e) => problems.push(e.message));
    await slow.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();
      server.onMessage((m) => {
        if (typeof m === 'string' && m.includes('"checklist:changed"')) return;
        ws.send(m);
      });
    });
    await slow.goto(`${t.url}/?meeting=${MEETING}#checklist`);
    await expect.poll(() => slow.getByTestId('checklist-view').getAttribute('data-state')).toBe('ready');

    const code = 'C4';
    await cell(a, code, 'camera').click();
    await a.keyboard.press('p');
    await expect.poll(() => resultOf(a, code, 'camera')).toBe('pass');
    // The slow page still shows what it knew.
    expect(await resultOf(slow, code, 'camera')).toBe('pending');

    await cell(slow, code, 'camera').click();
    await slow.keyboard.press('f');
    const notice = slow.getByTestId('checklist-conflict');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const body = await slow.getByTestId('checklist-conflict-body').textContent();
    expect(body).toContain('Camera / góc quay');
    expect(body).toContain('“Đạt”');
    expect(body).toContain('admin');
    expect(await notice.textContent()).toContain('Bạn định đặt: “Không đạt”');
    // The board now shows the value that stands, not the refused one.
    await expect.poll(() => resultOf(slow, code, 'camera')).toBe('pass');
    await slow.getByTestId('checklist-conflict-dismiss').click();
    await expect.poll(() => notice.count()).toBe(0);

    // Having seen it, the technician may still change it: now on the current version, it applies.
    await cell(slow, code, 'camera').click();
    await slow.keyboard.press('f');
    await expect.poll(() => resultOf(a, code, 'camera')).toBe('fail');
    const history = await (
      await fetch(`${t.url}/api/meetings/${MEETING}/checklist/history?point=${code}&item=camera`, {
        headers: { cookie: t.cookie },
      })
    ).json();
    expect(history.map((h: { by: string; value: string }) => [h.by, h.value])).toEqual([
      ['admin', 'pass'],
      ['kt.binh', 'fail'],
    ]);
    expect(problems).toEqual([]);
  });

  it('roll call: both lists taken by the server, a confirmation seen by the other browser', async () => {
    const a = await openChecklist(adminBrowser, LIVE);
    const b = await openChecklist(techBrowser, LIVE);
    await a.getByTestId('checklist-tab-rollCall').click();
    await b.getByTestId('checklist-tab-rollCall').click();
    // Taken late (the server started after T−10 and after the start), at the time it really was.
    for (const moment of ['before', 'start']) {
      await expect
        .poll(() => a.getByTestId(`rollcall-${moment}`).textContent(), { timeout: 15_000 })
        .toMatch(/lấy muộn lúc \d\d:\d\d:\d\d\): \d\/4 đã kết nối/);
    }
    await a.getByTestId('rollcall-C2-present').click();
    await expect.poll(() => b.getByTestId('rollcall-row-C2').getAttribute('data-status')).toBe('present');
    await expect.poll(() => b.getByTestId('rollcall-confirmed').textContent()).toBe('Xác nhận có mặt: 1/4');
    await b.getByTestId('rollcall-C3-absent').click();
    await expect.poll(() => a.getByTestId('rollcall-row-C3').getAttribute('data-status')).toBe('absent');
    await a.screenshot({ path: join(ARTIFACTS, 'checklist-rollcall.png') });
    expect(problems).toEqual([]);
  });

  it(`with ${BIG_N} points: rows are virtualised and the keys scroll to the cursor`, async () => {
    // How quickly it opens is measured by `npm run bench dashboard`, not asserted here.
    const page = await openChecklist(adminBrowser, BIG);
    await expect.poll(() => readyCount(page)).toBe(`0/${BIG_N}`);
    const drawn = await page.locator('[data-testid^="checklist-row-"]').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(80);
    const board = page.getByTestId('checklist-board');
    expect(await board.getAttribute('data-rows')).toBe(String(BIG_N));
    await board.focus();
    // Ten pages down: row 100, far outside what was drawn at first.
    for (let i = 0; i < 10; i++) await page.keyboard.press('PageDown');
    await expect.poll(() => board.getAttribute('aria-activedescendant')).toBe('cl-cell-Q101-hinh-anh');
    await expect.poll(() => cell(page, 'Q101', 'hinh-anh').isVisible()).toBe(true);
    await page.keyboard.press('p');
    await expect.poll(() => resultOf(page, 'Q101', 'hinh-anh')).toBe('pass');
    await expect.poll(() => board.getAttribute('aria-activedescendant')).toBe('cl-cell-Q101-am-thanh');
    expect(problems).toEqual([]);
  });
});
