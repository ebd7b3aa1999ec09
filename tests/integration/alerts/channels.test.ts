// An outage opening and ending gives one message per channel each, end to end: a real network fault
// (an nftables table of the test's own drops one loopback address), the monitor in a process of its
// own writing the incidents, the server delivering them to a real HTTP receiver (webhook), a real SMTP
// server (smtp-server), and simulators of the Telegram Bot API and the Zalo OA API (their request
// shapes, from the published references). Secrets reach the receivers and nothing else.
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig, DeliveryView } from '../../../shared/alerts';
import { REDACT_PATHS } from '../../../server/logger';
import { api, meetingNow, startTestApp, tinyProvince, waitFor, type TestApp } from '../../helpers/app';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';
import { HttpReceiver, SmtpReceiver } from '../../helpers/receivers';
import { TelegramSimulator } from '../../helpers/telegram-sim';
import { ZaloSimulator } from '../../helpers/zalo-sim';

const skip = nftSkipReason();
const OCTET = 117; // 127.117.x.y: this file's own addresses
const HOST = `127.${OCTET}.1.2`; // point C2
const SECRETS = {
  DC_TEST_HOOK_SECRET: 'hook-secret-7f3a9c1e55',
  DC_TEST_SMTP_PASS: 'smtp-pass-b61d0e2a93',
  DC_TEST_TG_TOKEN: '123456789:AAtelegram-token-c0ffee42',
  DC_TEST_ZALO_TOKEN: 'zalo-oa-token-d34db33f77',
};

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

function capturedLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return {
    logger: pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink),
    text: () => lines.join(''),
  };
}

describe.skipIf(skip !== null)(`alert channels on a real outage${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('[AL1][AL2] an outage opening and ending gives one message per channel each, in Vietnamese, signed, with the point, unit, phone and link', async () => {
    const hook = await new HttpReceiver().start();
    const smtp = await new SmtpReceiver({ user: 'canhbao', pass: SECRETS.DC_TEST_SMTP_PASS }).start();
    const tg = new TelegramSimulator(SECRETS.DC_TEST_TG_TOKEN);
    await tg.start();
    const zalo = new ZaloSimulator(SECRETS.DC_TEST_ZALO_TOKEN);
    await zalo.start();
    receivers.push(hook, smtp, tg, zalo);

    const alerts: AlertsConfig = {
      baseUrl: 'http://giamsat.test:8080',
      channels: [
        { id: 'ops', kind: 'webhook', url: `${hook.url}/hook`, secretEnv: 'DC_TEST_HOOK_SECRET' },
        {
          id: 'mail',
          kind: 'email',
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'canhbao' },
          secretEnv: 'DC_TEST_SMTP_PASS',
          from: 'diemcau@ttcbth.test',
          to: ['trucban@ttcbth.test', 'kythuat@vienthong.test'],
        },
        { id: 'tg', kind: 'telegram', chatId: '-100200300', apiBase: tg.apiBase, secretEnv: 'DC_TEST_TG_TOKEN' },
        {
          id: 'zalo',
          kind: 'zalo',
          userId: '8421',
          apiBase: zalo.apiBase,
          secretEnv: 'DC_TEST_ZALO_TOKEN',
          language: 'en',
        },
      ],
      rules: [{ channel: 'ops' }, { channel: 'mail' }, { channel: 'tg' }, { channel: 'zalo' }],
    };
    const { units, points } = tinyProvince(OCTET, 3);
    const c2 = points.find((p) => p.code === 'C2')!;
    c2.contacts = [{ name: 'Nguyễn Văn An', role: 'technician', phone: '0913 294 787' }];
    const log = capturedLogger();
    const t = await startTestApp({
      units,
      points,
      meetings: [meetingNow('LIVE', 'live')],
      cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 1_000 },
      monitorProcess: true,
      alerts,
      alertsEnv: { ...SECRETS },
      logger: log.logger,
      requestLog: true,
    });
    apps.push(t);
    const status = async (): Promise<string | undefined> =>
      ((await api(t, 'GET', '/api/meetings/LIVE/status')).json as { code: string; state: string }[]).find(
        (s) => s.code === 'C2',
      )?.state;
    await waitFor('C2 up', async () => (await status()) === 'up', 20_000);

    table = createDropTable({ hook: 'input' });
    table.add(HOST);
    const counts = () => [hook.requests.length, smtp.mails.length, tg.messages.length, zalo.messages.length];
    await waitFor('one message per channel for the opening', () => counts().every((n) => n >= 1), 20_000);
    table.remove(HOST);
    await waitFor('one more per channel for the end', () => counts().every((n) => n >= 2), 20_000);
    // And no more: each incident once per channel.
    await new Promise((r) => setTimeout(r, 1500));
    expect(counts()).toEqual([2, 2, 2, 2]);

    // Webhook: JSON of the documented schema, HMAC-SHA256 of the raw body, timestamp inside the body.
    const [open, recovered] = hook.requests.map((r) => ({ r, body: JSON.parse(r.body) }));
    for (const { r, body } of [open!, recovered!]) {
      const expected = createHmac('sha256', SECRETS.DC_TEST_HOOK_SECRET).update(r.body).digest('hex');
      expect(r.headers['x-diemcau-signature']).toBe(`sha256=${expected}`);
      expect(r.headers['x-diemcau-timestamp']).toBe(String(body.sentAt));
      expect(Math.abs(body.sentAt * 1000 - r.at)).toBeLessThan(5000);
      expect(r.headers['x-diemcau-delivery']).toBe(String(body.delivery));
      expect(body).toMatchObject({ version: 1, channel: 'ops', attempt: 1 });
    }
    expect(open!.body.incident).toMatchObject({
      kind: 'open',
      severity: 'critical',
      type: 'down',
      meeting: { id: 'LIVE', title: 'Hội nghị LIVE' },
      phase: 'live',
      end: null,
      points: [
        {
          code: 'C2',
          name: 'Điểm cầu xã Số 2',
          unit: { id: 'C2', name: 'Xã Số 2' },
          contacts: [{ name: 'Nguyễn Văn An', role: 'technician', phone: '0913 294 787' }],
        },
      ],
    });
    expect(open!.body.incident.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+07:00$/);
    expect(recovered!.body.incident).toMatchObject({ kind: 'recovered', outages: open!.body.incident.outages });
    expect(recovered!.body.incident.end).not.toBeNull();
    const text: string = open!.body.message.text;
    expect(text).toContain('MẤT KẾT NỐI: Điểm cầu xã Số 2');
    expect(text).toContain('Hội nghị: Hội nghị LIVE (đang họp)');
    expect(text).toContain('Đơn vị: Xã Số 2');
    expect(text).toContain('Nguyễn Văn An (cán bộ kỹ thuật) 0913 294 787');
    expect(text).toContain('Chi tiết: http://giamsat.test:8080/#point=C2');
    expect(recovered!.body.message.text).toMatch(/ĐÃ KẾT NỐI LẠI[\s\S]*Gián đoạn: \d+ giây/);

    // E-mail: through the SMTP account, to both recipients, the subject says what happened.
    expect(smtp.mails.map((m) => m.user)).toEqual(['canhbao', 'canhbao']);
    expect(smtp.mails[0]!.to).toEqual(['trucban@ttcbth.test', 'kythuat@vienthong.test']);
    expect(smtp.mails[0]!.raw).toMatch(/Subject: .*diemcau/);
    expect(smtp.mails[0]!.raw).toContain('X-Diemcau-Incident: outage-');
    // Telegram: sendMessage to the configured chat with HTML.
    expect(tg.messages.map((m) => [m.chat_id, m.parse_mode])).toEqual([
      ['-100200300', 'HTML'],
      ['-100200300', 'HTML'],
    ]);
    expect(tg.messages[0]!.text).toContain('<b>[diemcau] MẤT KẾT NỐI: Điểm cầu xã Số 2</b>');
    // Zalo, configured in English.
    expect(zalo.messages[0]).toMatchObject({ userId: '8421' });
    expect(zalo.messages[0]!.text).toContain('[diemcau] DOWN: Điểm cầu xã Số 2');
    expect(zalo.messages[1]!.text).toMatch(/RECOVERED[\s\S]*Outage: \d+ s/);

    // The delivery log: two sent per channel, one attempt each.
    const deliveries = (await api(t, 'GET', '/api/alerts/deliveries')).json.deliveries as DeliveryView[];
    expect(deliveries).toHaveLength(8);
    for (const d of deliveries) expect(d).toMatchObject({ status: 'sent', attempts: 1, lastError: null });

    // [AL5] No secret in the API (channels, log) nor in the server's log; the channel list says where
    // each secret comes from.
    const channels = await api(t, 'GET', '/api/alerts/channels');
    expect(channels.status).toBe(200);
    expect(channels.json.channels[2]).toMatchObject({
      id: 'tg',
      kind: 'telegram',
      secret: { source: 'env', name: 'DC_TEST_TG_TOKEN' },
    });
    const seen = JSON.stringify(channels.json) + JSON.stringify(deliveries) + log.text();
    expect(log.text()).toContain('alert sent');
    for (const s of Object.values(SECRETS)) expect(seen).not.toContain(s);
  }, 90_000);
});
