// "Trạm đo" in Debian's Chromium (docs/AGENTS.md AG2, AG10): the real app on a real SQLite file. An admin
// sees the agents with their link (connected, "mất liên lạc từ dd/MM/yyyy HH:mm", outbox, clock offset
// flagged), adds one (the token shown once with its warning, copied by the button), issues a new token
// and revokes one after a confirmation; the registry refuses the old tokens at once.
// The monitor's view of the links (AgentSink.agents) belongs to the ingest part, absent from this branch:
// the test gives the running monitor an `agents()` answering fixed states, the seam the app reads.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../server/agent/contract';
import { api, startTestApp, tinyProvince, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';

const { units, points } = tinyProvince(94, 3);
let t: TestApp;
let chromium: LaunchedBrowser;

const state = (name: string, over: Partial<AgentState>): AgentState => ({
  name,
  connected: false,
  instance: null,
  version: null,
  lastContactAt: null,
  silentSince: null,
  lagMs: null,
  outboxDepth: 0,
  clockOffsetMs: null,
  clockFlagged: false,
  targets: 0,
  ...over,
});
const states: AgentState[] = [
  state('tram-c1', {
    connected: true,
    instance: 'centre-1',
    version: '2.4.0',
    lastContactAt: Date.now(),
    lagMs: 1_200,
    outboxDepth: 0,
    clockOffsetMs: 1_500,
    clockFlagged: true,
    targets: 1,
  }),
  state('tram-mat', {
    version: '2.3.1',
    lastContactAt: Date.parse('2026-03-05T08:14:59+07:00'),
    silentSince: Date.parse('2026-03-05T08:15:00+07:00'),
    lagMs: 90_000,
    outboxDepth: 4_321,
    clockOffsetMs: -20,
    targets: 1,
  }),
];

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    cadence: { idleMs: 60_000, lineTestMs: 60_000, liveMs: 60_000 },
  });
  Object.assign(t.app.monitor, { agents: () => states });
  chromium = await launchChromium();
  await chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
});

describe('the admin view "Trạm đo"', () => {
  it('[AG10][AG2] lists the agents with their link, adds one with its token shown once, rotates and revokes', async () => {
    const registered = await api(t, 'POST', '/api/agents', { name: 'tram-mat', units: ['C2'] });
    expect(registered.status).toBe(201);
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await page.getByTestId('admin-toggle').click();
    await page.getByTestId('admin-tab-agents').click();
    const panel = page.getByTestId('agents-panel');

    const lost = page.getByTestId('agent-tram-mat');
    await expect.poll(() => lost.textContent()).toContain('Mất liên lạc từ 05/03/2026 08:15');
    const lostText = (await lost.textContent()) ?? '';
    expect(lostText).toContain('C2');
    expect(lostText).toContain('1 điểm cầu');
    expect(lostText).toContain('2.3.1');
    expect(lostText).toContain('1 phút 30 giây');
    expect(lostText).toContain('4.321 kết quả');
    expect(lostText).toContain('-20 ms');
    expect(lostText).toContain('Đang dùng');
    expect(await lost.getByTestId('agent-clock').textContent()).not.toContain('⚠');
    // Known to the monitor, not yet registered.
    expect(await page.getByTestId('agent-tram-c1').textContent()).toContain('Chưa đăng ký');

    // Add: the token once, with the warning; the copy button puts exactly it on the clipboard.
    await page.getByTestId('agent-name').fill('tram-c1');
    await page.getByTestId('agent-units').fill('C1');
    await page.getByRole('button', { name: 'Thêm trạm đo' }).click();
    const box = page.getByTestId('agent-token');
    await expect.poll(() => box.textContent()).toContain('Khóa của trạm đo tram-c1');
    expect(await box.textContent()).toContain('chỉ hiện một lần và sẽ không hiện lại');
    const token = await page.getByTestId('agent-token-value').inputValue();
    expect(token).toMatch(/^dca_[A-Za-z0-9_-]{43}$/);
    expect(await t.app.agents.authenticate(token)).toBe('tram-c1');
    await page.getByTestId('agent-token-copy').click();
    await expect.poll(() => page.getByTestId('agent-token-copy').textContent()).toBe('Đã sao chép');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    expect(t.app.inventory.unit('C1')?.agent).toBe('tram-c1');

    const c1 = page.getByTestId('agent-tram-c1');
    await expect.poll(() => c1.getAttribute('data-connected')).toBe('true');
    const c1Text = (await c1.textContent()) ?? '';
    expect(c1Text).toContain('Đang kết nối');
    expect(c1Text).toContain('+1.500 ms');
    expect(await c1.getByTestId('agent-clock').textContent()).toContain('⚠ Đồng hồ lệch quá 1 giây');
    expect(c1Text).toContain('Đang dùng');

    // A refusal is said in Vietnamese, and nothing is added.
    await page.getByTestId('agent-name').fill('tram-x');
    await page.getByTestId('agent-units').fill('KHONG-CO');
    await page.getByRole('button', { name: 'Thêm trạm đo' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toContain('không có đơn vị KHONG-CO');
    expect(await page.getByTestId('agent-tram-x').count()).toBe(0);

    // New token, after the confirmation: shown once, the old one refused at once.
    const asked: string[] = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await c1.getByRole('button', { name: 'Cấp khóa mới' }).click();
    await expect.poll(() => page.getByTestId('agent-token-value').inputValue()).not.toBe(token);
    const fresh = await page.getByTestId('agent-token-value').inputValue();
    expect(asked[0]).toContain('Cấp khóa mới cho trạm đo "tram-c1"');
    expect(await t.app.agents.authenticate(token)).toBeNull();
    expect(await t.app.agents.authenticate(fresh)).toBe('tram-c1');

    // Revoke: dismissed, nothing happens; accepted, the row says so and the token is dead.
    page.once('dialog', (d) => void d.dismiss());
    await lost.getByRole('button', { name: 'Thu hồi' }).click();
    expect((await t.app.agents.list()).find((r) => r.name === 'tram-mat')?.revokedAt).toBeNull();
    page.once('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await c1.getByRole('button', { name: 'Thu hồi' }).click();
    await expect.poll(() => c1.getAttribute('data-revoked')).toBe('true');
    expect(asked[1]).toContain('Thu hồi trạm đo "tram-c1"');
    expect(await c1.textContent()).toMatch(/Đã thu hồi \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(await c1.getByRole('button').count()).toBe(0);
    expect(await t.app.agents.authenticate(fresh)).toBeNull();
    expect(errors).toEqual([]);
  });
});
