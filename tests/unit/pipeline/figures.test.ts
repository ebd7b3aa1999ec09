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
  it('sends a first row and any change of state at once, holds figures-only changes for figuresMs', () => {
    const g = new FiguresGate(3_000);
    expect(g.admit('P1', rowKey(row('up', 10)), 0)).toBe(true);
    // 1 Hz: the RTT moves every second.
    expect(g.admit('P1', rowKey(row('up', 11)), 1_000)).toBe(false);
    expect(g.admit('P1', rowKey(row('up', 12)), 2_000)).toBe(false);
    expect(g.due(2_999)).toEqual([]);
    // Due 3 s after the last row: the caller sends the figures as they are then.
    expect(g.due(3_000)).toEqual(['P1']);
    g.sentNow('P1', rowKey(row('up', 13)), 3_000);
    expect(g.due(10_000)).toEqual([]);
    // A change of state is never held back, even right after a row.
    expect(g.admit('P1', rowKey(row('down', NaN, 3_500)), 3_500)).toBe(true);
    expect(g.admit('P1', rowKey(row('up', 9, 4_000)), 4_000)).toBe(true);
  });

  it('holds a point once however often its figures move, and sends it again from the row that went meanwhile', () => {
    const g = new FiguresGate(3_000);
    g.admit('P1', rowKey(row('up', 10)), 0);
    for (let t = 100; t < 2_000; t += 100) expect(g.admit('P1', rowKey(row('up', 10 + t / 100)), t)).toBe(false);
    // Its state changes at 2.5 s: sent at once; its held figures are then due 3 s after that row.
    expect(g.admit('P1', rowKey(row('degraded', 40, 2_500)), 2_500)).toBe(true);
    expect(g.due(3_000)).toEqual([]);
    expect(g.due(5_499)).toEqual([]);
    expect(g.due(5_500)).toEqual(['P1']);
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

  it('sends every held point of 40,000 within twice figuresMs, each once', () => {
    const g = new FiguresGate(3_000);
    const codes = Array.from({ length: 40_000 }, (_, i) => `P${i}`);
    for (const c of codes) g.admit(c, 'up', 0);
    const sentAt = new Map<string, number>();
    for (let t = 100; t <= 6_000; t += 100) {
      for (const c of codes) if (g.admit(c, 'up', t)) sentAt.set(c, t);
      for (const c of g.due(t)) {
        g.sentNow(c, 'up', t);
        expect(sentAt.has(c) && sentAt.get(c)! > 0 && t - sentAt.get(c)! < 3_000).toBe(false);
        sentAt.set(c, t);
      }
    }
    expect(sentAt.size).toBe(codes.length);
    for (const t of sentAt.values()) expect(t).toBeLessThanOrEqual(6_000);
  });
});
