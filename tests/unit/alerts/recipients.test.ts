// The routing plan (server/alerts/recipients.ts) and the acknowledgement token (ack-link.ts), without
// I/O: whom each rule reaches from the inventory's contacts, with which level, and what a token opens.
import { describe, expect, it } from 'vitest';
import { AlertsConfig, type AlertChannelKind, type AlertRule } from '../../../shared/alerts';
import { Contact } from '../../../shared/schemas';
import type { Point, Unit } from '../../../shared/schemas';
import { ackLink, signAckToken, verifyAckToken } from '../../../server/alerts/ack-link';
import type { Incident } from '../../../server/alerts/incident';
import { districtOf, planRoute, type Directory } from '../../../server/alerts/recipients';

const units: Unit[] = [
  { id: 'P', name: 'Tỉnh', level: 'province', parent: null },
  { id: 'D1', name: 'Huyện Một', level: 'district', parent: 'P' },
  { id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' },
  { id: 'C1', name: 'Xã Một', level: 'commune', parent: 'D1' },
  { id: 'C2', name: 'Xã Hai', level: 'commune', parent: 'D2' },
];
const pt = (code: string, unit: string, contacts: Point['contacts']): Point => ({
  code,
  name: `Điểm ${code}`,
  level: units.find((u) => u.id === unit)!.level,
  unit,
  targets: [{ kind: 'icmp', host: '192.0.2.1', role: 'primary' }],
  contacts,
});
const points: Point[] = [
  pt('D1', 'D1', [{ name: 'Dung', role: 'technician', email: 'dung@d1.test', telegram: '2001' }]),
  pt('D2', 'D2', [{ name: 'Hà', role: 'technician', email: 'ha@d2.test' }]),
  pt('C1', 'C1', [
    { name: 'An', role: 'technician', email: 'an@c1.test', zalo: '9001' },
    { name: 'Bình', role: 'leader', email: 'binh@c1.test' },
    { name: 'Cường', role: 'technician' },
  ]),
  pt('C2', 'C2', [{ name: 'Em', role: 'technician', email: 'em@c2.test' }]),
];
const dir: Directory = {
  point: (c) => points.find((p) => p.code === c),
  unit: (id) => units.find((u) => u.id === id),
  listPoints: () => points,
};
const kinds = new Map<string, AlertChannelKind>([
  ['mail', 'email'],
  ['tg', 'telegram'],
  ['zalo', 'zalo'],
  ['hook', 'webhook'],
]);
const incident = (codes: string[], over: Partial<Incident> = {}): Incident => ({
  id: 'i',
  kind: 'open',
  severity: 'critical',
  type: 'down',
  at: 0,
  start: 0,
  end: null,
  meeting: { id: 'M1', title: 'Hội nghị' },
  phase: 'live',
  outages: [1],
  points: codes.map((code) => ({
    code,
    name: code,
    unit: { id: dir.point(code)!.unit, name: '' },
    contacts: [],
  })),
  text: '',
  ...over,
});
const plan = (rules: AlertRule[], i: Incident) =>
  planRoute(rules, kinds, i, dir)
    .map((t) => [t.channel, t.recipient?.address ?? null, t.level, t.afterMs / 60_000])
    .sort();

describe('routing plan', () => {
  it('[AL20] point and district technicians at the address of the channel kind; leaders and contacts without it are not reached', () => {
    expect(districtOf(dir, 'C1')).toBe('D1');
    expect(districtOf(dir, 'D2')).toBe('D2');
    expect(districtOf(dir, 'P')).toBeNull();
    expect(
      plan(
        [
          { channel: 'mail', to: 'point' },
          { channel: 'zalo', to: 'point' },
          { channel: 'tg', to: 'district' },
          { channel: 'hook' },
        ],
        incident(['C1']),
      ),
    ).toEqual([
      ['hook', null, 0, 0],
      ['mail', 'an@c1.test', 0, 0],
      ['tg', '2001', 0, 0],
      ['zalo', '9001', 0, 0],
    ]);
    // Two points of two districts: both districts' technicians, each point's own.
    expect(
      plan(
        [
          { channel: 'mail', to: 'district' },
          { channel: 'mail', to: 'point' },
        ],
        incident(['C1', 'C2']),
      ),
    ).toEqual([
      ['mail', 'an@c1.test', 0, 0],
      ['mail', 'dung@d1.test', 0, 0],
      ['mail', 'em@c2.test', 0, 0],
      ['mail', 'ha@d2.test', 0, 0],
    ]);
  });

  it('[AL21] filters by severity, meeting and unit (its descendants included)', () => {
    const rules: AlertRule[] = [
      { channel: 'hook', severities: ['warning'] },
      { channel: 'mail', meetings: ['M2'] },
      { channel: 'tg', units: ['D1'] },
    ];
    expect(plan(rules, incident(['C1']))).toEqual([['tg', null, 0, 0]]);
    expect(plan(rules, incident(['C2']))).toEqual([]);
    expect(plan(rules, incident(['C2'], { severity: 'warning', meeting: { id: 'M2', title: '' } }))).toEqual([
      ['hook', null, 0, 0],
      ['mail', null, 0, 0],
    ]);
    // Outside any meeting: a meeting rule does not admit it.
    expect(plan([{ channel: 'mail', meetings: ['M1'] }], incident(['C1'], { meeting: null }))).toEqual([]);
  });

  it('[AL23] levels by distinct delays; the earliest level wins for one person; escalation for open incidents only', () => {
    const rules: AlertRule[] = [
      { channel: 'mail', to: 'point' },
      { channel: 'mail', to: 'district', escalateAfterMinutes: 10 },
      { channel: 'hook', escalateAfterMinutes: 30 },
      { channel: 'mail', to: 'point', escalateAfterMinutes: 30 },
      { channel: 'tg', to: 'district', escalateAfterMinutes: 10 },
    ];
    expect(plan(rules, incident(['C1']))).toEqual([
      ['hook', null, 2, 30],
      ['mail', 'an@c1.test', 0, 0],
      ['mail', 'dung@d1.test', 1, 10],
      ['tg', '2001', 1, 10],
    ]);
    expect(plan(rules, incident(['C1'], { kind: 'recovered' }))).toEqual([['mail', 'an@c1.test', 0, 0]]);
  });
});

describe('rules and contacts as the file gives them', () => {
  it('[AL20][AL23] refuses a bad recipient kind, escalation delay, address, and people behind a webhook, saying where', () => {
    const channels = [
      { id: 'mail', kind: 'email', smtp: { host: 'smtp.test' }, from: 'a@b.test', to: ['c@d.test'] },
      { id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/h' },
    ];
    const issues = (rules: unknown[]) => {
      const r = AlertsConfig.safeParse({ channels, rules });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(
      issues([{ channel: 'mail', to: 'district', escalateAfterMinutes: 10, units: ['D1'], meetings: ['M'] }]),
    ).toEqual([]);
    expect(issues([{ channel: 'mail', to: 'everyone' }])[0]).toMatch(/^rules\.0\.to: /);
    expect(issues([{ channel: 'mail', escalateAfterMinutes: 0 }])[0]).toMatch(/^rules\.0\.escalateAfterMinutes: /);
    expect(issues([{ channel: 'mail', units: [] }])[0]).toMatch(/^rules\.0\.units: /);
    expect(issues([{ channel: 'hook', to: 'district' }])).toEqual([
      'rules.0.to: a webhook reaches its own URL only: "to: district" needs an email, telegram or zalo channel',
    ]);
    expect(Contact.safeParse({ name: 'An', email: 'an@xa.test', telegram: -1001, zalo: '12' }).success).toBe(true);
    for (const bad of [{ email: 'an at xa' }, { telegram: 'an' }, { zalo: 'abc' }]) {
      const r = Contact.safeParse({ name: 'An', ...bad });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual([Object.keys(bad)[0]]);
    }
  });
});

describe('acknowledgement token', () => {
  it('[AL24] names one delivery under one key; anything else is refused', () => {
    const key = Buffer.alloc(32, 1);
    const token = signAckToken(key, 42);
    expect(token).toMatch(/^a1\.42\.[A-Za-z0-9_-]{43}$/);
    expect(verifyAckToken(key, token)).toBe(42);
    expect(verifyAckToken(Buffer.alloc(32, 2), token)).toBeNull();
    expect(verifyAckToken(key, token.replace('a1.42.', 'a1.43.'))).toBeNull();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyAckToken(key, token.slice(0, -1) + last)).toBeNull();
    for (const bad of ['', 'a1.42', `a2.42.${token.split('.')[2]}`, `a1.042.${token.split('.')[2]}`, `${token}x`])
      expect(verifyAckToken(key, bad)).toBeNull();
    expect(ackLink('https://giamsat.test/', token)).toBe(`https://giamsat.test/ack/${token}`);
  });
});
