// /metrics against the API: a real serve arrangement (monitor in its own process, fping on loopback,
// a point cut by an nftables table of the test's own, two dashboards on real sockets, a webhook
// receiver), scraped with the bearer token and read by a real Prometheus text-format parser; the
// figures are those the REST API shows at the same moment.
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DeliveryView } from '../../../shared/alerts';
import type { Outage, PointStatus } from '../../../shared/schemas';
import {
  api,
  connectSocket,
  meetingNow,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { HttpReceiver } from '../../helpers/receivers';

const skip = nftSkipReason();
const OCTET = 118; // this file's own loopback addresses
const TOKEN = 'metrics-token-0123456789abcdef';
const apps: TestApp[] = [];
const sockets: TestSocket[] = [];
let hook: HttpReceiver | null = null;
let table: NftDropTable | null = null;

afterEach(async () => {
  table?.destroy();
  table = null;
  for (const s of sockets.splice(0)) s.close();
  for (const a of apps.splice(0)) await a.dispose();
  await hook?.stop();
});
afterAll(() => destroyAllNftTables());

async function scrape(t: TestApp, token: string | null = TOKEN): Promise<{ status: number; text: string }> {
  const res = await fetch(`${t.url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

function value(families: ParsedFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.find((x) => x.name === name);
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

describe.skipIf(skip !== null)(`/metrics${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[AL7] needs the bearer token; parsed by a Prometheus text parser, its figures match the API', async () => {
    hook = await new HttpReceiver().start();
    const { units, points } = tinyProvince(OCTET, 3);
    const t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
      metrics: { token: TOKEN },
      alerts: { channels: [{ id: 'ops', kind: 'webhook', url: hook.url }], rules: [{ channel: 'ops' }] },
    });
    apps.push(t);
    expect((await scrape(t, null)).status).toBe(401);
    expect((await scrape(t, 'wrong-token-0123456789abcdef')).status).toBe(401);

    const statuses = async (): Promise<PointStatus[]> =>
      (await api(t, 'GET', '/api/meetings/LIVE/status')).json as PointStatus[];
    await waitFor('every point up', async () => (await statuses()).every((s) => s.state === 'up'), 20_000);
    table = createDropTable({ hook: 'input' });
    table.add(`127.${OCTET}.1.2`);
    await waitFor('C2 down', async () => (await statuses()).find((s) => s.code === 'C2')?.state === 'down', 20_000);
    await waitFor('the outage alert sent', () => hook!.requests.length === 1, 10_000);
    for (let i = 0; i < 2; i++) {
      const s = connectSocket(t.url, t.cookie);
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
    }
    const first = parsePrometheusTextFormat((await scrape(t)).text);
    // A second later the results have grown (the monitor reports once a second).
    await new Promise((r) => setTimeout(r, 2_500));
    const res = await scrape(t);
    expect(res.status).toBe(200);
    const families = parsePrometheusTextFormat(res.text);
    const [now, outages, deliveries] = await Promise.all([
      statuses(),
      api(t, 'GET', '/api/outages?meeting=LIVE').then((r) => r.json as Outage[]),
      api(t, 'GET', '/api/alerts/deliveries').then((r) => r.json.deliveries as DeliveryView[]),
    ]);

    for (const state of ['up', 'degraded', 'severe', 'down', 'unknown']) {
      expect
        .soft(value(families, 'diemcau_points', { meeting: 'LIVE', state }), state)
        .toBe(now.filter((s) => s.state === state).length);
    }
    expect(value(families, 'diemcau_points', { meeting: 'LIVE', state: 'down' })).toBe(1);
    const open = outages.filter((o) => o.endedAt === null);
    expect(value(families, 'diemcau_open_outages', { type: 'down' })).toBe(
      open.filter((o) => o.type === 'down').length,
    );
    expect(value(families, 'diemcau_open_outages', { type: 'down' })).toBe(1);
    expect(value(families, 'diemcau_open_incidents')).toBe(open.length);
    expect(value(families, 'diemcau_dashboards_connected')).toBe(2);
    expect(value(families, 'diemcau_alerts_sent_total', { channel: 'ops', kind: 'webhook' })).toBe(
      deliveries.filter((d) => d.status === 'sent').length,
    );
    expect(value(families, 'diemcau_alert_deliveries', { channel: 'ops', status: 'sent' })).toBe(1);
    expect(value(families, 'diemcau_alerts_failed_total', { channel: 'ops', kind: 'webhook', outcome: 'retry' })).toBe(
      0,
    );
    expect(value(families, 'diemcau_storage_pending_writes')).toBe(0);
    expect(value(families, 'diemcau_storage_ok')).toBe(1);

    const replies = value(families, 'diemcau_probe_results_total', { kind: 'icmp', result: 'reply' })!;
    const lost = value(families, 'diemcau_probe_results_total', { kind: 'icmp', result: 'lost' })!;
    expect(replies).toBeGreaterThan(
      value(first, 'diemcau_probe_results_total', { kind: 'icmp', result: 'reply' }) ?? 0,
    );
    expect(lost).toBeGreaterThanOrEqual(3); // the cut point's three lost probes at least
    expect(value(families, 'diemcau_result_lag_seconds_total')).toBeGreaterThanOrEqual(0);
    for (const process of ['server', 'monitor']) {
      expect
        .soft(value(families, 'diemcau_event_loop_delay_seconds', { process, quantile: '0.99' }), process)
        .toBeGreaterThan(0);
    }
    expect(families.find((f) => f.name === 'diemcau_probe_results_total')?.type).toBe('COUNTER');
    expect(families.find((f) => f.name === 'diemcau_points')?.type).toBe('GAUGE');
    expect(
      Math.abs(value(families, 'diemcau_monitor_last_report_timestamp_seconds')! - Date.now() / 1000),
    ).toBeLessThan(5);
  }, 90_000);
});
