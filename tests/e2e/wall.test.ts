// The wall display in Debian's Chromium at 1920×1080 (docs/SPEC.md WD4–WD6): a 400-point province
// (15 districts) served by the real app, signed in through a display link an admin created; some
// points cut (their replies dropped at the probe engine, as a cut line loses them), some slow. Every
// point tile lies inside the viewport, nothing scrolls, the down points lead the first row and are
// the largest; screenshots go to test-artifacts/. Revoking the link blanks the screen. A restart of
// the server on the same database file: the wall reconnects and resyncs by itself.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedDisplayLink } from '../../shared/display';
import type { Point, Unit } from '../../shared/schemas';
import type { EngineFactory } from '../../server/monitor';
import { createEngine } from '../../server/probe';
import { api, meetingNow, point, startTestApp, tinyProvince, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { targetHost } from '../../shared/targets';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');
const VIEWPORT = { width: 1920, height: 1080 };

/** A province of 400 points: the province, 15 districts and 384 communes, on 127.78.x.y. */
function province400(): { units: Unit[]; points: Point[] } {
  const units: Unit[] = [{ id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null }];
  const points: Point[] = [point('HT', 'Điểm cầu Tỉnh Hà Tĩnh', 'province', 'HT', '127.78.0.1')];
  for (let d = 1; d <= 15; d++) {
    const did = `HT-D${String(d).padStart(2, '0')}`;
    units.push({ id: did, name: `Huyện Thử Nghiệm ${d}`, level: 'district', parent: 'HT' });
    points.push(point(did, `Điểm cầu Huyện Thử Nghiệm ${d}`, 'district', did, `127.78.${d}.1`));
  }
  for (let i = 0; points.length < 400; i++) {
    const d = (i % 15) + 1;
    const cid = `HT-D${String(d).padStart(2, '0')}-X${String(i + 1).padStart(3, '0')}`;
    units.push({ id: cid, name: `Xã Thử ${i + 1}`, level: 'commune', parent: `HT-D${String(d).padStart(2, '0')}` });
    points.push(point(cid, `Điểm cầu Xã Thử ${i + 1}`, 'commune', cid, `127.78.${d}.${10 + Math.floor(i / 15)}`));
  }
  return { units, points };
}

/** The real fping engine; replies of `cut` hosts are dropped (lost), those of `slow` ones arrive 180 ms late. */
function shapedEngine(cut: ReadonlySet<string>, slow: ReadonlySet<string> = new Set()): EngineFactory {
  return (o) =>
    createEngine({
      ...o,
      kind: 'fping',
      onResult: (r) =>
        o.onResult(
          cut.has(r.host) ? { ...r, rtt: null } : slow.has(r.host) && r.rtt !== null ? { ...r, rtt: r.rtt + 180 } : r,
        ),
    });
}

async function createLink(t: TestApp, label: string): Promise<CreatedDisplayLink> {
  const r = await api(t, 'POST', '/api/display-links', { label, meeting: null });
  expect(r.status).toBe(201);
  return r.json as CreatedDisplayLink;
}

const count = (page: Page, state: string) => page.getByTestId(`count-${state}`).textContent();

/** Left to right, top to bottom. */
const readingKey = (b: { x: number; y: number }) => b.y * 10_000 + b.x;

describe('wall display, 400 points at 1920×1080', () => {
  const { units, points } = province400();
  // 8 cut points spread over the districts, the last one in the last district; 6 slow ones.
  const downCodes = [3, 60, 121, 190, 250, 311, 377, 399].map((i) => points[i]!.code);
  const slowCodes = [10, 100, 200, 300, 350, 390].map((i) => points[i]!.code);
  const hostOf = (code: string) => points.find((p) => p.code === code)!.targets.map(targetHost)[0]!;
  let t: TestApp;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('tinh-400', 'lineTest')],
      staticDir: STATIC,
      engine: shapedEngine(new Set(downCodes.map(hostOf)), new Set(slowCodes.map(hostOf))),
    });
    chromium = await launchChromium({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    await chromium?.close();
    await t?.dispose();
  });

  it('[WD6] shows every point inside the viewport without scrolling, down points first and largest', async () => {
    const link = await createLink(t, 'Phòng họp tầng 3');
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}${link.path}`);
    // The token leaves the address bar once the screen is signed in.
    await expect.poll(() => page.url()).toBe(`${t.url}/#wall`);
    await expect.poll(() => page.locator('[data-point]').count(), { timeout: 20_000 }).toBe(400);
    await expect.poll(() => page.getByTestId('phase').getAttribute('data-phase')).toBe('lineTest');
    await expect.poll(() => count(page, 'down'), { timeout: 30_000 }).toBe('8');
    await expect.poll(() => count(page, 'up'), { timeout: 30_000 }).toBe(String(400 - 8 - slowCodes.length));

    const boxes = await page.$$eval('[data-point]', (els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return {
          code: e.getAttribute('data-point')!,
          state: e.getAttribute('data-state')!,
          x: r.x,
          y: r.y,
          w: r.width,
          h: r.height,
        };
      }),
    );
    expect(new Set(boxes.map((b) => b.code))).toEqual(new Set(points.map((p) => p.code)));
    const outside = boxes.filter(
      (b) => b.x < 0 || b.y < 0 || b.x + b.w > VIEWPORT.width || b.y + b.h > VIEWPORT.height || b.w * b.h <= 0,
    );
    expect(outside.map((b) => b.code)).toEqual([]);
    const scroll = await page.evaluate(() => ({
      sh: document.documentElement.scrollHeight,
      sw: document.documentElement.scrollWidth,
      ih: window.innerHeight,
      iw: window.innerWidth,
    }));
    expect(scroll.sh).toBeLessThanOrEqual(scroll.ih);
    expect(scroll.sw).toBeLessThanOrEqual(scroll.iw);

    // The down points: all of them, in the first row (the top of the tile area), larger than the rest.
    const down = boxes.filter((b) => b.state === 'down');
    expect(down.map((b) => b.code).sort()).toEqual([...downCodes].sort());
    const top = Math.min(...boxes.map((b) => b.y));
    expect(down.filter((b) => b.y !== top).map((b) => b.code)).toEqual([]);
    const up = boxes.filter((b) => b.state === 'up');
    expect(Math.min(...down.map((b) => b.h))).toBeGreaterThan(Math.max(...up.map((b) => b.h)));
    // Then the slow ones (degraded or severe) before any point that is up, in reading order.
    const slow = boxes.filter((b) => b.state === 'degraded' || b.state === 'severe');
    expect(slow.map((b) => b.code).sort()).toEqual([...slowCodes].sort());
    const firstUp = Math.min(...up.filter((b) => b.y > top).map(readingKey));
    expect(slow.filter((b) => readingKey(b) >= firstUp).map((b) => b.code)).toEqual([]);
    // A down tile names its district and how long it has been down, in words.
    const last = page.locator(`[data-point="${downCodes[7]}"]`);
    await expect.poll(() => last.textContent()).toMatch(/Huyện Thử Nghiệm \d+/);
    await expect.poll(() => last.textContent()).toMatch(/Mất kết nối · đã \d+ giây/);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'wall-400-1920x1080.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('[WD6] a smaller screen (1280×720) still holds every point without scrolling', async () => {
    const link = await createLink(t, 'Màn hình nhỏ');
    const page = await chromium.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${t.url}${link.path}`);
    await expect.poll(() => page.locator('[data-point]').count(), { timeout: 20_000 }).toBe(400);
    await expect.poll(() => count(page, 'down'), { timeout: 30_000 }).toBe('8');
    const outside = await page.$$eval(
      '[data-point]',
      (els) =>
        els.filter((e) => {
          const r = e.getBoundingClientRect();
          return r.x < 0 || r.y < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight;
        }).length,
    );
    expect(outside).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'wall-400-1280x720.png') });
    await page.close();
  });

  it('[WD4] revoking the link blanks a connected wall at once', async () => {
    const link = await createLink(t, 'Màn hình sẽ thu hồi');
    const page = await chromium.context.newPage();
    await page.goto(`${t.url}${link.path}`);
    await expect.poll(() => page.locator('[data-point]').count(), { timeout: 20_000 }).toBe(400);
    expect((await api(t, 'DELETE', `/api/display-links/${link.link.id}`)).status).toBe(200);
    await expect.poll(() => page.getByTestId('wall-message').getAttribute('data-kind')).toBe('revoked');
    expect(await page.locator('[data-point]').count()).toBe(0);
    await expect.poll(() => page.getByTestId('wall-message').textContent()).toContain('đã bị thu hồi');
    // A reload with the cookie alone is refused too.
    await page.reload();
    await expect.poll(() => page.getByTestId('wall-message').getAttribute('data-kind')).toBe('noLink');
    await page.close();
  });
});

describe('wall display across a server restart', () => {
  const { units, points } = tinyProvince(79, 6);
  let chromium: LaunchedBrowser;
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  beforeAll(async () => {
    chromium = await launchChromium({ viewport: VIEWPORT });
  });

  afterAll(async () => {
    await chromium?.close();
    await first?.dispose();
    await second?.dispose();
  });

  it('[WD5] reconnects, signs in again with its cookie and resyncs, with no one touching it', async () => {
    const meetings = [meetingNow('M', 'lineTest')];
    first = await startTestApp({ units, points, meetings, staticDir: STATIC, engine: shapedEngine(new Set()) });
    const port = Number(new URL(first.url).port);
    const link = await createLink(first, 'Màn hình hội trường');
    const page = await chromium.context.newPage();
    await page.goto(`${first.url}${link.path}`);
    const wall = page.getByTestId('wall');
    await expect.poll(() => wall.getAttribute('data-connection'), { timeout: 20_000 }).toBe('connected');
    await expect.poll(() => count(page, 'up'), { timeout: 20_000 }).toBe(String(points.length));

    await first.stop();
    await expect.poll(() => wall.getAttribute('data-connection'), { timeout: 20_000 }).toBe('reconnecting');
    await expect.poll(() => page.getByTestId('wall-offline').isVisible()).toBe(true);

    // The same database file and address; this time C3's line is cut.
    const cut = points.find((p) => p.code === 'C3')!.targets.map(targetHost)[0]!;
    second = await startTestApp({
      units,
      points,
      meetings,
      staticDir: STATIC,
      engine: shapedEngine(new Set([cut])),
      dir: first.dir,
      port,
    });
    await expect.poll(() => wall.getAttribute('data-connection'), { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => page.getByTestId('wall-offline').count()).toBe(0);
    await expect
      .poll(() => page.locator('[data-point="C3"]').getAttribute('data-state'), { timeout: 30_000 })
      .toBe('down');
    expect(page.url()).toBe(`${first.url}/#wall`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'wall-after-restart.png') });
    await page.close();
  }, 120_000);
});

describe('admin: "Màn hình treo tường"', () => {
  const { units, points } = tinyProvince(80, 3);
  let t: TestApp;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('M', 'live')],
      staticDir: STATIC,
      engine: shapedEngine(new Set()),
    });
    chromium = await launchChromium();
    const [name, ...value] = t.cookie.split('=');
    await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
  });

  afterAll(async () => {
    await chromium?.close();
    await t?.dispose();
  });

  it('[WD1] creates a link shown once, opens the wall with it, and revokes it from the list', async () => {
    const admin = await chromium.context.newPage();
    admin.on('dialog', (d) => void d.accept());
    await admin.goto(`${t.url}/#admin`);
    await admin.getByTestId('admin-tab-wall').click();
    await admin.getByTestId('display-link-label').fill('Phòng họp UBND tỉnh');
    await admin.getByTestId('display-link-meeting').selectOption('M');
    await admin.getByRole('button', { name: 'Tạo liên kết' }).click();
    const url = await admin.getByTestId('display-link-url').inputValue();
    expect(url).toMatch(new RegExp(`^${t.url}/#wall\\?k=[A-Za-z0-9_-]{43}$`));
    const row = admin.locator('[data-testid^="display-link-"][data-revoked]');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => row.first().textContent()).toContain('Đang dùng');

    const wall = await chromium.context.newPage();
    await wall.goto(url);
    await expect.poll(() => wall.locator('[data-point]').count(), { timeout: 20_000 }).toBe(points.length);
    await expect.poll(() => wall.getByTestId('wall-title').textContent()).toBe('Hội nghị M');

    await row.first().getByRole('button', { name: 'Thu hồi' }).click();
    await expect.poll(() => row.first().getAttribute('data-revoked')).toBe('true');
    await expect.poll(() => wall.getByTestId('wall-message').getAttribute('data-kind')).toBe('revoked');
    mkdirSync(ARTIFACTS, { recursive: true });
    await admin.screenshot({ path: join(ARTIFACTS, 'wall-admin-links.png') });
  });
});
