// A channel that is down: its deliveries are retried with growing waits (exponential backoff with
// jitter, capped), the delivery log says so attempt by attempt, the other channels are not held up,
// and a restart of the server loses no pending delivery. Real receivers on loopback, a real SQLite file.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig, DeliveryView } from '../../../shared/alerts';
import type { Incident } from '../../../server/alerts/incident';
import { api, startTestApp, waitFor, type TestApp } from '../../helpers/app';
import { HttpReceiver } from '../../helpers/receivers';
import { TelegramSimulator } from '../../helpers/telegram-sim';

const TOKEN = '987654321:AAretry-token-5ca1ab1e';
const apps: TestApp[] = [];
const receivers: { stop(): Promise<void> }[] = [];

afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
  for (const r of receivers.splice(0)) await r.stop();
});

function incident(id: string, at = Date.now()): Incident {
  return {
    id,
    kind: 'open',
    severity: 'critical',
    type: 'down',
    at,
    start: at - 3000,
    end: null,
    meeting: null,
    phase: null,
    outages: [],
    points: [{ code: 'C1', name: 'Điểm cầu xã Một', unit: { id: 'C1', name: 'Xã Một' }, contacts: [] }],
    text: 'Điểm cầu xã Một: mất kết nối',
  };
}

/** Writes an incident as the monitor's process does, and tells the dispatcher. */
async function raise(t: TestApp, i: Incident): Promise<void> {
  await t.store.alerts.addIncident(i);
  t.app.alerts.poke();
}

async function deliveries(t: TestApp, channel: string): Promise<DeliveryView[]> {
  const r = await api(t, 'GET', `/api/alerts/deliveries?channel=${channel}`);
  expect(r.status).toBe(200);
  return r.json.deliveries as DeliveryView[];
}

describe('alert delivery when a channel is down', () => {
  it('[AL3][AL4] a stopped receiver gets retries with growing waits, the log says so, another channel is not held up, and it gets the alert once back', async () => {
    const hook = await new HttpReceiver().start();
    await hook.stop(); // its port is known, nothing listens: connections are refused
    const tg = new TelegramSimulator(TOKEN);
    await tg.start();
    receivers.push(hook, tg);
    const alerts: AlertsConfig = {
      channels: [
        {
          id: 'ops',
          kind: 'webhook',
          url: `${hook.url}/hook`,
          retry: { maxAttempts: 20, baseMs: 300, maxMs: 2_500 },
          timeoutMs: 1_000,
        },
        { id: 'tg', kind: 'telegram', chatId: '42', apiBase: tg.apiBase, secretEnv: 'TG' },
      ],
      rules: [{ channel: 'ops' }, { channel: 'tg' }],
    };
    const t = await startTestApp({ alerts, alertsEnv: { TG: TOKEN }, alertsPollMs: 200 });
    apps.push(t);

    await raise(t, incident('i-1'));
    // The healthy channel has its message while the dead one is still failing.
    await waitFor('telegram delivered', () => tg.messages.length === 1, 5_000);
    const [early] = await deliveries(t, 'ops');
    expect(early!.status).toBe('pending');

    const failing = await waitFor(
      'four failed attempts',
      async () => {
        const [d] = await deliveries(t, 'ops');
        return d && d.attempts >= 4 ? d : undefined;
      },
      20_000,
    );
    expect(failing.status).toBe('pending');
    expect(failing.lastError).toMatch(/ECONNREFUSED/);
    expect(failing.nextAt).not.toBeNull();
    expect(failing.history.every((a) => !a.ok && /ECONNREFUSED/.test(a.error ?? ''))).toBe(true);
    // Waits of at least base·2^(n−1)·0.8 between attempts: they grow.
    const at = failing.history.map((a) => Date.parse(a.at));
    for (let n = 1; n < Math.min(at.length, 4); n++) {
      expect(at[n]! - at[n - 1]!).toBeGreaterThanOrEqual(Math.floor(300 * 2 ** (n - 1) * 0.8) - 5);
    }
    expect(at[3]! - at[2]!).toBeGreaterThan(at[1]! - at[0]!);

    // The receiver comes back on the same port: the alert arrives, once.
    await hook.start();
    const sent = await waitFor(
      'webhook delivered after the receiver is back',
      async () => {
        const [d] = await deliveries(t, 'ops');
        return d?.status === 'sent' ? d : undefined;
      },
      15_000,
    );
    expect(hook.requests).toHaveLength(1);
    expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({
      delivery: sent.id,
      attempt: sent.attempts,
      incident: { id: 'i-1' },
    });
    expect(sent.history.at(-1)).toMatchObject({ ok: true, error: null });
    expect(sent.lastError).toBeNull();
    expect(tg.messages).toHaveLength(1);
  }, 60_000);

  it('[AL4] a receiver that refuses the request (4xx) is not retried; one that keeps failing is given up after maxAttempts', async () => {
    const bad = await new HttpReceiver((_r, res) => res.writeHead(400).end('no such hook')).start();
    const busy = await new HttpReceiver((_r, res) => res.writeHead(503).end()).start();
    receivers.push(bad, busy);
    const alerts: AlertsConfig = {
      channels: [
        { id: 'bad', kind: 'webhook', url: bad.url, retry: { maxAttempts: 5, baseMs: 100, maxMs: 200 } },
        { id: 'busy', kind: 'webhook', url: busy.url, retry: { maxAttempts: 3, baseMs: 100, maxMs: 200 } },
      ],
      rules: [{ channel: 'bad' }, { channel: 'busy' }],
    };
    const t = await startTestApp({ alerts, alertsPollMs: 100 });
    apps.push(t);
    await raise(t, incident('i-2'));
    const [b] = await waitFor('bad failed', async () => {
      const d = await deliveries(t, 'bad');
      return d[0]?.status === 'failed' ? d : undefined;
    });
    expect(b).toMatchObject({ attempts: 1, lastError: 'HTTP 400: no such hook', nextAt: null });
    const [g] = await waitFor('busy given up', async () => {
      const d = await deliveries(t, 'busy');
      return d[0]?.status === 'failed' ? d : undefined;
    });
    expect(g).toMatchObject({ attempts: 3, lastError: 'HTTP 503', nextAt: null });
    expect(busy.requests).toHaveLength(3);
    expect(bad.requests).toHaveLength(1);
  }, 30_000);

  it('[AL2] a delivery pending when the server stops is sent after it starts again (the outbox is on disk)', async () => {
    const hook = await new HttpReceiver().start();
    await hook.stop();
    receivers.push(hook);
    const alerts: AlertsConfig = {
      channels: [{ id: 'ops', kind: 'webhook', url: hook.url, retry: { baseMs: 200, maxMs: 400 }, timeoutMs: 1_000 }],
      rules: [{ channel: 'ops' }],
    };
    const first = await startTestApp({ alerts, alertsPollMs: 100 });
    apps.push(first);
    await raise(first, incident('i-3'));
    await waitFor('a failed attempt', async () => ((await deliveries(first, 'ops'))[0]?.attempts ?? 0) >= 1);
    await first.stop();

    await hook.start();
    const second = await startTestApp({ alerts, alertsPollMs: 100, dir: first.dir });
    apps.push(second);
    const [d] = await waitFor('sent after the restart', async () => {
      const list = await deliveries(second, 'ops');
      return list[0]?.status === 'sent' ? list : undefined;
    });
    expect(d!.incident).toBe('i-3');
    expect(d!.attempts).toBeGreaterThanOrEqual(2);
    expect(hook.requests).toHaveLength(1);
  }, 30_000);
});
