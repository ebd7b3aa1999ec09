// The dashboard's outage feed groups outages by problem as the alerts do (docs/SPEC.md AL15), seen in
// Debian's Chromium: real network faults (an nftables table of the test's own drops loopback
// addresses), the monitor in its own process, the feed over the real Socket.IO connection. A
// district's line cut is one entry naming its points; a bouncing line is one "flapping" entry instead
// of one per loss.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { api, meetingNow, startTestApp, waitFor, type TestApp, twoDistrictProvince } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../helpers/nft';

const skip = nftSkipReason();
const OCTET = 219; // 127.219.x.y: this file's own addresses
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const STATIC = join(import.meta.dirname, '..', '..', 'client', 'dist');

let t: TestApp | null = null;
let chromium: LaunchedBrowser | null = null;
let table: NftDropTable | null = null;

afterEach(async () => {
  table?.destroy();
  table = null;
  await chromium?.close();
  chromium = null;
  await t?.dispose();
  t = null;
});
afterAll(() => destroyAllNftTables());

const province = () => twoDistrictProvince(OCTET);

describe.skipIf(skip !== null)(`outage feed grouped by problem${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[AL15] a district cut is one feed entry naming its points; a bouncing line one flapping entry', async () => {
    const { units, points, host } = province();
    t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
      staticDir: STATIC,
      // The feed groups with the alerts' settings, sent in the snapshot: flapping from the 4th loss.
      alerts: { channels: [], rules: [], grouping: { flapCount: 4 } },
    });
    const app = t;
    const stateOf = async (code: string): Promise<string | undefined> =>
      ((await api(app, 'GET', '/api/meetings/LIVE/status')).json as { code: string; state: string }[]).find(
        (s) => s.code === code,
      )?.state;
    chromium = await launchChromium();
    const [name, ...value] = t.cookie.split('=');
    await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/?meeting=LIVE`);
    await expect
      .poll(() => page.locator('[data-state="up"][data-testid^="tile-"]').count(), { timeout: 30_000 })
      .toBe(points.length);

    table = createDropTable({ hook: 'input' });
    const feed = page.getByTestId('outage-feed');
    const items = feed.locator('li');

    // 1. District D1's line: four outage records, one entry naming the district and its points.
    for (const c of ['D1', 'C1', 'C2', 'C3']) table.add(host(c));
    const unit = feed.locator('li[data-kind="unit"]');
    await expect.poll(() => unit.count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(async () => (await stateOf('C3')) === 'down', { timeout: 20_000 }).toBe(true);
    await expect.poll(() => items.count()).toBe(1);
    // A point's state can reach the page a coalescing tick before its outage record: wait for the fourth.
    await expect
      .poll(async () => (await unit.textContent()) ?? '', { timeout: 10_000 })
      .toContain('Mất kết nối cả đơn vị · 4 điểm cầu');
    const text = (await unit.textContent()) ?? '';
    expect(text).toContain('Huyện Một');
    for (const n of ['Điểm cầu huyện Một', 'Điểm cầu xã Số 1', 'Điểm cầu xã Số 2', 'Điểm cầu xã Số 3']) {
      expect(text).toContain(n);
    }
    expect(await unit.getAttribute('data-open')).toBe('true');
    const records = (await api(t, 'GET', '/api/outages?meeting=LIVE')).json as { point: string }[];
    expect(records.length).toBe(4);
    for (const c of ['D1', 'C1', 'C2', 'C3']) table.remove(host(c));
    await expect.poll(() => unit.getAttribute('data-open'), { timeout: 20_000 }).toBe('false');
    expect(await items.count()).toBe(1);

    // 2. E2's line bounces four times: four records, one flapping entry.
    const flapping = feed.locator('li[data-kind="flapping"]');
    const cut = table;
    const lose = async (n: number): Promise<void> => {
      cut.add(host('E2'));
      await waitFor(`E2 down (${n})`, async () => (await stateOf('E2')) === 'down', 20_000);
    };
    const back = async (n: number): Promise<void> => {
      cut.remove(host('E2'));
      await waitFor(`E2 up (${n})`, async () => (await stateOf('E2')) === 'up', 20_000);
    };
    await lose(1);
    await back(1);
    await lose(2);
    await back(2);
    await lose(3);
    // Three losses in a row (back for less than settleMs): one entry, not yet flapping (flapCount 4).
    await expect.poll(() => feed.locator('li[data-kind="point"]').textContent()).toContain('3 lần');
    expect(await flapping.count()).toBe(0);
    expect(await items.count()).toBe(2);
    await back(3);
    await lose(4);
    await back(4);
    await expect.poll(() => flapping.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => items.count()).toBe(2);
    expect(await flapping.textContent()).toMatch(/Chập chờn liên tục · 4 lần mất kết nối[\s\S]*Điểm cầu xã E2/);
    // Back for good: the entry closes, still one entry over the four records.
    await expect.poll(() => flapping.getAttribute('data-open'), { timeout: 20_000 }).toBe('false');
    const e2 = (await api(t, 'GET', '/api/outages?point=E2')).json as { endedAt: string | null }[];
    expect(e2.length).toBe(4);
    expect(e2.every((o) => o.endedAt !== null)).toBe(true);
    expect(await items.count()).toBe(2);
    // Newest first: the flapping line above the district's cut.
    expect(await items.first().getAttribute('data-kind')).toBe('flapping');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'outage-feed-grouped.png') });
    expect(errors).toEqual([]);
  }, 180_000);
});
