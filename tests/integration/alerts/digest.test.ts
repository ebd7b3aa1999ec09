// The daily digest job against a real webhook receiver that first fails (503) then accepts, on a real
// SQLite file, with an injected clock: retried at its time, sent once, never again after a restart of
// the job; a day with nothing held sends nothing (AL34).
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildChannels } from '../../../server/alerts/channels';
import { DailyDigest, dueAt } from '../../../server/alerts/digest';
import type { Incident } from '../../../server/alerts/incident';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { Store } from '../../../server/store/types';
import { HttpReceiver } from '../../helpers/receivers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

const DAY = '2026-12-03';
const T = Date.parse('2026-12-02T22:10:05+07:00');

function held(store: Store, n: number): void {
  const i: Incident = {
    id: `outage-${n}-open`,
    kind: 'open',
    severity: 'critical',
    type: 'down',
    at: T + n,
    start: T,
    end: null,
    meeting: null,
    phase: null,
    outages: [n],
    points: [{ code: 'C2', name: 'Điểm cầu xã Hai', unit: { id: 'C2', name: 'Xã Hai' }, contacts: [] }],
    text: '',
  };
  store.alerts.addIncident(i);
  store.alerts.routeIncident(i.id, T + n, []);
  store.maintenance.addGated({ incident: i.id, action: 'digest', maintenance: null, at: T + n, outages: [n] });
}

async function setup(status: number[]) {
  const dir = mkdtempSync(join(tmpdir(), 'dc-digest-'));
  const store = openSqliteStore(join(dir, 'db.sqlite'));
  let n = 0;
  const hook = await new HttpReceiver((_r, res) => {
    res.statusCode = status[Math.min(n++, status.length - 1)]!;
    res.end();
  }).start();
  cleanups.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
    () => hook.stop(),
  );
  const channels = buildChannels({ channels: [{ id: 'ops', kind: 'webhook', url: `${hook.url}/hook` }], rules: [] });
  const clock = { t: dueAt(DAY, '07:00') - 60_000, now: () => clock.t };
  const job = () =>
    new DailyDigest({
      config: { at: '07:00', channels: ['ops'] },
      store: asyncStore(store).maintenance,
      incidents: asyncStore(store).alerts,
      channel: (id) => channels.find((c) => c.channel.config.id === id),
      clock,
      logger: pino({ level: 'silent' }),
      retryMs: 60_000,
    });
  return { store, hook, clock, job };
}

describe('daily digest job', () => {
  it('[AL34] waits for its hour, retries a failing receiver at its time, sends once, and not again after a restart', async () => {
    const { store, hook, clock, job } = await setup([503, 200]);
    held(asyncStore(store), 1);
    const a = job();
    await a.tick(); // 06:59: not yet
    expect(hook.requests).toHaveLength(0);
    clock.t = dueAt(DAY, '07:00') + 1000;
    await a.tick();
    expect(hook.requests).toHaveLength(1); // 503
    expect(store.maintenance.digestSends(DAY)).toMatchObject([{ channel: 'ops', attempts: 1, sentAt: null }]);
    expect(store.maintenance.digestSends(DAY)[0]!.lastError).toContain('503');
    await a.tick(); // before its retry time
    expect(hook.requests).toHaveLength(1);
    clock.t += 61_000;
    await a.tick();
    expect(hook.requests).toHaveLength(2);
    expect(store.maintenance.digestSends(DAY)).toMatchObject([{ attempts: 2, sentAt: clock.t, nextAt: null }]);
    // The same message both times (composed once), the same delivery number.
    const [first, second] = hook.requests.map((r) => JSON.parse(r.body) as { delivery: number; message: unknown });
    expect(second!.delivery).toBe(first!.delivery);
    expect(second!.message).toEqual(first!.message);
    // An incident held after the digest waits for the next day's; a restarted job sends nothing more today.
    held(asyncStore(store), 2);
    clock.t += 3_600_000;
    await job().tick();
    expect(hook.requests).toHaveLength(2);
    expect(store.maintenance.pendingDigest(clock.t + 1).map((g) => g.incident)).toEqual(['outage-2-open']);
  });

  it('[AL34] a day with nothing held sends nothing', async () => {
    const { hook, clock, job } = await setup([200]);
    clock.t = dueAt(DAY, '07:00') + 1000;
    await job().tick();
    expect(hook.requests).toHaveLength(0);
  });
});
