// The admin side of alert channels over REST: the channel list without secrets, "send a test" through
// the outbox with its outcome, the delivery log, and admins only. A channel whose secret is missing
// refuses the app with the channel named.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsConfig } from '../../../shared/alerts';
import { ValidationError } from '../../../server/errors';
import { api, startTestApp, userCookie, type TestApp } from '../../helpers/app';
import { HttpReceiver } from '../../helpers/receivers';
import { TelegramSimulator } from '../../helpers/telegram-sim';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN = '555000111:AAadmin-token-feedface';
const HOOK_SECRET = 'hook-file-secret-0badc0de';
const apps: TestApp[] = [];
const receivers: { stop(): Promise<void> }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const a of apps.splice(0)) await a.dispose();
  for (const r of receivers.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('alert channels for admins', () => {
  it('[AL5][AL6] lists channels without secrets, sends a test through the outbox, shows it in the log; admins only', async () => {
    const hook = await new HttpReceiver().start();
    const tg = new TelegramSimulator('another-token-than-ours');
    await tg.start();
    receivers.push(hook, tg);
    const dir = mkdtempSync(join(tmpdir(), 'dc-alerts-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'hook.secret'), `${HOOK_SECRET}\n`, { mode: 0o600 });
    const alerts: AlertsConfig = {
      channels: [
        { id: 'ops', kind: 'webhook', url: `${hook.url}/hook?key=q`, secretFile: join(dir, 'hook.secret') },
        {
          id: 'tg',
          kind: 'telegram',
          chatId: '@truc_ban_ht',
          apiBase: tg.apiBase,
          secretEnv: 'TG',
          retry: { baseMs: 100 },
        },
      ],
      rules: [{ channel: 'ops', severities: ['critical'] }],
    };
    const t = await startTestApp({ alerts, alertsEnv: { TG: TOKEN } });
    apps.push(t);

    const list = await api(t, 'GET', '/api/alerts/channels');
    expect(list.status).toBe(200);
    expect(list.json.channels).toEqual([
      {
        id: 'ops',
        kind: 'webhook',
        language: 'vi',
        target: `${hook.url}/hook`,
        secret: { source: 'file', name: join(dir, 'hook.secret') },
        retry: { maxAttempts: 8, baseMs: 2000, maxMs: 300000 },
        timeoutMs: 10000,
      },
      {
        id: 'tg',
        kind: 'telegram',
        language: 'vi',
        target: `${tg.apiBase} chat @truc_ban_ht`,
        secret: { source: 'env', name: 'TG' },
        retry: { maxAttempts: 8, baseMs: 100, maxMs: 300000 },
        timeoutMs: 10000,
      },
    ]);
    expect(list.json.rules).toEqual([{ channel: 'ops', severities: ['critical'] }]);

    const ok = await api(t, 'POST', '/api/alerts/channels/ops/test');
    expect(ok.status).toBe(200);
    expect(ok.json.delivery).toMatchObject({ channel: 'ops', incidentKind: 'test', status: 'sent', attempts: 1 });
    expect(hook.requests).toHaveLength(1);
    const body = JSON.parse(hook.requests[0]!.body);
    expect(body.incident).toMatchObject({ kind: 'test', severity: 'info' });
    expect(body.message.text).toContain('Tin nhắn thử của kênh cảnh báo "ops"');

    // The simulator knows another token: 401, which no retry mends.
    const bad = await api(t, 'POST', '/api/alerts/channels/tg/test');
    expect(bad.status).toBe(200);
    expect(bad.json.delivery).toMatchObject({ channel: 'tg', status: 'failed', attempts: 1, nextAt: null });
    expect(bad.json.delivery.lastError).toBe('Telegram 401: Unauthorized');

    const log = await api(t, 'GET', '/api/alerts/deliveries');
    expect(log.json.deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status])).toEqual([
      ['tg', 'failed'],
      ['ops', 'sent'],
    ]);
    expect((await api(t, 'GET', '/api/alerts/deliveries?channel=nope')).status).toBe(404);
    expect((await api(t, 'POST', '/api/alerts/channels/nope/test')).status).toBe(404);
    expect((await api(t, 'GET', '/api/alerts/deliveries?limit=0')).status).toBe(400);

    const everything = JSON.stringify([list.json, ok.json, bad.json, log.json]);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(HOOK_SECRET);

    for (const role of ['technician', 'viewer'] as const) {
      const cookie = await userCookie(t, `u-${role}`, role);
      expect((await api(t, 'GET', '/api/alerts/channels', undefined, cookie)).status).toBe(403);
      expect((await api(t, 'GET', '/api/alerts/deliveries', undefined, cookie)).status).toBe(403);
      expect((await api(t, 'POST', '/api/alerts/channels/ops/test', undefined, cookie)).status).toBe(403);
    }
    expect((await api(t, 'GET', '/api/alerts/channels', undefined, null)).status).toBe(401);
    expect(hook.requests).toHaveLength(1);
  }, 30_000);

  it('[AL5] a channel whose secret is missing refuses the app, naming the channel and the variable', async () => {
    const alerts: AlertsConfig = {
      channels: [{ id: 'tg', kind: 'telegram', chatId: '1', secretEnv: 'DC_NOT_SET_ANYWHERE' }],
      rules: [],
    };
    const err = await startTestApp({ alerts, alertsEnv: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([
      {
        path: 'alerts.channels[0].secretEnv',
        message: 'environment variable DC_NOT_SET_ANYWHERE is not set (channel "tg")',
      },
    ]);
  });

  it('[AL5] `diemcau serve` with a channel whose secret is missing exits before it opens the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-alerts-'));
    dirs.push(dir);
    const config = join(dir, 'prov.yaml');
    writeFileSync(
      config,
      `units:
  - { id: P, name: Tỉnh Thử, level: province, parent: null }
alerts:
  channels:
    - { id: tg, kind: telegram, chatId: "1", secretEnv: DC_TEST_NEVER_SET }
  rules: [ { channel: tg } ]
`,
    );
    const db = join(dir, 'diemcau.sqlite');
    const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'diemcau.mjs');
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const env = { ...process.env };
      delete env.DC_TEST_NEVER_SET;
      execFile(
        process.execPath,
        [bin, 'serve', '--config', config, '--db', db, '--port', '0'],
        { env },
        (err, _out, errText) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr: errText }),
      );
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'alerts.channels[0].secretEnv: environment variable DC_TEST_NEVER_SET is not set (channel "tg")',
    );
    expect(existsSync(db)).toBe(false);
  }, 30_000);
});
