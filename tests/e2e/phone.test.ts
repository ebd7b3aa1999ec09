// Debian's Chromium as a phone (375 × 812, touch, mobile viewport): the district technician in the
// commune room opens the dashboard, a point's detail with its contacts, and the checklist, with a thumb.
// Nothing may scroll sideways, every control is a tap target of at least 40 × 40 px, his district comes
// first. The checklist's rows are measured text box by text box, on a desk and on the phone, in
// Vietnamese and in English: none overlaps another or spills out of its row. The web-app manifest and
// its icons are fetched from the running server. Screenshots go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, Unit } from '../../shared/schemas';
import { meetingNow, point, startTestApp, userCookie, type TestApp } from '../helpers/app';
import { launchChromium, PHONE, type LaunchedBrowser } from '../helpers/browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');
const MEETING = 'chay-thu-dien-thoai';

// Two districts with names as long as real ones; the technician is Thạch Hà's (D2), listed second.
const units: Unit[] = [
  { id: 'P', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'D1', name: 'Huyện Can Lộc', level: 'district', parent: 'P' },
  { id: 'D2', name: 'Huyện Thạch Hà', level: 'district', parent: 'P' },
];
const communes: [string, string, string][] = [
  ['D1', 'CL-KL', 'Thị trấn Nghèn (hội trường Ủy ban nhân dân, tầng 2)'],
  ['D1', 'CL-TL', 'Xã Thiên Lộc'],
  ['D1', 'CL-DL', 'Xã Đồng Lộc — điểm cầu khu di tích Ngã ba Đồng Lộc'],
  ['D2', 'TH-TN', 'Xã Thạch Ngọc (nhà văn hoá thôn Trung Tiến, điểm cầu dự phòng)'],
  ['D2', 'TH-TD', 'Xã Thạch Đài'],
  ['D2', 'TH-VT', 'Xã Việt Tiến'],
];
const points: Point[] = [
  point('P', 'Điểm cầu Tỉnh ủy Hà Tĩnh', 'province', 'P', '127.76.0.1'),
  point('D1', 'Điểm cầu Huyện ủy Can Lộc', 'district', 'D1', '127.76.0.2'),
  point('D2', 'Điểm cầu Huyện ủy Thạch Hà', 'district', 'D2', '127.76.0.3'),
];
communes.forEach(([district, code, name], i) => {
  units.push({ id: code, name: name.replace(/ \(.*\)| — .*/, ''), level: 'commune', parent: district });
  points.push(point(code, name, 'commune', code, `127.76.1.${i + 1}`));
});
const MINE = new Set(['D2', 'TH-TN', 'TH-TD', 'TH-VT']);

let t: TestApp;
let phone: LaunchedBrowser;
let desk: LaunchedBrowser;
const problems: string[] = [];

async function login(b: LaunchedBrowser, cookie: string): Promise<void> {
  const [name, ...value] = cookie.split('=');
  await b.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}

async function open(b: LaunchedBrowser, hash = ''): Promise<Page> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(5000);
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${t.url}/?meeting=${MEETING}${hash}`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

/**
 * How far the page is wider than the phone (0: not at all). A mobile browser widens its layout
 * viewport to fit content that is too wide (and zooms out), so innerWidth itself can grow: compare
 * both with the phone's width.
 */
const sideways = (page: Page) =>
  page.evaluate(
    (w) => Math.max(0, document.documentElement.scrollWidth - w, window.innerWidth - w),
    PHONE.viewport.width,
  );

/**
 * Every visible control smaller than 40 × 40 px: buttons, links, form fields and the checklist's cells.
 * A checkbox is tapped through its label, so the label is what is measured.
 */
async function smallTargets(page: Page): Promise<string[]> {
  const { measured, small } = await page.evaluate(() => {
    const out: string[] = [];
    let n = 0;
    const controls = document.querySelectorAll<HTMLElement>(
      'button, a[href], input:not([type="hidden"]), select, textarea, [role="button"], .cl-cell',
    );
    for (const el of controls) {
      if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      n++;
      const box = el instanceof HTMLInputElement && ['checkbox', 'radio'].includes(el.type) ? el.closest('label') : el;
      const r = (box ?? el).getBoundingClientRect();
      if (r.width < 40 || r.height < 40) {
        const id = el.dataset.testid ?? el.className ?? '';
        out.push(
          `${el.tagName.toLowerCase()} ${id} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
        );
      }
    }
    return { measured: n, small: out };
  });
  // Something was measured: the header's buttons alone are more than five.
  expect(measured).toBeGreaterThan(5);
  return small;
}

/**
 * In every drawn checklist row: the visible box of each text (its glyph box, cut to the boxes that clip
 * it), then every pair that overlaps and every box that leaves its row.
 */
function rowOverlaps(page: Page): Promise<{ rows: number; texts: number; problems: string[] }> {
  return page.evaluate(() => {
    type Box = { l: number; t: number; r: number; b: number };
    const cut = (a: Box, c: DOMRect): Box | null => {
      const box = {
        l: Math.max(a.l, c.left),
        t: Math.max(a.t, c.top),
        r: Math.min(a.r, c.right),
        b: Math.min(a.b, c.bottom),
      };
      return box.r - box.l > 0.5 && box.b - box.t > 0.5 ? box : null;
    };
    const found: string[] = [];
    let texts = 0;
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid^="checklist-row-"]')];
    for (const row of rows) {
      const code = row.dataset.testid!.replace('checklist-row-', '');
      const rowBox = row.getBoundingClientRect();
      const boxes: { text: string; box: Box }[] = [];
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode as Text;
        const text = (node.textContent ?? '').trim();
        if (text === '') continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const r = range.getBoundingClientRect();
        let box: Box | null = r.width > 0 && r.height > 0 ? { l: r.left, t: r.top, r: r.right, b: r.bottom } : null;
        for (let el = node.parentElement; box && el && el !== row.parentElement; el = el.parentElement) {
          const cs = getComputedStyle(el);
          if (cs.display === 'none' || cs.visibility === 'hidden') box = null;
          else if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') box = cut(box, el.getBoundingClientRect());
        }
        if (box) boxes.push({ text, box });
      }
      texts += boxes.length;
      for (const { text, box } of boxes) {
        if (
          box.t < rowBox.top - 0.5 ||
          box.b > rowBox.bottom + 0.5 ||
          box.l < rowBox.left - 0.5 ||
          box.r > rowBox.right + 0.5
        ) {
          found.push(`${code}: "${text}" leaves its row`);
        }
      }
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.box;
          const b = boxes[j]!.box;
          const w = Math.min(a.r, b.r) - Math.max(a.l, b.l);
          const h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
          if (w > 0.5 && h > 0.5) found.push(`${code}: "${boxes[i]!.text}" overlaps "${boxes[j]!.text}"`);
        }
      }
    }
    return { rows: rows.length, texts, problems: found };
  });
}

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow(MEETING, 'lineTest', { levels: ['province', 'district', 'commune'] })],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 1_000 },
    checklist: { lineStableMs: 2_000, rollCallSettleMs: 3_000 },
    staticDir: STATIC,
  });
  phone = await launchChromium(PHONE);
  desk = await launchChromium();
  await login(phone, await userCookie(t, 'kt.thachha', 'technician', ['D2']));
  await login(desk, t.cookie);
});

afterAll(async () => {
  await phone?.close();
  await desk?.close();
  await t?.dispose();
});

describe('the phone (375 × 812)', () => {
  it('[PH1] dashboard: one column, no sideways scroll, taps ≥ 40 px, the technician’s district first', async () => {
    const page = await open(phone);
    const tiles = page.locator('[data-testid^="tile-"]');
    await expect.poll(() => tiles.count()).toBe(points.length);
    await expect
      .poll(() => page.getByTestId('count-up').textContent(), { timeout: 20_000 })
      .toBe(String(points.length));
    // [PH4] Thạch Hà's group first, marked as his; then the tree's order.
    const groups = await page
      .locator('[data-testid^="group-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(groups).toEqual(['group-D2', 'group-P', 'group-D1']);
    expect(await page.getByTestId('group-D2').textContent()).toContain('Đơn vị của bạn');
    expect(await page.getByTestId('group-D1').textContent()).not.toContain('Đơn vị của bạn');
    // One column: every tile starts at the same x and is nearly the screen's width.
    const boxes = await tiles.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    expect(new Set(boxes.map((b) => Math.round(b.left))).size).toBe(1);
    for (const b of boxes) expect(b.width).toBeGreaterThan(300);
    expect(await sideways(page)).toBe(0);
    expect(await smallTargets(page)).toEqual([]);
    await shot(page, 'phone-dashboard.png');
    expect(problems).toEqual([]);
  });

  it('[PH2] point detail: a full-screen sheet, its contacts as tap-to-call buttons', async () => {
    const page = await open(phone);
    await page.getByTestId('tile-TH-TN').tap();
    const detail = page.getByTestId('point-detail');
    await expect.poll(() => detail.textContent()).toContain('Xã Thạch Ngọc');
    const box = (await detail.boundingBox())!;
    expect([box.x, box.y, box.width, box.height]).toEqual([0, 0, 375, 812]);
    const call = detail.locator('.contacts a[href^="tel:"]');
    expect(await call.getAttribute('href')).toBe('tel:0912345678');
    const callBox = (await call.boundingBox())!;
    expect(callBox.height).toBeGreaterThanOrEqual(40);
    expect(await sideways(page)).toBe(0);
    expect(await smallTargets(page)).toEqual([]);
    await call.scrollIntoViewIfNeeded();
    await shot(page, 'phone-point-detail.png');
    // The sheet closes with its ✕, a 44 px button in the corner.
    await page.getByRole('button', { name: 'Đóng' }).first().tap();
    await expect.poll(() => detail.count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('[PH3] checklist: cards, a tapped cell and a tapped “Đạt” move on and say where; his points first', async () => {
    const page = await open(phone, '#checklist');
    await expect.poll(() => page.getByTestId('checklist-view').getAttribute('data-state')).toBe('ready');
    const board = page.getByTestId('checklist-board');
    expect(await board.getAttribute('data-layout')).toBe('cards');
    // [PH4] His four points before the others, whatever their readiness.
    const order = await page
      .locator('[data-testid^="checklist-row-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('checklist-row-', '')));
    expect(order.length).toBe(points.length);
    expect(new Set(order.slice(0, MINE.size))).toEqual(MINE);
    const code = order[0]!;

    await page.getByTestId(`cell-${code}-hinh-anh`).tap();
    await expect.poll(() => board.getAttribute('aria-activedescendant')).toBe(`cl-cell-${code}-hinh-anh`);
    // [CK2] The hint says a mark moves on; the tap on "Đạt" does, and the move is written out.
    expect(await page.getByTestId('checklist-after-tick').textContent()).toContain('chuyển sang mục kế');
    await page.getByRole('button', { name: 'Đạt (P)' }).tap();
    await expect.poll(() => page.getByTestId(`cell-${code}-hinh-anh`).getAttribute('data-result')).toBe('pass');
    await expect.poll(() => board.getAttribute('aria-activedescendant')).toBe(`cl-cell-${code}-am-thanh`);
    expect(await page.getByTestId('checklist-moved').textContent()).toBe(
      'Đã đặt “Hình ảnh”: Đạt — con trỏ sang “Âm thanh”.',
    );
    await shot(page, 'phone-checklist.png');

    // Without the move: "Không đạt" stays on the item it set, and the hint says so.
    await page.locator('label.cl-advance').tap();
    await expect.poll(() => page.getByTestId('checklist-advance').isChecked()).toBe(false);
    expect(await page.getByTestId('checklist-after-tick').textContent()).toContain('con trỏ đứng yên');
    await page.getByRole('button', { name: 'Không đạt (F)' }).tap();
    await expect.poll(() => page.getByTestId(`cell-${code}-am-thanh`).getAttribute('data-result')).toBe('fail');
    expect(await board.getAttribute('aria-activedescendant')).toBe(`cl-cell-${code}-am-thanh`);
    expect(await page.getByTestId('checklist-moved').count()).toBe(0);

    // The automatic line item explains itself.
    await page.getByTestId(`cell-${code}-duong-truyen`).tap();
    expect(await page.getByTestId('checklist-auto-explain').textContent()).toContain('ổn định 60 giây mới đạt');

    expect(await sideways(page)).toBe(0);
    expect(await smallTargets(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('[PH5] installable: the manifest and its icons, served by the app at their declared sizes', async () => {
    const page = await open(phone);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const res = await fetch(`${t.url}${href}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    // The CSP lets the browser load it (manifest-src falls back to default-src 'self').
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const manifest = (await res.json()) as {
      name: string;
      description: string;
      start_url: string;
      display: string;
      theme_color: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ name: 'diemcau', start_url: '/', display: 'standalone', theme_color: '#009e73' });
    expect(manifest.description).toContain('Giám sát điểm cầu');
    const pngs = manifest.icons.filter((i) => i.type === 'image/png');
    expect(pngs.map((i) => i.sizes).toSorted()).toEqual(['192x192', '512x512']);
    for (const icon of manifest.icons) {
      const r = await fetch(`${t.url}${icon.src}`);
      expect([icon.src, r.status]).toEqual([icon.src, 200]);
      expect(r.headers.get('content-type')).toContain(icon.type);
      const bytes = Buffer.from(await r.arrayBuffer());
      if (icon.type !== 'image/png') continue;
      // PNG signature, then IHDR: width and height as 32-bit big-endian at bytes 16 and 20.
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(`${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`).toBe(icon.sizes);
    }
    // The browser itself fetches it under the page's CSP.
    expect(await page.evaluate(async (u) => (await fetch(u)).status, href!)).toBe(200);
    expect(problems).toEqual([]);
  });
});

describe('checklist rows: every text in its own box', () => {
  for (const [label, browser] of [
    ['on a desk (1440 px)', () => desk],
    ['on the phone (375 px)', () => phone],
  ] as const) {
    it(`[CK4] ${label}, in Vietnamese and in English, no two texts of a row overlap or leave it`, async () => {
      const page = await open(browser(), '#checklist');
      await expect.poll(() => page.getByTestId('checklist-view').getAttribute('data-state')).toBe('ready');
      await expect.poll(() => page.locator('[data-testid^="checklist-row-"]').count()).toBe(points.length);
      const vi = await rowOverlaps(page);
      // Code, name, unit, readiness and eight cells at least, in every row.
      expect(vi.texts).toBeGreaterThanOrEqual(points.length * 12);
      expect(vi.problems).toEqual([]);
      await shot(page, `checklist-rows-${browser() === phone ? 'phone' : 'desk'}-vi.png`);

      await page.getByTestId('lang-toggle').click();
      await expect.poll(() => page.getByTestId(`checklist-ready-${points[0]!.code}`).textContent()).toMatch(/ready/i);
      const en = await rowOverlaps(page);
      expect(en.rows).toBe(points.length);
      expect(en.problems).toEqual([]);
      await shot(page, `checklist-rows-${browser() === phone ? 'phone' : 'desk'}-en.png`);
      // Back to Vietnamese for the next test (the language is remembered per browser).
      await page.getByTestId('lang-toggle').click();
      expect(problems).toEqual([]);
    });
  }
});
