// The monitor process's status rows (server/pipeline/figures.ts): a change of state goes at once; a change
// of figures alone at most every figuresMs, with the figures as they are when due; nothing is lost.
import { describe, expect, it } from 'vitest';
import { FiguresGate, rowKey } from '../../../server/pipeline/figures';
import type { StatusRow } from '../../../server/pipeline/messages';

const row = (state: StatusRow[1], rtt: number, since = 1): StatusRow => [
  'P1',
  state,
  rtt,
  0,
  NaN,
  since,
  null,
  null,
  null,
  null,
  null,
  null,
];

/** A row with one SIP endpoint target in `state`. */
const withTargets = (state: 'up' | 'down'): StatusRow => {
  const r = row('up', 10);
  r[10] = [
    {
      id: 'sip:x',
      kind: 'sip',
      role: 'endpoint',
      state,
      rtt: 1,
      reason: state === 'down' ? 'timeout' : null,
      code: null,
      detail: null,
      certExpiresAt: null,
      call: null,
    },
  ];
  return r;
};

describe('FiguresGate', () => {
  it('sends a first row and any change of state at once; figures alone with the first change after figuresMs', () => {
    const g = new FiguresGate(3_000);
    expect(g.admit('P1', rowKey(row('up', 10)), 0)).toBe(true);
    // 1 Hz: the RTT moves every second.
    expect(g.admit('P1', rowKey(row('up', 11)), 1_000)).toBe(false);
    expect(g.admit('P1', rowKey(row('up', 12)), 2_000)).toBe(false);
    // The first change 3 s after the last row goes (a fresh probe behind it), and the queue has nothing.
    expect(g.admit('P1', rowKey(row('up', 13)), 3_000)).toBe(true);
    expect(g.due(10_000)).toEqual([]);
    // A change of state is never held back, even right after a row.
    expect(g.admit('P1', rowKey(row('down', NaN, 3_500)), 3_500)).toBe(true);
    expect(g.admit('P1', rowKey(row('up', 9, 4_000)), 4_000)).toBe(true);
  });

  it('figures that stop moving come from the queue 2 × figuresMs after the last row, once', () => {
    const g = new FiguresGate(3_000);
    g.admit('P1', rowKey(row('up', 10)), 0);
    for (let t = 100; t < 2_000; t += 100) expect(g.admit('P1', rowKey(row('up', 10 + t / 100)), t)).toBe(false);
    // Nothing more changes: the held figures are sent from the queue.
    expect(g.due(5_999)).toEqual([]);
    expect(g.due(6_000)).toEqual(['P1']);
    g.sentNow('P1', rowKey(row('up', 29)), 6_000);
    expect(g.due(20_000)).toEqual([]);
    // Held, then its state changes: sent at once, and the queue's entry is void.
    g.admit('P1', rowKey(row('up', 30)), 7_000);
    expect(g.admit('P1', rowKey(row('degraded', 40, 8_000)), 8_000)).toBe(true);
    expect(g.due(30_000)).toEqual([]);
  });

  it('a held point sent by its next change is not sent again by the queue entry of that earlier hold', () => {
    const g = new FiguresGate(3_000);
    g.admit('P1', rowKey(row('up', 10)), 0);
    expect(g.admit('P1', rowKey(row('up', 11)), 1_000)).toBe(false); // held: queue entry due at 6 s
    expect(g.admit('P1', rowKey(row('up', 12)), 3_000)).toBe(true); // sent by its change after 3 s
    expect(g.admit('P1', rowKey(row('up', 13)), 4_000)).toBe(false); // held again: its own entry, due at 9 s
    // At 6 s the first entry is void: the row would carry a probe a second old, the 6 s change a fresh one.
    expect(g.due(6_000)).toEqual([]);
    expect(g.admit('P1', rowKey(row('up', 14)), 6_000)).toBe(true);
    expect(g.due(9_000)).toEqual([]);
    // Stopped moving for good: the last hold's entry sends it, 2 × figuresMs after its last row.
    expect(g.admit('P1', rowKey(row('up', 15)), 7_000)).toBe(false);
    expect(g.due(11_999)).toEqual([]);
    expect(g.due(12_000)).toEqual(['P1']);
  });

  it('a target changing state is a change of state (the key)', () => {
    const g = new FiguresGate(3_000);
    expect(g.admit('P1', rowKey(withTargets('up')), 0)).toBe(true);
    expect(g.admit('P1', rowKey(withTargets('down')), 500)).toBe(true);
  });

  it('with figuresMs 0 sends every change; forgets points no longer in the inventory', () => {
    const g = new FiguresGate(0);
    expect(g.admit('P1', rowKey(row('up', 10)), 0)).toBe(true);
    expect(g.admit('P1', rowKey(row('up', 11)), 1)).toBe(true);
    const h = new FiguresGate(3_000);
    h.admit('P1', rowKey(row('up', 10)), 0);
    h.retain(new Set());
    // Forgotten: a first row again.
    expect(h.admit('P1', rowKey(row('up', 11)), 1)).toBe(true);
  });

  it('sends every one of 40,000 points changing at 1 Hz every 3 s, never twice within 3 s', () => {
    const g = new FiguresGate(3_000);
    const codes = Array.from({ length: 40_000 }, (_, i) => `P${i}`);
    const sent = new Map<string, number[]>();
    const send = (c: string, t: number) => sent.set(c, [...(sent.get(c) ?? []), t]);
    for (const c of codes) if (g.admit(c, 'up', 0)) send(c, 0);
    for (let t = 1_000; t <= 9_000; t += 1_000) {
      for (const c of codes) if (g.admit(c, 'up', t)) send(c, t);
      for (const c of g.due(t)) {
        g.sentNow(c, 'up', t);
        send(c, t);
      }
    }
    for (const c of codes) expect(sent.get(c)).toEqual([0, 3_000, 6_000, 9_000]);
  });
});
