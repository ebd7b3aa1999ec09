// The request side's copy of the monitor process's statuses (server/pipeline/mirror.ts): the same
// reads as the board itself, changed points drained once, transitions passed on in order.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MirrorBoard } from '../../../server/pipeline/mirror';
import type { StatusRow } from '../../../server/pipeline/messages';
import { emptyPointFields, type PointTransition } from '../../../server/status/board';
import { tinyProvince } from '../../helpers/app';

const { points } = tinyProvince(33, 2); // P, D1, C1, C2
const T = Date.parse('2026-03-06T08:00:00+07:00');

const tr = (point: string, to: PointTransition['to']): PointTransition => ({
  point,
  target: 'icmp:h',
  class: 'line',
  kind: 'icmp',
  from: 'up',
  to,
  at: T,
  detectedAt: T,
});

function mirror(): MirrorBoard {
  const m = new MirrorBoard(pino({ level: 'silent' }));
  m.setPoints(points);
  return m;
}

describe('MirrorBoard', () => {
  it('starts every point unknown and reports them changed once', () => {
    const m = mirror();
    expect(m.statuses().map((s) => s.state)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(m.drainChanged()).toEqual(['P', 'D1', 'C1', 'C2']);
    expect(m.drainChanged()).toEqual([]);
  });

  it('applies rows as the board would give them, rounded, with probedAt and knownAt', () => {
    const m = mirror();
    m.drainChanged();
    const row: StatusRow = ['C1', 'degraded', 12.5, 3.333333, 21.12345, T, 'up', T + 1000, null, null, null, T + 1012];
    m.apply([row, ['GONE', 'up', 1, 0, 0, T, null, T, null, null, null, T + 1]]);
    expect(m.status('C1')).toEqual({
      code: 'C1',
      state: 'degraded',
      rtt: 12.5,
      loss: 3.33,
      jitter: 21.123,
      since: '2026-03-06T08:00:00.000+07:00',
      backup: 'up',
      endpoint: null,
      inCall: null,
    });
    expect(m.read('C1', emptyPointFields())).toMatchObject({ state: 'degraded', loss: 3.333333 });
    expect(m.probedAt('C1')).toBe(T + 1000);
    expect(m.knownAt('C1')).toBe(T + 1012);
    expect(m.status('GONE')).toBeUndefined();
    expect(m.drainChanged()).toEqual(['C1']);
  });

  it('shows every point unknown since an instant when nobody watches, and forgets removed points', () => {
    const m = mirror();
    m.apply(points.map((p): StatusRow => [p.code, 'up', 1, 0, 0, T, null, T, null, null, null, T + 1]));
    m.drainChanged();
    m.allUnknown(T + 5_000);
    expect(m.statuses().every((s) => s.state === 'unknown' && s.since === '2026-03-06T08:00:05.000+07:00')).toBe(true);
    expect(m.drainChanged()).toHaveLength(4);
    m.setPoints(points.slice(0, 2));
    expect(m.statuses().map((s) => s.code)).toEqual(['P', 'D1']);
  });

  it('passes transitions on in order, a failing listener stopping none', () => {
    const m = mirror();
    const seen: string[] = [];
    m.onTransition(() => {
      throw new Error('listener bug');
    });
    m.onTransition((t) => seen.push(`${t.point}:${t.to}`));
    m.emit(tr('C1', 'down'));
    m.emit(tr('C2', 'degraded'));
    expect(seen).toEqual(['C1:down', 'C2:degraded']);
  });

  it('[TG8] keeps the target rows the monitor sends for a point with more than its line; unknown while nobody watches', () => {
    const m = mirror();
    const rows = [
      {
        id: 'icmp:h',
        kind: 'icmp',
        role: 'primary',
        state: 'up',
        rtt: 1,
        reason: null,
        code: null,
        detail: null,
        certExpiresAt: null,
        call: null,
      },
      {
        id: 'sip:udp:h:5060',
        kind: 'sip',
        role: 'endpoint',
        state: 'down',
        rtt: null,
        reason: 'timeout',
        code: null,
        detail: null,
        certExpiresAt: null,
        call: null,
      },
    ] as const;
    m.apply([['C1', 'up', 1, 0, 0, T, null, T, 'down', null, rows.map((r) => ({ ...r })), T + 1]]);
    expect(m.status('C1')).toMatchObject({ state: 'up', endpoint: 'down', inCall: null });
    expect(m.targetRows('C1').map((r) => [r.id, r.state, r.reason])).toEqual([
      ['icmp:h', 'up', null],
      ['sip:udp:h:5060', 'down', 'timeout'],
    ]);
    expect(m.targetRows('C2')).toEqual([]);
    m.allUnknown(T + 5_000);
    expect(m.targetRows('C1').map((r) => [r.state, r.rtt])).toEqual([
      ['unknown', null],
      ['unknown', null],
    ]);
  });
});
