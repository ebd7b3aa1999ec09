// Routing to people and escalation, end to end on a real server with a real SQLite file: incidents are
// written into the outbox as the monitor's process writes them (an outage row, then its incident), and
// delivered to a real SMTP server (smtp-server) and a simulator of the Telegram Bot API. The people
// come from the inventory's contacts: a point's technician gets the mail at his own address, the
// district's technicians theirs, the centre's group chat its own. Escalation runs on the app's clock,
// moved by the test; the signed link in the mail acknowledges once and opens nothing else.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig, DeliveryView } from '../../../shared/alerts';
import type { Point } from '../../../shared/schemas';
import { outageIncident } from '../../../server/alerts/source';
import { signAckToken } from '../../../server/alerts/ack-link';
import {
  api,
  connectError,
  connectSocket,
  JumpClock,
  meetingNow,
  startTestApp,
  tinyProvince,
  userCookie,
  waitFor,
  type TestApp,
} from '../../helpers/app';
import { displayCookieName } from '../../../server/auth/display-cookie';
import { HttpReceiver, SmtpReceiver, type Mail } from '../../helpers/receivers';
import { TelegramSimulator } from '../../helpers/telegram-sim';

const OCTET = 131;
const TG_TOKEN = '777000111:AAroute-test-token-5e1f';
const SMTP = { user: 'canhbao', pass: 'smtp-pass-route-3c9d' };
const BASE = 'http://giamsat.test';
const MIN = 60_000;

const apps: TestApp[] = [];
const receivers: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
  for (const r of receivers.splice(0)) await r.stop();
});

/** The text body of a mail nodemailer wrote (quoted-printable or base64). */
function body(m: Mail): string {
  const raw = m.raw.replace(/\r\n/g, '\n');
  const split = raw.indexOf('\n\n');
  const head = raw.slice(0, split);
  const rest = raw.slice(split + 2);
  if (/content-transfer-encoding:\s*base64/i.test(head))
    return Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = rest.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return rest;
}

const mailsTo = (smtp: SmtpReceiver, address: string): string[] =>
  smtp.mails.filter((m) => m.to.includes(address)).map(body);

/** The province with contacts that carry addresses: C2's technician, the district's, a leader who is not reached. */
function province(): { units: ReturnType<typeof tinyProvince>['units']; points: Point[] } {
  const { units, points } = tinyProvince(OCTET, 3);
  const byCode = (c: string) => points.find((p) => p.code === c)!;
  byCode('C2').contacts = [
    { name: 'Nguyễn Văn An', role: 'technician', phone: '0913 294 787', email: 'an@xa2.test', telegram: '1002' },
    { name: 'Trần Thị Bình', role: 'leader', phone: '0913 000 111', email: 'binh@xa2.test' },
  ];
  byCode('C1').contacts = [
    { name: 'Lê Văn Cường', role: 'technician', phone: '0914 111 222', email: 'cuong@xa1.test' },
  ];
  byCode('D1').contacts = [
    { name: 'Phạm Thị Dung', role: 'technician', phone: '0915 333 444', email: 'dung@huyen1.test', telegram: '2001' },
  ];
  return { units, points };
}

async function setup(rules: AlertsConfig['rules'], clock?: JumpClock) {
  const smtp = await new SmtpReceiver(SMTP).start();
  const tg = new TelegramSimulator(TG_TOKEN);
  await tg.start();
  const hook = await new HttpReceiver().start();
  receivers.push(smtp, tg, hook);
  const alerts: AlertsConfig = {
    baseUrl: BASE,
    channels: [
      {
        id: 'mail',
        kind: 'email',
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: SMTP.user },
        secretEnv: 'DC_ROUTE_SMTP',
        from: 'diemcau@ttcntt.test',
        to: ['trucban@ttcntt.test'],
        retry: { maxAttempts: 2, baseMs: 50 },
      },
      { id: 'tg', kind: 'telegram', chatId: '-100500', apiBase: tg.apiBase, secretEnv: 'DC_ROUTE_TG' },
      { id: 'hook', kind: 'webhook', url: `${hook.url}/noc`, language: 'en' },
    ],
    rules,
  };
  const { units, points } = province();
  const t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('LIVE', 'live')],
    cadence: { idleMs: 3_600_000, lineTestMs: 3_600_000, liveMs: 3_600_000 },
    alerts,
    alertsEnv: { DC_ROUTE_SMTP: SMTP.pass, DC_ROUTE_TG: TG_TOKEN },
    alertsPollMs: 100,
    clock,
  });
  apps.push(t);
  /** An outage of a point and its incident, as the monitor's process writes them. */
  const outage = async (code: string, type: 'down' | 'severe' = 'down') => {
    const now = (clock ?? Date).now();
    const row = await t.store.openOutage({
      point: code,
      meeting: 'LIVE',
      type,
      phase: 'live',
      startedAt: now - 20_000,
      detectedAt: now,
    });
    const incident = outageIncident({ kind: 'opened', row } as Parameters<typeof outageIncident>[0], t.app.inventory);
    expect(await t.store.alerts.addIncident(incident)).toBe(true);
    t.app.alerts.poke();
    return { row, incident };
  };
  const recover = async (row: Awaited<ReturnType<typeof outage>>['row']) => {
    const end = (clock ?? Date).now();
    await t.store.closeOutage(row.id, end);
    const incident = outageIncident(
      { kind: 'closed', row: { ...row, endedAt: end } } as Parameters<typeof outageIncident>[0],
      t.app.inventory,
    );
    expect(await t.store.alerts.addIncident(incident)).toBe(true);
    t.app.alerts.poke();
    return incident;
  };
  const deliveries = async (): Promise<DeliveryView[]> =>
    ((await api(t, 'GET', '/api/alerts/deliveries')).json as { deliveries: DeliveryView[] }).deliveries;
  return { t, smtp, tg, hook, outage, recover, deliveries };
}

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const linkIn = (text: string): string => {
  const m = /Nhận xử lý[^:\n]*: (http:\/\/giamsat\.test\/ack\/\S+)/.exec(text);
  if (!m) throw new Error(`no acknowledgement link in:\n${text}`);
  return m[1]!;
};

describe('alert routing from the inventory (AL20–AL22)', () => {
  it('[AL20][AL21][AL22] a point’s technician, its district’s technicians and the centre’s chat each get their own message; filters by severity, meeting and unit', async () => {
    const { smtp, tg, outage, deliveries } = await setup([
      { channel: 'mail', to: 'point' },
      { channel: 'mail', to: 'district' },
      { channel: 'tg', severities: ['critical'] },
      { channel: 'mail', units: ['C3'] },
      { channel: 'tg', to: 'point', meetings: ['OTHER'] },
      { channel: 'tg', to: 'district', severities: ['warning'] },
    ]);
    await outage('C2');
    await waitFor('the three messages of C2', () => smtp.mails.length >= 2 && tg.messages.length >= 1, 15_000);
    await settle();
    // Exactly: An (C2's technician) and Dung (the district's), each at his or her own address, one mail each.
    expect(smtp.mails.map((m) => m.to)).toEqual(expect.arrayContaining([['an@xa2.test'], ['dung@huyen1.test']]));
    expect(smtp.mails).toHaveLength(2);
    // Not the leader, not the other commune's technician, not the centre's mailbox (its rule is for C3).
    for (const nobody of ['binh@xa2.test', 'cuong@xa1.test', 'trucban@ttcntt.test'])
      expect(mailsTo(smtp, nobody)).toEqual([]);
    // The centre's group chat, its own chat id; the `to: point` rule of another meeting reached no one.
    expect(tg.messages.map((m) => String(m.chat_id))).toEqual(['-100500']);
    // In Vietnamese, with the point's name, unit, phone number, detail link and the acknowledgement link.
    const an = mailsTo(smtp, 'an@xa2.test')[0]!;
    expect(an).toContain('Hội nghị: Hội nghị LIVE (đang họp)');
    expect(an).toContain('Đơn vị: Xã Số 2');
    expect(an).toContain('Nguyễn Văn An (cán bộ kỹ thuật) 0913 294 787');
    expect(an).toContain(`Chi tiết: ${BASE}/#point=C2`);
    expect(linkIn(an)).toMatch(/^http:\/\/giamsat\.test\/ack\/a1\.\d+\./);
    expect(tg.messages[0]!.text).toContain('MẤT KẾT NỐI: Điểm cầu xã Số 2');
    // The delivery log names whom each went to.
    const log = await deliveries();
    expect(log.map((d) => [d.channel, d.recipient?.address ?? null, d.status]).sort()).toEqual(
      [
        ['mail', 'an@xa2.test', 'sent'],
        ['mail', 'dung@huyen1.test', 'sent'],
        ['tg', null, 'sent'],
      ].sort(),
    );
    expect(log.find((d) => d.recipient?.address === 'an@xa2.test')!.recipient!.name).toBe('Nguyễn Văn An');

    // A warning on C3: no Telegram (critical only); the centre's mailbox (its unit rule) and the district's technician.
    // C3's technician has no e-mail address in the inventory: nobody to reach there.
    const before = smtp.mails.length;
    await outage('C3', 'severe');
    await waitFor('C3’s mails', () => smtp.mails.length >= before + 2, 15_000);
    await settle();
    const fresh = smtp.mails.slice(before);
    expect(fresh.map((m) => m.to[0]).sort()).toEqual(['dung@huyen1.test', 'trucban@ttcntt.test']);
    expect(body(fresh[0]!)).toContain('Đơn vị: Xã Số 3');
    // On Telegram: not the centre's chat (critical only) but Dung's own chat, by the warning rule.
    await waitFor('Dung’s Telegram message', () => tg.messages.length >= 2, 15_000);
    await settle();
    expect(tg.messages.map((m) => String(m.chat_id))).toEqual(['-100500', '2001']);
    expect(tg.messages[1]!.text).toContain('CHẬP CHỜN NẶNG: Điểm cầu xã Số 3');
  });

  it('[AL20] the inventory refuses a bad contact address and a webhook rule that would reach people', async () => {
    const { t } = await setup([{ channel: 'mail' }]);
    const res = await api(t, 'PUT', '/api/points/C1', {
      code: 'C1',
      name: 'Điểm cầu xã Số 1',
      level: 'commune',
      unit: 'C1',
      targets: [{ kind: 'icmp', host: `127.${OCTET}.1.1`, role: 'primary' }],
      contacts: [{ name: 'Lê Văn Cường', role: 'technician', email: 'not an address' }],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('email');
    const { AlertsConfig } = await import('../../../shared/alerts');
    const parsed = AlertsConfig.safeParse({
      channels: [{ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/h' }],
      rules: [{ channel: 'hook', to: 'point' }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['rules', 0, 'to']);
  });
});

describe('escalation and acknowledgement (AL23–AL25)', () => {
  it('[AL23][AL24][AL25] escalates on the clock, the signed link stops it once, the others hear who took it, and the link opens nothing else', async () => {
    const clock = new JumpClock();
    const { t, smtp, tg, hook, outage, deliveries } = await setup(
      [
        { channel: 'mail', to: 'point' },
        { channel: 'hook' },
        { channel: 'mail', to: 'district', escalateAfterMinutes: 10 },
        { channel: 'tg', escalateAfterMinutes: 20 },
      ],
      clock,
    );
    const { row, incident } = await outage('C2');
    await waitFor(
      'An’s mail and the NOC’s webhook',
      () => mailsTo(smtp, 'an@xa2.test').length === 1 && hook.requests.length === 1,
      15_000,
    );
    await settle();
    expect(smtp.mails).toHaveLength(1);
    // The webhook carries the link of its own delivery.
    const hooked = JSON.parse(hook.requests[0]!.body) as {
      delivery: number;
      ackUrl: string;
      incident: { ack: unknown };
    };
    expect(hooked.ackUrl).toMatch(new RegExp(`^http://giamsat\\.test/ack/a1\\.${hooked.delivery}\\.`));
    expect(hooked.incident.ack).toBeNull();
    // Its page is in the channel's language and, the message having gone to no one person, asks for a name.
    const hookLink = hooked.ackUrl.replace(BASE, t.url);
    const hookPage = await (await fetch(hookLink)).text();
    expect(hookPage).toContain('<h1>Take this incident</h1>');
    expect(hookPage).toContain('name="by"');
    const nameless = await fetch(hookLink, { method: 'POST' });
    expect(nameless.status).toBe(400);
    expect(await nameless.text()).toContain('Name missing');
    expect(await t.store.alerts.getAck(incident.id)).toBeUndefined();
    clock.jump(9 * MIN);
    await settle();
    expect(mailsTo(smtp, 'dung@huyen1.test')).toEqual([]);
    clock.jump(2 * MIN); // 11 min: the district's level is due
    await waitFor('the district’s escalation', () => mailsTo(smtp, 'dung@huyen1.test').length === 1, 15_000);
    expect(tg.messages).toHaveLength(0);
    expect((await deliveries()).find((d) => d.recipient?.address === 'dung@huyen1.test')!.level).toBe(1);

    // An opens his link: the page shows the incident and a button, and changes nothing (link previews).
    const link = linkIn(mailsTo(smtp, 'an@xa2.test')[0]!).replace(BASE, t.url);
    const token = link.slice(link.lastIndexOf('/') + 1);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    const page = await shown.text();
    expect(page).toContain('Tôi nhận xử lý');
    expect(page).toContain('Nguyễn Văn An');
    expect(await t.store.alerts.getAck(incident.id)).toBeUndefined();

    // Every other route refuses the token: as the session cookie, the display cookie, a bearer token, a
    // query parameter; as a wall screen's sign-in; on the socket's handshake.
    const session = t.cookie.split('=')[0]!;
    const display = displayCookieName(false);
    for (const path of ['/api/meetings', '/api/alerts/deliveries', '/api/auth/me', '/api/display/me']) {
      for (const cookie of [`${session}=${token}`, `${display}=${token}`])
        expect((await fetch(`${t.url}${path}`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      expect((await fetch(`${t.url}${path}?token=${token}`)).status).toBe(401);
    }
    const signIn = await api(t, 'POST', '/api/display/session', { token }, null);
    expect(signIn.status).toBe(401);
    const socket = connectSocket(t.url, `${session}=${token}`);
    expect((await connectError(socket)).message).toMatch(/unauthori[sz]ed|đăng nhập/i);
    socket.close();
    // A forged token (another delivery under the same signature) is no link.
    const [, id, sig] = token.split('.');
    const forged = await fetch(`${t.url}/ack/a1.${Number(id) + 1}.${sig}`, { method: 'POST' });
    expect(forged.status).toBe(404);
    expect(await t.store.alerts.getAck(incident.id)).toBeUndefined();

    // He takes it.
    const took = await fetch(link, { method: 'POST' });
    expect(took.status).toBe(200);
    expect(await took.text()).toContain('Nguyễn Văn An</b> đã nhận xử lý');
    expect(await t.store.alerts.getAck(incident.id)).toMatchObject({ by: 'Nguyễn Văn An', via: 'link' });
    // The dashboards see the outage acknowledged in his name.
    const note = (await api(t, 'GET', `/api/outages/${row.id}/note`)).json as { note: Record<string, unknown> };
    expect(note.note).toMatchObject({ acknowledgedBy: 'alert-link', acknowledgedByName: 'Nguyễn Văn An', cause: null });

    // The others (Dung, who was sent the escalation) hear who took it; An himself is not told.
    await waitFor('the notice to Dung', () => mailsTo(smtp, 'dung@huyen1.test').length === 2, 15_000);
    const notice = mailsTo(smtp, 'dung@huyen1.test')[1]!;
    expect(notice).toMatch(/Nguyễn Văn An đã nhận xử lý lúc \d{2}:\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    expect(notice).not.toContain('/ack/');
    expect(mailsTo(smtp, 'an@xa2.test')).toHaveLength(1);
    await waitFor('the notice to the NOC', () => hook.requests.length === 2, 15_000);
    const told = JSON.parse(hook.requests[1]!.body) as { ackUrl: unknown; incident: Record<string, unknown> };
    expect(told.incident).toMatchObject({ kind: 'ack', ack: { of: incident.id, by: 'Nguyễn Văn An', via: 'link' } });
    expect(told.ackUrl).toBeNull();

    // The escalation to the centre's chat is cancelled: past its 20 minutes, nothing is sent.
    clock.jump(30 * MIN);
    await settle(1000);
    expect(tg.messages).toHaveLength(0);
    expect((await deliveries()).find((d) => d.channel === 'tg')!.status).toBe('cancelled');

    // The link cannot be used again, nor can Dung's link of the same incident.
    const again = await fetch(link, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('đã được <b>Nguyễn Văn An</b> nhận xử lý');
    const dungLink = linkIn(mailsTo(smtp, 'dung@huyen1.test')[0]!).replace(BASE, t.url);
    expect((await fetch(dungLink, { method: 'POST' })).status).toBe(410);
    expect((await fetch(dungLink)).status).toBe(410);
    expect(await t.store.alerts.getAck(incident.id)).toMatchObject({ by: 'Nguyễn Văn An' });
    // A token signed with another key is refused.
    const other = signAckToken(Buffer.alloc(32, 7), Number(id));
    expect((await fetch(`${t.url}/ack/${other}`)).status).toBe(404);
  });

  it('[AL24][AL25] acknowledging the outage on the dashboard stops the escalation and tells those who were sent it', async () => {
    const clock = new JumpClock();
    const { t, smtp, tg, outage } = await setup(
      [
        { channel: 'mail', to: 'point' },
        { channel: 'tg', to: 'channel' },
        { channel: 'mail', to: 'district', escalateAfterMinutes: 5 },
      ],
      clock,
    );
    const { row, incident } = await outage('C2');
    await waitFor('An’s mail and the chat', () => smtp.mails.length === 1 && tg.messages.length === 1, 15_000);
    const cookie = await userCookie(t, 'kythuat1', 'technician');
    const res = await api(t, 'PUT', `/api/outages/${row.id}/note`, { cause: null, note: 'đang xử lý' }, cookie);
    expect(res.status).toBe(200);
    expect(await t.store.alerts.getAck(incident.id)).toMatchObject({
      by: 'kythuat1',
      via: 'dashboard',
      delivery: null,
    });
    await waitFor('the notices', () => smtp.mails.length === 2 && tg.messages.length === 2, 15_000);
    expect(body(smtp.mails[1]!)).toContain('kythuat1 đã nhận xử lý');
    expect(tg.messages[1]!.text).toContain('ĐÃ CÓ NGƯỜI NHẬN XỬ LÝ');
    clock.jump(10 * MIN);
    await settle(1000);
    expect(mailsTo(smtp, 'dung@huyen1.test')).toEqual([]);
    // An's link now only says who took it.
    const link = linkIn(body(smtp.mails[0]!)).replace(BASE, t.url);
    const late = await fetch(link, { method: 'POST' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('kythuat1');
  });

  it('[AL23] a recovery before the escalation cancels it; a recovery after it reaches those the escalation reached', async () => {
    const clock = new JumpClock();
    const { smtp, outage, recover, deliveries } = await setup(
      [
        { channel: 'mail', to: 'point' },
        { channel: 'mail', to: 'district', escalateAfterMinutes: 5 },
      ],
      clock,
    );
    const a = await outage('C2');
    const b = await outage('C1');
    await waitFor('An’s and Cường’s mails', () => smtp.mails.length === 2, 15_000);
    clock.jump(2 * MIN);
    await recover(a.row);
    await waitFor('An’s recovery mail', () => mailsTo(smtp, 'an@xa2.test').length === 2, 15_000);
    expect(mailsTo(smtp, 'an@xa2.test')[1]).toContain('Kết thúc:');
    clock.jump(4 * MIN); // 6 min: C1's escalation is due, C2's was cancelled
    await waitFor('the district hears of C1', () => mailsTo(smtp, 'dung@huyen1.test').length === 1, 15_000);
    await settle(1000);
    expect(mailsTo(smtp, 'dung@huyen1.test')[0]).toContain('Đơn vị: Xã Số 1');
    const cancelled = (await deliveries()).filter((d) => d.status === 'cancelled');
    expect(cancelled.map((d) => [d.incident, d.recipient?.address])).toEqual([[a.incident.id, 'dung@huyen1.test']]);
    // C1 recovers: Cường (immediate) and Dung (whom the escalation reached) both hear it.
    await recover(b.row);
    await waitFor(
      'C1’s recovery to both',
      () => mailsTo(smtp, 'dung@huyen1.test').length === 2 && mailsTo(smtp, 'cuong@xa1.test').length === 2,
      15_000,
    );
    expect(mailsTo(smtp, 'dung@huyen1.test')[1]).toContain('Kết thúc:');
    await settle();
    expect(smtp.mails).toHaveLength(6);
  });
});
