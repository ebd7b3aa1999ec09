// One incident per real problem, end to end (docs/SPEC.md AL10–AL13): real network faults (an nftables
// table of the test's own drops loopback addresses), the monitor in a process of its own running the
// incident engine, the server delivering to a real HTTP receiver (webhook), a real SMTP server
// (smtp-server) and the Telegram Bot API simulator (its request shape, from the published reference).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig } from '../../../shared/alerts';
import { api, meetingNow, startTestApp, waitFor, type TestApp, twoDistrictProvince } from '../../helpers/app';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { HttpReceiver, SmtpReceiver } from '../../helpers/receivers';
import { TelegramSimulator } from '../../helpers/telegram-sim';

const skip = nftSkipReason();
const OCTET = 119; // 127.119.x.y: this file's own addresses
const SMTP_PASS = 'smtp-pass-grouping-3a1f';
const TG_TOKEN = '987654321:AAgrouping-token-5eed';

const apps: TestApp[] = [];
const receivers: { stop(): Promise<void> }[] = [];
let table: NftDropTable | null = null;

afterEach(async () => {
  table?.destroy();
  table = null;
  for (const a of apps.splice(0)) await a.dispose();
  for (const r of receivers.splice(0)) await r.stop();
});
afterAll(() => destroyAllNftTables());

const province = () => twoDistrictProvince(OCTET);

const allUp = async (t: TestApp): Promise<boolean> =>
  ((await api(t, 'GET', '/api/meetings/LIVE/status')).json as { state: string }[]).every((s) => s.state === 'up');

interface Seen {
  incident: string;
  kind: string;
  group: string;
  title: string;
  text: string;
}

describe.skipIf(skip !== null)(`one incident per real problem${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[AL10][AL11][AL12][AL13] a district cut is one message per channel naming its communes and one recovery; a commune cut one; a bouncing line one flapping incident', async () => {
    const hook = await new HttpReceiver().start();
    const smtp = await new SmtpReceiver({ user: 'canhbao', pass: SMTP_PASS }).start();
    const tg = new TelegramSimulator(TG_TOKEN);
    await tg.start();
    receivers.push(hook, smtp, tg);
    const alerts: AlertsConfig = {
      channels: [
        { id: 'ops', kind: 'webhook', url: `${hook.url}/hook` },
        {
          id: 'mail',
          kind: 'email',
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'canhbao' },
          secretEnv: 'DC_GROUPING_SMTP_PASS',
          from: 'diemcau@ttcbth.test',
          to: ['trucban@ttcbth.test'],
        },
        { id: 'tg', kind: 'telegram', chatId: '-100777', apiBase: tg.apiBase, secretEnv: 'DC_GROUPING_TG_TOKEN' },
      ],
      rules: [{ channel: 'ops' }, { channel: 'mail' }, { channel: 'tg' }],
      grouping: { holdMs: 3_000, settleMs: 8_000, flapCount: 3, flapWindowMs: 600_000, flapQuietMs: 10_000 },
    };
    const { units, points, host } = province();
    const t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
      alerts,
      alertsEnv: { DC_GROUPING_SMTP_PASS: SMTP_PASS, DC_GROUPING_TG_TOKEN: TG_TOKEN },
    });
    apps.push(t);
    const states = async (): Promise<Map<string, string>> =>
      new Map(
        ((await api(t, 'GET', '/api/meetings/LIVE/status')).json as { code: string; state: string }[]).map((s) => [
          s.code,
          s.state,
        ]),
      );
    const stateOf = async (code: string): Promise<string | undefined> => (await states()).get(code);
    await waitFor('every point up', async () => [...(await states()).values()].every((s) => s === 'up'), 30_000);

    const seen = (): Seen[] =>
      hook.requests.map((r) => {
        const b = JSON.parse(r.body);
        return {
          incident: b.incident.id,
          kind: b.incident.kind,
          group: b.incident.group?.kind,
          title: b.message.title,
          text: b.message.text,
        };
      });
    const counts = (): number[] => [hook.requests.length, smtp.mails.length, tg.messages.length];
    /** Waits until every channel has n messages, then a little more to see that no other comes. */
    const exactly = async (what: string, n: number): Promise<void> => {
      await waitFor(what, () => counts().every((c) => c >= n), 30_000);
      await new Promise((r) => setTimeout(r, 2_500));
      expect(counts()).toEqual([n, n, n]);
    };
    table = createDropTable({ hook: 'input' });

    // 1. District D1's line: its hub and its three communes at once.
    const d1 = ['D1', 'C1', 'C2', 'C3'];
    for (const c of d1) table.add(host(c));
    await exactly('one message per channel for the district', 1);
    const open = seen()[0]!;
    expect(open).toMatchObject({ kind: 'open', group: 'unit', title: '[diemcau] MẤT KẾT NỐI: Huyện Một (4 điểm cầu)' });
    expect(open.incident).toMatch(/^unit-D1-\d+-open$/);
    for (const n of [1, 2, 3]) {
      expect(open.text).toContain(`Điểm cầu xã Số ${n}`);
      expect(tg.messages[0]!.text).toContain(`Điểm cầu xã Số ${n}`);
    }
    expect(smtp.mails[0]!.raw).toContain(`X-Diemcau-Incident: ${open.incident}`);
    const body = JSON.parse(hook.requests[0]!.body);
    expect(body.incident.points.map((p: { code: string }) => p.code).sort()).toEqual(['C1', 'C2', 'C3', 'D1']);
    expect(body.incident.group.unit).toEqual({ id: 'D1', name: 'Huyện Một' });
    for (const c of d1) table.remove(host(c));
    await exactly('one recovery per channel for the district', 2);
    expect(seen()[1]).toMatchObject({
      kind: 'recovered',
      group: 'unit',
      incident: open.incident.replace(/-open$/, '-recovered'),
      title: '[diemcau] ĐÃ KẾT NỐI LẠI: Huyện Một (4 điểm cầu)',
    });
    expect(smtp.mails[1]!.raw).toContain(`X-Diemcau-Incident: ${seen()[1]!.incident}`);

    // 2. A single commune of D2.
    table.add(host('E1'));
    await exactly('one message per channel for the commune', 3);
    expect(seen()[2]).toMatchObject({ kind: 'open', group: 'point', title: '[diemcau] MẤT KẾT NỐI: Điểm cầu xã E1' });
    expect(seen()[2]!.incident).toMatch(/^outage-\d+-open$/);
    table.remove(host('E1'));
    await exactly('one recovery per channel for the commune', 4);
    expect(seen()[3]).toMatchObject({
      kind: 'recovered',
      group: 'point',
      title: '[diemcau] ĐÃ KẾT NỐI LẠI: Điểm cầu xã E1',
    });

    // 3. E2's line bounces: lost, back, lost… four times, each time as soon as the monitor saw it.
    for (let i = 0; i < 4; i++) {
      table.add(host('E2'));
      await waitFor(`E2 down (${i + 1})`, async () => (await stateOf('E2')) === 'down', 20_000);
      table.remove(host('E2'));
      await waitFor(`E2 up (${i + 1})`, async () => (await stateOf('E2')) === 'up', 20_000);
    }
    // Its first loss, then one flapping incident; the recovery once the line stayed up flapQuietMs.
    await exactly('the recovery of the flapping line', 7);
    const e2 = seen().slice(4);
    expect(e2.map((s) => `${s.kind}:${s.group}`)).toEqual(['open:point', 'open:flapping', 'recovered:flapping']);
    expect(e2[1]!.title).toBe('[diemcau] CHẬP CHỜN LIÊN TỤC: Điểm cầu xã E2');
    expect(e2[1]!.text).toMatch(/Số lần mất kết nối: [34]/);
    expect(tg.messages.filter((m) => m.text.includes('CHẬP CHỜN LIÊN TỤC'))).toHaveLength(1);
    // The outage log still has every loss: the grouping is in what people are told.
    const outages = (await api(t, 'GET', '/api/outages?point=E2')).json as { type: string }[];
    expect(outages.filter((o) => o.type === 'down').length).toBeGreaterThanOrEqual(4);
  }, 240_000);

  it('[AL14] a restart while a district is cut: the unit incident is not sent again, and its recovery is one message', async () => {
    const hook = await new HttpReceiver().start();
    receivers.push(hook);
    const alerts: AlertsConfig = {
      channels: [{ id: 'ops', kind: 'webhook', url: `${hook.url}/hook` }],
      rules: [{ channel: 'ops' }],
      grouping: { holdMs: 3_000, settleMs: 4_000 },
    };
    const { units, points, host } = province();
    const options = {
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
      alerts,
    };
    const first = await startTestApp(options);
    apps.push(first);
    await waitFor('every point up', () => allUp(first), 30_000);
    table = createDropTable({ hook: 'input' });
    const d1 = ['D1', 'C1', 'C2', 'C3'];
    for (const c of d1) table.add(host(c));
    await waitFor('the unit incident', () => hook.requests.length >= 1, 30_000);
    const open = JSON.parse(hook.requests[0]!.body).incident;
    expect(open).toMatchObject({ kind: 'open', group: { kind: 'unit' } });
    await first.stop();
    apps.splice(apps.indexOf(first), 1); // its directory is the second's, disposed with it

    // Same database, new processes; the lines are still cut.
    const second = await startTestApp({ ...options, dir: first.dir });
    apps.push(second);
    await new Promise((r) => setTimeout(r, 8_000));
    expect(hook.requests).toHaveLength(1);
    for (const c of d1) table.remove(host(c));
    await waitFor('the recovery', () => hook.requests.length >= 2, 30_000);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(hook.requests).toHaveLength(2);
    const recovered = JSON.parse(hook.requests[1]!.body).incident;
    expect(recovered).toMatchObject({
      id: open.id.replace(/-open$/, '-recovered'),
      kind: 'recovered',
      group: { kind: 'unit', unit: { id: 'D1' } },
    });
    expect(recovered.points.map((p: { code: string }) => p.code).sort()).toEqual(['C1', 'C2', 'C3', 'D1']);
  }, 180_000);
});
