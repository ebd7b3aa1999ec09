// The schedule is the maintenance window (docs/ALERTS.md "When alerts are sent", AL30–AL33), end to
// end: the real app on a real SQLite file, the real fping engine whose replies from "cut" hosts are
// dropped (as a cut line loses them), the incidents written by the monitor, routed through the gate
// to a real webhook receiver on loopback. A cut outside every meeting window sends nothing; a point
// under planned work sends nothing; a point in an open window sends as before.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig } from '../../../shared/alerts';
import type { MaintenanceView } from '../../../shared/maintenance';
import { toWireInstant } from '../../../shared/time';
import type { EngineFactory } from '../../../server/monitor';
import { createEngine } from '../../../server/probe';
import { dueAt, vnDay } from '../../../server/alerts/digest';
import {
  api,
  JumpClock,
  meetingNow,
  startTestApp,
  tinyProvince,
  userCookie,
  waitFor,
  type TestApp,
} from '../../helpers/app';
import { HttpReceiver } from '../../helpers/receivers';
import { targetHost } from '../../../shared/targets';

const apps: TestApp[] = [];
const receivers: HttpReceiver[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
  for (const r of receivers.splice(0)) await r.stop();
});

/** The real fping engine; replies of hosts in `cut` (changed as the test goes) are dropped. */
export function cuttableEngine(cut: Set<string>): EngineFactory {
  return (o) =>
    createEngine({ ...o, kind: 'fping', onResult: (r) => o.onResult(cut.has(r.host) ? { ...r, rtt: null } : r) });
}

const HOUR = 3_600_000;
const FAST = { idleMs: 400, lineTestMs: 400, liveMs: 400 };

interface HookBody {
  incident: { id: string; kind: string; points: { code: string }[] };
}
const bodies = (r: HttpReceiver): HookBody[] => r.requests.map((q) => JSON.parse(q.body) as HookBody);

/** The opening incidents of point `code` the monitor wrote, once routed. */
async function routedOpenings(t: TestApp, code: string): Promise<string[] | false> {
  if ((await t.store.alerts.unroutedIncidents(100)).length > 0) return false;
  const out: string[] = [];
  for (let n = 1; n < 50; n++) {
    const i = await t.store.alerts.getIncident(`outage-${n}-open`);
    if (i && i.points.some((p) => p.code === code)) out.push(i.id);
  }
  return out.length > 0 ? out : false;
}

async function setup(
  digest = true,
): Promise<{ t: TestApp; hook: HttpReceiver; cut: Set<string>; host: (c: string) => string; clock: JumpClock }> {
  const hook = await new HttpReceiver().start();
  receivers.push(hook);
  const { units, points } = tinyProvince(91, 3);
  // The app's clock at noon (Vietnam time), running: the digest hour (07:00) is well away.
  const clock = new JumpClock();
  clock.offset = dueAt(vnDay(Date.now() + 24 * HOUR), '12:00') - Date.now();
  // Only C1 takes part in a meeting whose live window is open now; C2 and C3 are in none.
  const live = meetingNow('hop-sang', 'live', { levels: [], points: ['C1', 'C3'] }, clock.now());
  const later = meetingNow('hop-tuan-sau', 'live', { levels: [], points: ['C2'] }, clock.now() + 7 * 24 * HOUR);
  const alerts: AlertsConfig = {
    channels: [{ id: 'ops', kind: 'webhook', url: `${hook.url}/hook` }],
    rules: [{ channel: 'ops' }],
    ...(digest ? { digest: { at: '07:00', channels: ['ops'] } } : {}),
  };
  const cut = new Set<string>();
  const t = await startTestApp({
    units,
    points,
    meetings: [live, later],
    alerts,
    alertsPollMs: 100,
    cadence: FAST,
    engine: cuttableEngine(cut),
    clock,
  });
  apps.push(t);
  const host = (code: string) => points.find((p) => p.code === code)!.targets.map(targetHost)[0]!;
  return { t, hook, cut, host, clock };
}

describe('the alert gate: meeting windows and planned work', () => {
  it('[AL31] a cut outside every meeting window sends nothing; one inside the live window sends', async () => {
    const { t, hook, cut, host } = await setup();
    cut.add(host('C2')); // in no open window (its meeting is next week)
    const held = await waitFor('C2 outage routed', async () => await routedOpenings(t, 'C2'), 20_000);
    cut.add(host('C1')); // in the open live window
    await waitFor('C1 alert delivered', () => bodies(hook).some((b) => b.incident.points[0]?.code === 'C1'), 20_000);
    // C2's opening was routed before C1's; nothing of it reached the receiver.
    expect(bodies(hook).filter((b) => b.incident.points.some((p) => p.code === 'C2'))).toEqual([]);
    const gated = await t.store.maintenance.pendingDigest(Number.MAX_SAFE_INTEGER);
    expect(gated.map((g) => [g.incident, g.action])).toEqual([[held[0], 'digest']]);
    expect((await t.store.alerts.listDeliveries({ limit: 100 })).map((d) => d.incident)).not.toContain(held[0]);
  });

  it('[AL31] without a digest configured, a cut outside every meeting window is sent at once (nothing held)', async () => {
    const { t, hook, cut, host } = await setup(false);
    cut.add(host('C2'));
    await waitFor('C2 alert delivered', () => bodies(hook).some((b) => b.incident.points[0]?.code === 'C2'), 20_000);
    expect(await t.store.maintenance.pendingDigest(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it("[AL31][AL34] a cut outside every meeting window sends nothing, then appears in the next morning's digest, once", async () => {
    const hook = await new HttpReceiver().start();
    receivers.push(hook);
    const { units, points } = tinyProvince(92, 2);
    // The app's clock: tomorrow at 12:00 (Vietnam time) and running, so that the digest hour
    // (07:00) has passed for that day and the next one is the day after, whatever the real hour.
    const clock = new JumpClock();
    clock.offset = dueAt(vnDay(Date.now() + 24 * HOUR), '12:00') - Date.now();
    const later = meetingNow('hop-tuan-sau', 'live', { levels: [], points: ['C2'] }, clock.now() + 7 * 24 * HOUR);
    const cut = new Set<string>();
    const t = await startTestApp({
      units,
      points,
      meetings: [later],
      alerts: {
        channels: [{ id: 'ops', kind: 'webhook', url: `${hook.url}/hook` }],
        rules: [{ channel: 'ops' }],
        digest: { at: '07:00', channels: ['ops'] },
      },
      alertsPollMs: 100,
      cadence: FAST,
      engine: cuttableEngine(cut),
      clock,
    });
    apps.push(t);
    const host = points.find((p) => p.code === 'C2')!.targets.map(targetHost)[0]!;
    cut.add(host);
    const [opened] = await waitFor('C2 outage routed', async () => await routedOpenings(t, 'C2'), 20_000);
    cut.delete(host);
    const recovered = opened!.replace('-open', '-recovered');
    await waitFor(
      'C2 recovery routed',
      async () =>
        (await t.store.alerts.getIncident(recovered)) && (await t.store.alerts.unroutedIncidents(10)).length === 0,
      20_000,
    );
    await t.app.digest!.tick();
    // Nothing was sent: not the outage, not its recovery, no digest before its hour.
    expect(hook.requests).toEqual([]);
    expect((await t.store.maintenance.pendingDigest(Number.MAX_SAFE_INTEGER)).map((g) => g.incident)).toEqual([
      opened,
      recovered,
    ]);

    // The next morning, 07:00:05: the digest job (on the app's clock) sends one message.
    clock.jump(dueAt(vnDay(clock.now() + 24 * HOUR), '07:00') + 5_000 - clock.now());
    await t.app.digest!.tick();
    await waitFor('digest delivered', () => hook.requests.length >= 1, 10_000);
    await t.app.digest!.tick();
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0]!;
    expect(Number(req.headers['x-diemcau-delivery'])).toBeLessThan(0);
    const body = JSON.parse(req.body) as HookBody & { message: { title: string; text: string } };
    expect(body.incident).toMatchObject({ kind: 'digest', severity: 'info', points: [{ code: 'C2' }] });
    expect(body.message.title).toMatch(
      /^\[diemcau\] TỔNG HỢP SỰ CỐ NGOÀI GIỜ HỌP đến 07:00:0\d \d\d\/\d\d\/\d{4}: 1 sự cố$/,
    );
    expect(body.message.text).toContain('• Điểm cầu xã Số 2 (Xã Số 2): mất kết nối ');
    expect(body.message.text).toMatch(/gián đoạn \d+ giây/);
    // Reported once: nothing waits for the next digest.
    expect(await t.store.maintenance.pendingDigest(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('[AL30] a point under planned work sends nothing, while another point of the same meeting does', async () => {
    const { t, hook, cut, host, clock } = await setup();
    const now = clock.now();
    const made = await api(t, 'POST', '/api/maintenance', {
      target: { kind: 'point', id: 'C3' },
      start: toWireInstant(now - HOUR),
      end: toWireInstant(now + 2 * HOUR),
      reason: 'Thay bộ chuyển mạch tại xã',
    });
    expect(made.status).toBe(201);
    const entry = made.json.entry as MaintenanceView;
    expect(entry).toMatchObject({
      target: { kind: 'point', id: 'C3' },
      targetName: 'Điểm cầu xã Số 3',
      createdBy: 'admin',
    });
    cut.add(host('C3'));
    const muted = await waitFor('C3 outage routed', async () => await routedOpenings(t, 'C3'), 20_000);
    cut.add(host('C1'));
    await waitFor('C1 alert delivered', () => bodies(hook).some((b) => b.incident.points[0]?.code === 'C1'), 20_000);
    expect(bodies(hook).filter((b) => b.incident.points.some((p) => p.code === 'C3'))).toEqual([]);
    const g = await t.store.maintenance.gatedByOutage((await t.store.alerts.getIncident(muted[0]!))!.outages);
    expect(g).toMatchObject({ incident: muted[0], action: 'muted', maintenance: entry.id });
    // Muted is not held for the digest.
    expect(await t.store.maintenance.pendingDigest(Number.MAX_SAFE_INTEGER)).toEqual([]);
    // The line comes back: the recovery follows the opening, muted too.
    cut.delete(host('C3'));
    await waitFor(
      'C3 recovery routed',
      async () =>
        (await t.store.alerts.getIncident(muted[0]!.replace('-open', '-recovered'))) &&
        (await t.store.alerts.unroutedIncidents(10)).length === 0,
      20_000,
    );
    expect(bodies(hook).filter((b) => b.incident.points.some((p) => p.code === 'C3'))).toEqual([]);
  });

  it('[AL33] maintenance entries: admins create, change and delete them; bad input is refused whole, viewers only read', async () => {
    const { t } = await setup();
    const now = Date.now();
    const base = {
      target: { kind: 'unit', id: 'D1' },
      start: toWireInstant(now),
      end: toWireInstant(now + HOUR),
      reason: 'Nâng cấp đường truyền huyện',
    };
    const bad = await api(t, 'POST', '/api/maintenance', { ...base, end: toWireInstant(now - HOUR) });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields).toEqual({ end: 'kết thúc phải sau bắt đầu' });
    const unknown = await api(t, 'POST', '/api/maintenance', { ...base, target: { kind: 'unit', id: 'KHONG-CO' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.fields).toEqual({ 'target.id': 'không có đơn vị “KHONG-CO”' });
    expect((await api(t, 'GET', '/api/maintenance')).json.entries).toEqual([]);

    const made = await api(t, 'POST', '/api/maintenance', base);
    expect(made.status).toBe(201);
    const id = (made.json.entry as MaintenanceView).id;
    const changed = await api(t, 'PUT', `/api/maintenance/${id}`, { ...base, reason: 'Đổi lịch' });
    expect(changed.json.entry).toMatchObject({ id, reason: 'Đổi lịch', targetName: 'Huyện Một' });

    const viewer = await userCookie(t, 'xem', 'viewer');
    const list = await api(t, 'GET', '/api/maintenance', undefined, viewer);
    expect(list.status).toBe(200);
    expect((list.json.entries as MaintenanceView[]).map((e) => e.id)).toEqual([id]);
    expect((await api(t, 'DELETE', `/api/maintenance/${id}`, undefined, viewer)).status).toBe(403);
    expect((await api(t, 'DELETE', `/api/maintenance/${id}`)).status).toBe(204);
    expect((await api(t, 'DELETE', `/api/maintenance/${id}`)).status).toBe(404);
    expect((await api(t, 'GET', '/api/maintenance')).json.entries).toEqual([]);
  });
});
