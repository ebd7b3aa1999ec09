// Debian's Chromium on a live meeting where one commune is probed by a remote agent (docs/AGENTS.md AG7)
// that is never heard: its tile is unknown (never down) and its detail says why — "không liên lạc được
// trạm đo", "no contact with the probe" in English — while the centre's own points are up; "Kiểm tra
// ngay" asks the agent (AG12) and, with nobody to ask, says the state is unknown, not "no reply".
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingNow, startTestApp, tinyProvince, waitFor, api, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const MEETING = 'hn-tram-do';
let t: TestApp;
let chromium: LaunchedBrowser;
const pageErrors: string[] = [];
const { units, points } = tinyProvince(65, 2);
const HOST = '127.65.1.1'; // C1, probed by the agent

beforeAll(async () => {
  t = await startTestApp({
    units: units.map((u) => (u.id === 'C1' ? { ...u, agent: 'tram-xa-1' } : u)),
    points,
    meetings: [meetingNow(MEETING, 'live')],
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
  });
  chromium = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

async function open(): Promise<Page> {
  const page = await chromium.context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${t.url}/?meeting=${MEETING}`);
  return page;
}

describe('a point whose probe agent is not heard', () => {
  it('[AG7] is unknown, never down, and its detail says there is no contact with the probe', async () => {
    // The agent is silent AGENT_SILENT_MS after the monitor started; the centre's points answer pings.
    await waitFor(
      'C1 without contact, C2 up',
      async () => {
        const rows = (await api(t, 'GET', `/api/meetings/${MEETING}/status`)).json as {
          code: string;
          state: string;
          targets: { reason: string | null }[];
        }[];
        const c1 = rows.find((r) => r.code === 'C1');
        return c1?.targets[0]?.reason === 'no-contact' && rows.find((r) => r.code === 'C2')?.state === 'up';
      },
      20_000,
    );
    const page = await open();
    const tile = page.getByTestId('tile-C1');
    await expect.poll(() => tile.getAttribute('data-state')).toBe('unknown');
    await tile.click();
    const line = page.getByTestId(`target-icmp:${HOST}`);
    await expect.poll(() => line.getAttribute('data-state')).toBe('unknown');
    await expect.poll(() => line.textContent()).toContain('không liên lạc được trạm đo');
    // [AG12] "Kiểm tra ngay" goes through the agent, which nobody can reach: unknown, not "no reply".
    await page.getByTestId('test-now').click();
    const tested = page.getByTestId('test-now-result').locator('li[data-kind="icmp"]');
    await expect.poll(() => tested.getAttribute('data-agent'), { timeout: 15_000 }).toBe('tram-xa-1');
    expect(await tested.getAttribute('class')).toBe('unknown');
    expect(await tested.getAttribute('data-alive')).toBe('false');
    expect(await tested.textContent()).toContain(
      'không liên lạc được trạm đo tram-xa-1: chưa rõ trạng thái (không phải mất kết nối)',
    );
    expect(await tested.textContent()).not.toContain('không trả lời');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'agent-no-contact-vi.png') });
    await page.getByTestId('lang-toggle').click();
    await expect.poll(() => line.textContent()).toContain('no contact with the probe');
    await expect
      .poll(() => tested.textContent())
      .toContain('no contact with agent tram-xa-1: state unknown (not down)');
    expect(await tile.getAttribute('data-state')).toBe('unknown');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
