// Debian's Chromium on a live meeting whose points have a room endpoint besides their line: real
// kamailio instances answer SIP OPTIONS on loopback, a Poly VideoOS simulator (tests/simulators/) plays
// the codec of one room, with its password in an environment variable of the monitor's process.
// Stopping one kamailio leaves that point's line up and its endpoint down: the tile, the detail (both
// languages), "Kiểm tra ngay", the wall display and the phone must all show it apart from the line.
// Then an admin adds a SIP endpoint in the admin screen and the monitor probes it.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point, Unit } from '../../shared/schemas';
import { api, meetingNow, point, startTestApp, waitFor, type TestApp } from '../helpers/app';
import { launchChromium, PHONE, type LaunchedBrowser } from '../helpers/browser';
import { startKamailio, stopAllSipPeers, uniqueLoopback, type SipPeer } from '../helpers/sip-peers';
import { VideoOsSimulator } from '../simulators/videoos-sim';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const MEETING = 'hn-thiet-bi';
const PW_ENV = 'DIEMCAU_E2E_POLY_PW';
const PASSWORD = randomBytes(9).toString('base64url');
const FAR_END = 'sip:rmx-tinh@127.0.0.1';
/** The line states' frame colours (base.css); the endpoint-down frame must be none of them. */
const LINE_COLOURS = ['rgb(0, 158, 115)', 'rgb(230, 159, 0)', 'rgb(213, 94, 0)', 'rgb(0, 0, 0)', 'rgb(125, 131, 140)'];
const PURPLE = 'rgb(107, 47, 163)';

let t: TestApp;
let chromium: LaunchedBrowser;
let k1: SipPeer; // C1's endpoint, stopped by the tests
let k2: SipPeer; // C2's endpoint, left running
let k3: SipPeer; // the endpoint the admin adds to C4
let codec: VideoOsSimulator;
const pageErrors: string[] = [];

const sipId = (k: SipPeer): string => `sip:udp:${k.address}:5060`;

function inventory(): { units: Unit[]; points: Point[] } {
  const units: Unit[] = [
    { id: 'P', name: 'Tỉnh Thử', level: 'province', parent: null },
    { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P' },
  ];
  const points: Point[] = [
    point('P', 'Điểm cầu tỉnh', 'province', 'P', uniqueLoopback()),
    point('D1', 'Điểm cầu huyện Một', 'district', 'D1', uniqueLoopback()),
  ];
  const hosts = [k1.address, k2.address, codec.address.host, uniqueLoopback()];
  hosts.forEach((host, i) => {
    units.push({ id: `C${i + 1}`, name: `Xã Số ${i + 1}`, level: 'commune', parent: 'D1' });
    points.push(point(`C${i + 1}`, `Điểm cầu xã Số ${i + 1}`, 'commune', `C${i + 1}`, host));
  });
  for (const [code, k] of [
    ['C1', k1],
    ['C2', k2],
  ] as const) {
    points
      .find((p) => p.code === code)!
      .targets.push({ kind: 'sip', host: k.address, transport: 'udp', role: 'endpoint' });
  }
  points
    .find((p) => p.code === 'C3')!
    .targets.push({
      kind: 'videoos',
      ...codec.address,
      user: 'admin',
      password: { env: PW_ENV },
      verifyTls: false,
      role: 'endpoint',
    });
  return { units, points };
}

interface TargetRow {
  id: string;
  kind: string;
  state: string;
  reason: string | null;
  call: { inCall: boolean } | null;
}
interface StatusRow {
  code: string;
  state: string;
  endpoint: string | null;
  inCall: boolean | null;
  targets: TargetRow[];
}

async function statusOf(code: string): Promise<StatusRow | undefined> {
  const res = await api(t, 'GET', `/api/meetings/${MEETING}/status`);
  return (res.json as StatusRow[]).find((r) => r.code === code);
}

/** Waits until the API says `code` matches `ok` (probes are real: a few seconds). */
async function until(code: string, what: string, ok: (r: StatusRow) => boolean, ms = 20_000): Promise<StatusRow> {
  return waitFor(
    `${code}: ${what}`,
    async () => {
      const r = await statusOf(code);
      return r && ok(r) ? r : undefined;
    },
    ms,
  );
}

/** C1's kamailio stopped and the monitor sure of it; the same for every test that needs it. */
async function c1EndpointDown(): Promise<void> {
  await k1.stop();
  await until('C1', 'endpoint down, line up', (r) => r.endpoint === 'down' && r.state === 'up');
}

async function open(b: LaunchedBrowser, hash = ''): Promise<Page> {
  const page = await b.context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${t.url}/?meeting=${MEETING}${hash}`);
  return page;
}

async function signIn(b: LaunchedBrowser): Promise<void> {
  const [name, ...value] = t.cookie.split('=');
  await b.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}

const css = (l: Locator, prop: string): Promise<string> =>
  l.evaluate((e, p) => getComputedStyle(e).getPropertyValue(p), prop);

/** `inner` lies whole inside `outer` (not cut by its overflow) and overlaps none of `apart`. */
async function expectInside(inner: Locator, outer: Locator, ...apart: Locator[]): Promise<void> {
  const [i, o] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
  if (!i || !o) throw new Error('not laid out');
  expect(i.x).toBeGreaterThanOrEqual(o.x);
  expect(i.y).toBeGreaterThanOrEqual(o.y);
  expect(i.x + i.width).toBeLessThanOrEqual(o.x + o.width + 0.5);
  expect(i.y + i.height).toBeLessThanOrEqual(o.y + o.height + 0.5);
  for (const a of apart) {
    const b = await a.boundingBox();
    if (!b) throw new Error('not laid out');
    const overlaps = i.x < b.x + b.width && b.x < i.x + i.width && i.y < b.y + b.height && b.y < i.y + i.height;
    expect(overlaps).toBe(false);
  }
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

beforeAll(async () => {
  process.env[PW_ENV] = PASSWORD;
  [k1, k2, k3] = await Promise.all([startKamailio(), startKamailio(), startKamailio()]);
  codec = new VideoOsSimulator({ user: 'admin', password: PASSWORD, host: uniqueLoopback() });
  await codec.start();
  codec.inCall(FAR_END, [
    { media: 'video', direction: 'rx', rateKbps: 1920, lossPct: 0.2, jitterMs: 12 },
    { media: 'audio', direction: 'rx', rateKbps: 64, lossPct: 0, jitterMs: 3 },
    { media: 'video', direction: 'tx', rateKbps: 1920, lossPct: 0, jitterMs: 2 },
  ]);
  t = await startTestApp({
    ...inventory(),
    meetings: [meetingNow(MEETING, 'live')],
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
  });
  chromium = await launchChromium();
  await signIn(chromium);
  // Every line and endpoint answers before the tests break one.
  for (const code of ['C1', 'C2'])
    await until(code, 'line and endpoint up', (r) => r.state === 'up' && r.endpoint === 'up');
  await until('C3', 'in the call', (r) => r.state === 'up' && r.inCall === true);
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
  await codec?.stop();
  await stopAllSipPeers();
  delete process.env[PW_ENV];
});

describe('the room endpoint on the dashboard', () => {
  it('[TG5] a stopped kamailio: the tile says "Thiết bị không phản hồi" in a purple frame, the line stays up', async () => {
    const page = await open(chromium);
    const tile = page.getByTestId('tile-C1');
    await expect.poll(() => tile.getAttribute('data-endpoint'), { timeout: 15_000 }).toBe('up');
    expect(await page.getByTestId('endpoint-down-C1').count()).toBe(0);

    await k1.stop();
    await expect.poll(() => tile.getAttribute('data-endpoint'), { timeout: 20_000 }).toBe('down');
    expect(await tile.getAttribute('data-state')).toBe('up');
    expect(await page.getByTestId('endpoint-down-C1').textContent()).toBe('Thiết bị không phản hồi');
    await expectInside(page.getByTestId('endpoint-down-C1'), tile, tile.locator('.tile-name'));
    // The frame: purple, unlike any line state's; the neighbour with a live endpoint has none.
    const frame = await css(tile, 'box-shadow');
    expect(frame).toContain(PURPLE);
    for (const c of LINE_COLOURS) expect(frame).not.toContain(c);
    expect(await css(page.getByTestId('tile-C2'), 'box-shadow')).not.toContain(PURPLE);
    expect(await page.getByTestId('tile-C2').getAttribute('data-endpoint')).toBe('up');
    expect(await page.getByTestId('endpoint-down-C2').count()).toBe(0);
    // The API agrees: the line up, the endpoint down with its reason.
    const row = await until('C1', 'endpoint down', (r) => r.endpoint === 'down');
    expect(row.state).toBe('up');
    expect(row.targets.find((x) => x.id === sipId(k1))).toMatchObject({ state: 'down', reason: 'timeout' });

    // The detail: the line up, the SIP endpoint down with why.
    await tile.click();
    const line = page.getByTestId(`target-icmp:${k1.address}`);
    const sip = page.getByTestId(`target-${sipId(k1)}`);
    await expect.poll(() => sip.getAttribute('data-state')).toBe('down');
    expect(await line.getAttribute('data-state')).toBe('up');
    expect(await line.textContent()).toContain('Đường truyền chính');
    await expect.poll(() => sip.textContent()).toContain('không trả lời (quá thời gian chờ)');
    expect(await sip.textContent()).toContain('Thiết bị đầu cuối');
    expect(await sip.textContent()).toContain(`SIP/UDP ${k1.address}:5060`);
    expect(await page.getByTestId('endpoint-down-note').textContent()).toContain('Đường truyền vẫn thông');

    // "Kiểm tra ngay": both targets, each with its own answer.
    await page.getByTestId('test-now').click();
    const results = page.getByTestId('test-now-result');
    await expect.poll(() => results.locator('li').count(), { timeout: 15_000 }).toBe(2);
    expect(await results.locator('li[data-kind="icmp"]').getAttribute('data-alive')).toBe('true');
    expect(await results.locator('li[data-kind="sip"]').getAttribute('data-alive')).toBe('false');
    expect(await results.locator('li[data-kind="sip"]').textContent()).toContain('không trả lời (quá thời gian chờ)');
    await shot(page, 'endpoint-down-vi.png');

    // In English the words change, the states do not.
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('endpoint-down-C1').textContent()).toBe('Endpoint not answering');
    await expect.poll(() => sip.textContent()).toContain('no answer (timed out)');
    expect(await sip.textContent()).toContain('Endpoint');
    expect(await line.textContent()).toContain('Primary line');
    expect(await page.getByTestId('endpoint-down-note').textContent()).toContain('The line is up');
    await page.getByTestId('test-now').click();
    await expect.poll(() => results.locator('li[data-kind="sip"]').textContent()).toContain('no answer (timed out)');
    await shot(page, 'endpoint-down-en.png');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => page.getByTestId('endpoint-down-C1').textContent()).toBe('Thiết bị không phản hồi');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  it('[TG6] a Poly codec in the call: the detail shows far end, received video and audio; hung up, the tile says so', async () => {
    const page = await open(chromium);
    const tile = page.getByTestId('tile-C3');
    await expect.poll(() => tile.getAttribute('data-in-call'), { timeout: 15_000 }).toBe('true');
    expect(await page.getByTestId('not-in-call-C3').count()).toBe(0);
    await tile.click();
    const call = page.getByTestId('call-C3');
    await expect.poll(() => call.getAttribute('data-in-call')).toBe('true');
    const text = (await call.textContent()) ?? '';
    expect(text).toContain('Đang trong hội nghị');
    expect(text).toContain(`Đầu xa: ${FAR_END}`);
    expect(text).toContain('Hình ảnh: 1.920 kbit/s, mất gói 0,2 %, độ dao động trễ 12 ms');
    expect(text).toContain('Âm thanh: 64 kbit/s, mất gói 0 %, độ dao động trễ 3 ms');
    // Received channels only: the sent video is not listed.
    expect(await call.locator('.target-media').count()).toBe(2);
    await shot(page, 'endpoint-codec-in-call.png');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => call.textContent()).toContain(`In the call — Far end: ${FAR_END}`);
    expect(await call.textContent()).toContain('Video: 1,920 kbit/s, loss 0.2 %, jitter 12 ms');
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => call.textContent()).toContain('Đang trong hội nghị');

    codec.hangUp();
    // Codec APIs are polled every 5 s at most ([TG3]).
    await expect.poll(() => tile.getAttribute('data-in-call'), { timeout: 20_000 }).toBe('false');
    expect(await page.getByTestId('not-in-call-C3').textContent()).toBe('Chưa vào hội nghị');
    expect(await tile.getAttribute('data-state')).toBe('up');
    expect(await tile.getAttribute('data-endpoint')).toBe('up');
    await expect.poll(() => call.textContent(), { timeout: 10_000 }).toBe('Chưa vào hội nghị');
    await shot(page, 'endpoint-codec-not-in-call.png');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it('[TG5] the wall display shows the point among the problems, in a frame of its own, and counts it', async () => {
    await c1EndpointDown();
    const wall = await launchChromium({ viewport: { width: 1920, height: 1080 } });
    try {
      await signIn(wall);
      const page = await wall.context.newPage();
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${t.url}/?meeting=${MEETING}#wall`);
      const c1 = page.locator('[data-point="C1"]');
      await expect.poll(() => c1.getAttribute('data-endpoint'), { timeout: 20_000 }).toBe('down');
      expect(await c1.getAttribute('data-state')).toBe('up');
      // A problem tile (big), first since no line is down, with the words, not colour alone.
      expect(await c1.getAttribute('class')).toContain('big');
      expect(await page.locator('[data-point]').first().getAttribute('data-point')).toBe('C1');
      expect(await page.getByTestId('wall-endpoint-down-C1').textContent()).toBe('Thiết bị không phản hồi');
      expect(await page.getByTestId('count-endpoint-down').textContent()).toBe('1');
      // The extra count leaves the meeting's title and countdown readable in the header.
      await expectInside(page.getByTestId('wall-title'), page.locator('.wall-header'));
      await expectInside(page.getByTestId('countdown'), page.locator('.wall-header'));
      const border = await css(c1, 'border-top-color');
      expect(border).toBe(PURPLE);
      expect(LINE_COLOURS).not.toContain(border);
      const c2 = page.locator('[data-point="C2"]');
      expect(await c2.getAttribute('data-endpoint')).toBeNull();
      expect(await c2.getAttribute('class')).not.toContain('big');
      await shot(page, 'endpoint-down-wall.png');
    } finally {
      await wall.close();
    }
  }, 60_000);

  it('[TG5] the phone (375 px) shows the badge inside the tile', async () => {
    await c1EndpointDown();
    const phone = await launchChromium(PHONE);
    try {
      await signIn(phone);
      const page = await open(phone);
      const tile = page.getByTestId('tile-C1');
      await expect.poll(() => tile.getAttribute('data-endpoint'), { timeout: 20_000 }).toBe('down');
      const badge = page.getByTestId('endpoint-down-C1');
      expect(await badge.textContent()).toBe('Thiết bị không phản hồi');
      expect(await badge.isVisible()).toBe(true);
      await expectInside(badge, tile, tile.locator('.tile-name'));
      expect(await css(tile, 'box-shadow')).toContain(PURPLE);
      await shot(page, 'endpoint-down-phone.png');
    } finally {
      await phone.close();
    }
  }, 60_000);
});

describe('an endpoint added in the admin screen', () => {
  it('[TG2][TG8] reaches the monitor: probed against the kamailio on that address, listed in the detail', async () => {
    const dash = await open(chromium);
    const tile = dash.getByTestId('tile-C4');
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 15_000 }).toBe('up');
    expect(await tile.getAttribute('data-endpoint')).toBeNull();
    await tile.click();
    const sip = dash.getByTestId(`target-${sipId(k3)}`);
    expect(await sip.count()).toBe(0);

    const admin = await chromium.context.newPage();
    admin.setDefaultTimeout(10_000);
    admin.on('pageerror', (e) => pageErrors.push(e.message));
    await admin.goto(t.url);
    await admin.getByTestId('admin-toggle').click();
    await admin.getByTestId('admin-tab-points').click();
    await admin.getByTestId('points-search').fill('C4');
    await admin.getByTestId('points-item-C4').click();
    await expect.poll(() => admin.getByTestId('point-editor').getAttribute('data-code')).toBe('C4');
    await admin.getByTestId('target-add').click();
    const row = admin.getByTestId('target-1');
    await row.getByTestId('target-1-kind').locator('select').selectOption('sip');
    await row.getByTestId('target-1-host').locator('input').fill(k3.address);
    await row.getByTestId('target-1-port').locator('input').fill('5060');
    await row.getByTestId('target-1-transport').locator('select').selectOption('udp');
    await admin.getByTestId('point-save').click();
    await expect.poll(() => admin.getByTestId('points-notice').textContent()).toBe('Đã lưu điểm cầu C4.');
    await admin.close();

    // The status API lists the new target, answered by kamailio.
    const row4 = await until('C4', 'the new SIP target up', (r) =>
      r.targets.some((x) => x.id === sipId(k3) && x.state === 'up'),
    );
    expect(row4.endpoint).toBe('up');
    expect(row4.targets.map((x) => x.kind)).toEqual(['icmp', 'sip']);
    // The dashboard already open shows it in the detail, without a reload.
    await expect.poll(() => sip.getAttribute('data-state'), { timeout: 15_000 }).toBe('up');
    expect(await sip.textContent()).toContain(`SIP/UDP ${k3.address}:5060`);
    // The tile follows with the meeting's next delta (the detail may have its target row first).
    await expect.poll(() => tile.getAttribute('data-endpoint'), { timeout: 15_000 }).toBe('up');

    // Real probes: with kamailio gone the same target goes down, the line stays up.
    await k3.stop();
    const after = await until('C4', 'the new SIP target down', (r) =>
      r.targets.some((x) => x.id === sipId(k3) && x.state === 'down'),
    );
    expect(after.state).toBe('up');
    expect(after.endpoint).toBe('down');
    await expect.poll(() => sip.getAttribute('data-state'), { timeout: 15_000 }).toBe('down');
    await expect.poll(() => tile.getAttribute('data-endpoint')).toBe('down');
    expect(pageErrors).toEqual([]);
    await dash.close();
  }, 90_000);
});
