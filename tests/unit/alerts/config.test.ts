// The `alerts:` section of the inventory file: refused whole, with file, line and path, when a channel
// holds a secret inline, names no secret where one is needed, or a rule names no channel.
import { describe, expect, it } from 'vitest';
import { parseInventoryText } from '../../../server/config/load';
import { ValidationError } from '../../../server/errors';
import { backoffMs } from '../../../server/alerts/dispatcher';
import type { Incident } from '../../../server/alerts/incident';
import { planRoute } from '../../../server/alerts/recipients';
import { scrub } from '../../../server/alerts/secrets';

const UNITS = `units:
  - { id: P, name: Tỉnh Thử, level: province, parent: null }
`;

function issues(text: string): { line?: number; path: string; message: string }[] {
  try {
    parseInventoryText(text, 'prov.yaml');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map(({ line, path, message }) => ({ line, path, message }));
    throw err;
  }
  return [];
}

describe('alerts: in the inventory file', () => {
  it("[AL1] the issue's example is accepted: every incident to one webhook", () => {
    const file = parseInventoryText(
      `${UNITS}alerts: { channels: [ { id: ops, kind: webhook, url: "http://127.0.0.1:9000/hook" } ], rules: [ { channel: ops } ] }\n`,
      'prov.yaml',
    );
    expect(file.alerts).toEqual({
      channels: [{ id: 'ops', kind: 'webhook', url: 'http://127.0.0.1:9000/hook' }],
      rules: [{ channel: 'ops' }],
    });
  });

  it('[AL5] a secret written inline is refused (only secretEnv or secretFile), with its line', () => {
    const found = issues(`${UNITS}alerts:
  channels:
    - id: tg
      kind: telegram
      chatId: "-100123"
      token: "123:ABC"
  rules: []
`);
    expect(found).toContainEqual({ line: 8, path: 'alerts.channels[0]', message: expect.stringContaining('token') });
  });

  it('[AL5] Telegram and Zalo need a secret; an SMTP user needs its password; not both env and file', () => {
    const found = issues(`${UNITS}alerts:
  channels:
    - { id: tg, kind: telegram, chatId: "1" }
    - { id: zl, kind: zalo, userId: "42" }
    - { id: mail, kind: email, smtp: { host: smtp.test, user: canhbao }, from: a@b.vn, to: [c@d.vn] }
    - { id: hook, kind: webhook, url: "http://h.test/", secretEnv: A, secretFile: /run/b }
`);
    expect(found.map((i) => [i.path, i.message])).toEqual([
      ['alerts.channels[0]', 'telegram needs secretEnv or secretFile (the bot token)'],
      ['alerts.channels[1]', 'zalo needs secretEnv or secretFile (the access token)'],
      ['alerts.channels[2].smtp.user', 'smtp.user needs secretEnv or secretFile (its password)'],
      ['alerts.channels[3].secretEnv', 'give secretEnv or secretFile, not both'],
    ]);
  });

  it('refuses a rule naming no channel, a duplicate id and a URL carrying a password', () => {
    const found = issues(`${UNITS}alerts:
  channels:
    - { id: ops, kind: webhook, url: "http://user:pw@h.test/hook" }
    - { id: ops, kind: webhook, url: "http://h.test/hook" }
  rules: [ { channel: nobody } ]
`);
    expect(found.map((i) => i.path).sort()).toEqual([
      'alerts.channels[0].url',
      'alerts.channels[1].id',
      'alerts.rules[0].channel',
    ]);
    expect(found.find((i) => i.path === 'alerts.rules[0].channel')!.message).toBe('no channel "nobody"');
  });
});

describe('delivery rules', () => {
  it('[AL3] backoff doubles from the base, jitter within ±20 %, capped; a longer Retry-After is honoured within the cap', () => {
    const p = { maxAttempts: 10, baseMs: 1000, maxMs: 30_000 };
    expect([1, 2, 3, 4].map((n) => backoffMs(p, n, () => 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(p, 3, () => 0)).toBe(3200);
    expect(backoffMs(p, 3, () => 0.999999)).toBe(4800);
    expect(backoffMs(p, 20, () => 0.999999)).toBe(30_000);
    expect(backoffMs(p, 1, () => 0.5, 7_000)).toBe(7_000);
    expect(backoffMs(p, 1, () => 0.5, 600_000)).toBe(30_000);
  });

  it('[AL2] an incident goes to every channel a rule names for its severity, once', () => {
    const rules = [{ channel: 'ops' }, { channel: 'tg', severities: ['critical' as const] }, { channel: 'ops' }];
    // The dispatcher's routing plan (server/alerts/recipients.ts), channels' own targets only here.
    const kinds = new Map([
      ['ops', 'webhook' as const],
      ['tg', 'telegram' as const],
    ]);
    const none = { point: () => undefined, unit: () => undefined, listPoints: () => [] };
    const routed = (severity: Incident['severity']) =>
      planRoute(rules, kinds, { kind: 'open', severity, meeting: null, points: [] } as unknown as Incident, none).map(
        (t) => t.channel,
      );
    expect(routed('critical')).toEqual(['ops', 'tg']);
    expect(routed('warning')).toEqual(['ops']);
  });

  it('[AL5] scrub removes a secret and its URL-encoded form from an error', () => {
    const token = '123:AA/bc+d';
    expect(scrub(`POST /bot${token}/x and /bot${encodeURIComponent(token)}/x`, token)).toBe(
      'POST /bot[redacted]/x and /bot[redacted]/x',
    );
    expect(scrub('nothing', null)).toBe('nothing');
  });
});
