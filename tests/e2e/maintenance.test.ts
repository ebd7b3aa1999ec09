// Planned work in Debian's Chromium (docs/ALERTS.md "Planned work", AL30, AL36): the real app on a real
// SQLite file, the real fping engine with one point's replies dropped (its line cut for the works),
// a real webhook receiver. An admin enters the works through the API; the point's tile says
// "Đang bảo trì theo kế hoạch", the cut sends nothing, while another point's cut is alerted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeetingReport } from '../../shared/report';
import { toWireInstant } from '../../shared/time';
import type { EngineFactory } from '../../server/monitor';
import { createEngine } from '../../server/probe';
import { api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../helpers/app';
import { launchChromium, type LaunchedBrowser } from '../helpers/browser';
import { HttpReceiver } from '../helpers/receivers';
import { targetHost } from '../../shared/targets';

const HOUR = 3_600_000;
const cut = new Set<string>();
const engine: EngineFactory = (o) =>
  createEngine({ ...o, kind: 'fping', onResult: (r) => o.onResult(cut.has(r.host) ? { ...r, rtt: null } : r) });
const { units, points } = tinyProvince(93, 3);
const host = (code: string) => points.find((p) => p.code === code)!.targets.map(targetHost)[0]!;
let t: TestApp;
let hook: HttpReceiver;
let chromium: LaunchedBrowser;

beforeAll(async () => {
  hook = await new HttpReceiver().start();
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('hop-huyen', 'live')],
    staticDir: join(import.meta.dirname, '..', '..', 'client', 'dist'),
    alerts: { channels: [{ id: 'ops', kind: 'webhook', url: `${hook.url}/hook` }], rules: [{ channel: 'ops' }] },
    alertsPollMs: 100,
    engine,
  });
  chromium = await launchChromium();
  const [name, ...value] = t.cookie.split('=');
  await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: t.url }]);
});

afterAll(async () => {
  await chromium?.close();
  await t?.dispose();
  await hook?.stop();
});

const alertedCodes = () =>
  hook.requests.flatMap((r) =>
    (JSON.parse(r.body) as { incident: { points: { code: string }[] } }).incident.points.map((p) => p.code),
  );

/** Vietnam time, as the form reads it. */
const local = (ms: number): string => toWireInstant(ms).slice(0, 16);

describe('planned work on the dashboard', () => {
  it('[AL30][AL36] a point under planned work shows as planned and its cut sends nothing; another point is alerted', async () => {
    const now = Date.now();
    const made = await api(t, 'POST', '/api/maintenance', {
      target: { kind: 'point', id: 'C2' },
      start: toWireInstant(now - 10 * 60_000),
      end: toWireInstant(now + 2 * HOUR),
      reason: 'Thay thiết bị đầu cuối',
    });
    expect(made.status).toBe(201);

    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await expect.poll(() => page.locator('[data-testid^="tile-"]').count(), { timeout: 20_000 }).toBe(points.length);
    const tile = page.getByTestId('tile-C2');
    await expect.poll(() => tile.getAttribute('data-planned'), { timeout: 10_000 }).toBe('true');
    expect(await tile.textContent()).toContain('Đang bảo trì theo kế hoạch');
    expect(await page.getByTestId('tile-C1').getAttribute('data-planned')).toBeNull();

    cut.add(host('C2'));
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 20_000 }).toBe('down');
    // Still shown as planned while down; its reason in the tooltip.
    expect(await tile.getAttribute('data-planned')).toBe('true');
    expect(await tile.getAttribute('title')).toContain('Thay thiết bị đầu cuối');
    await waitFor(
      'C2 opening routed',
      async () => {
        const i = await t.store.alerts.getIncident('outage-1-open');
        return i !== undefined && (await t.store.alerts.unroutedIncidents(10)).length === 0;
      },
      20_000,
    );

    cut.add(host('C1'));
    await waitFor('C1 alerted', () => alertedCodes().includes('C1'), 20_000);
    expect(alertedCodes()).not.toContain('C2');
    expect(errors).toEqual([]);
  });

  it('[AL37] the report marks the planned work and the outage inside it; the other outage is not marked', async () => {
    // After the first test: C2 cut under planned work, C1 cut outside it.
    const r = await api(t, 'GET', '/api/meetings/hop-huyen/report');
    expect(r.status).toBe(200);
    const report = r.json as MeetingReport;
    expect(report.planned).toEqual([
      expect.objectContaining({ point: 'C2', pointName: 'Điểm cầu xã Số 2', reason: 'Thay thiết bị đầu cuối' }),
    ]);
    const byPoint = (code: string) => report.outages.filter((o) => o.point === code);
    expect(byPoint('C2').length).toBeGreaterThan(0);
    for (const o of byPoint('C2'))
      expect(o.planned).toEqual({ entry: report.planned![0]!.entry, reason: 'Thay thiết bị đầu cuối' });
    expect(byPoint('C1').length).toBeGreaterThan(0);
    for (const o of byPoint('C1')) expect(o.planned).toBeNull();
    const csv = await fetch(`${t.url}/api/meetings/hop-huyen/report.csv?table=outages`, {
      headers: { cookie: t.cookie },
    });
    const text = await csv.text();
    expect(text.split('\n')[0]).toContain('Bảo trì theo kế hoạch');
    expect(text.split('\n').filter((l) => l.includes('Thay thiết bị đầu cuối'))).toHaveLength(byPoint('C2').length);
  });

  it('[AL33][AL36] an admin enters planned work on a unit in the admin screen; a bad span is refused in Vietnamese; its point then shows as planned', async () => {
    const page = await chromium.context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(t.url);
    await page.getByTestId('admin-toggle').click();
    await page.getByTestId('admin-tab-maintenance').click();
    const now = Date.now();
    await page.getByTestId('maintenance-kind').selectOption('unit');
    await page.getByTestId('maintenance-target').fill('C3');
    await page.getByTestId('maintenance-start').fill(local(now + HOUR));
    await page.getByTestId('maintenance-end').fill(local(now - HOUR));
    await page.getByTestId('maintenance-reason').fill('Cắt điện theo lịch của điện lực');
    await page.getByTestId('maintenance-add').click();
    await expect.poll(() => page.getByTestId('maintenance-error').textContent()).toContain('kết thúc phải sau bắt đầu');
    await page.getByTestId('maintenance-start').fill(local(now - 5 * 60_000));
    await page.getByTestId('maintenance-end').fill(local(now + HOUR));
    await page.getByTestId('maintenance-add').click();
    const panel = page.getByTestId('maintenance-panel');
    await expect.poll(() => panel.textContent()).toContain('Đơn vị: Xã Số 3 (C3)');
    expect(await panel.textContent()).toContain('Cắt điện theo lịch của điện lực');
    const list = await api(t, 'GET', '/api/maintenance');
    const entry = (list.json.entries as { target: { id: string }; start: string }[]).find((e) => e.target.id === 'C3')!;
    expect(entry.start).toBe(`${local(now - 5 * 60_000)}:00.000+07:00`);

    await page.goto(t.url);
    const tile = page.getByTestId('tile-C3');
    await expect.poll(() => tile.getAttribute('data-planned'), { timeout: 15_000 }).toBe('true');
    expect(await tile.textContent()).toContain('Đang bảo trì theo kế hoạch');
    expect(errors).toEqual([]);
  });
});
