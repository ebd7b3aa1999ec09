import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { StatusBoard, type PointTransition } from '../../../server/status/board';
import { Point, PointStatus } from '../../../shared/schemas';

const T0 = Date.parse('2026-03-06T07:00:00+07:00');
const logger = pino({ level: 'silent' });

function point(code: string, primary: string, backup?: string): Point {
  return Point.parse({
    code,
    name: `Điểm cầu ${code}`,
    level: 'commune',
    unit: 'xa-1',
    targets: [{ kind: 'icmp', host: primary }, ...(backup ? [{ kind: 'icmp', host: backup, role: 'backup' }] : [])],
  });
}

function setup(points: Point[]) {
  const clock = new ManualClock(T0);
  const board = new StatusBoard({ clock, logger });
  board.setPoints(points);
  const transitions: PointTransition[] = [];
  board.onTransition((t) => transitions.push(t));
  return { clock, board, transitions };
}

function feed(board: StatusBoard, host: string, start: number, rtts: (number | null)[]): number {
  let t = start;
  for (const rtt of rtts) {
    board.observe({ target: `icmp:${host}`, t, rtt });
    t += 1000;
  }
  return t;
}

describe('status board', () => {
  it('[BD1] the point follows its primary; backup shows the backup line', () => {
    const { board } = setup([point('P1', '127.0.0.1', '127.0.0.2'), point('P2', '127.0.0.3')]);
    expect(board.status('P1')).toEqual({
      code: 'P1',
      state: 'unknown',
      rtt: null,
      loss: null,
      jitter: null,
      since: null,
      backup: 'unknown',
      endpoint: null,
      inCall: null,
    });
    expect(board.status('P2')!.backup).toBeNull();
    feed(board, '127.0.0.1', T0, [10, 12]);
    feed(board, '127.0.0.2', T0, [null, null, null]);
    const s = board.status('P1')!;
    expect(s).toEqual({
      code: 'P1',
      state: 'up',
      rtt: 12,
      loss: 0,
      jitter: 2,
      since: '2026-03-06T07:00:00.000+07:00',
      backup: 'down',
      endpoint: null,
      inCall: null,
    });
    expect(PointStatus.parse(s)).toEqual(s);
    // The backup going down does not make the point down.
    expect(board.status('P1')!.state).toBe('up');
    // A primary down is the point down, whatever the backup.
    feed(board, '127.0.0.2', T0 + 3000, [5, 5, 5]);
    feed(board, '127.0.0.1', T0 + 2000, [null, null, null]);
    expect(board.status('P1')).toMatchObject({ state: 'down', backup: 'up', since: '2026-03-06T07:00:02.000+07:00' });
    expect(board.status('nope')).toBeUndefined();
    expect(board.statuses().map((x) => x.code)).toEqual(['P1', 'P2']);
  });

  it('[BD1] loss and jitter are rounded for the wire', () => {
    const { board } = setup([point('P1', '127.0.0.1')]);
    // 1 loss in 30 probes: 3.333… %
    feed(board, '127.0.0.1', T0, [...Array<number>(40).fill(10), null, ...Array<number>(29).fill(10)]);
    expect(board.status('P1')!.loss).toBe(3.33);
  });

  it('[BD2] setPoints keeps the trackers of hosts still present and restarts changed ones', () => {
    const { board } = setup([point('P1', '127.0.0.1'), point('P2', '127.0.0.2')]);
    feed(board, '127.0.0.1', T0, [null, null, null]);
    feed(board, '127.0.0.2', T0, [10]);
    board.drainChanged();
    // P1 keeps its host; P2 moves to a new host; P3 is new.
    board.setPoints([point('P1', '127.0.0.1'), point('P2', '127.0.0.9'), point('P3', '127.0.0.3')]);
    expect(board.status('P1')).toMatchObject({ state: 'down', since: '2026-03-06T07:00:00.000+07:00' });
    expect(board.status('P2')!.state).toBe('unknown');
    expect(board.drainChanged().sort()).toEqual(['P2', 'P3']);
    // The old host's results no longer reach anyone.
    board.observe({ target: 'icmp:127.0.0.2', t: T0 + 5000, rtt: 10 });
    expect(board.drainChanged()).toEqual([]);
    // A point removed: gone, and not reported as changed.
    feed(board, '127.0.0.3', T0, [10]);
    board.setPoints([point('P1', '127.0.0.1')]);
    expect(board.status('P3')).toBeUndefined();
    expect(board.drainChanged()).toEqual([]);
  });

  it('[BD3] drainChanged: every primary result, backup only on a state change, cleared by draining', () => {
    const { board } = setup([point('P1', '127.0.0.1', '127.0.0.2'), point('P2', '127.0.0.3')]);
    expect(board.drainChanged().sort()).toEqual(['P1', 'P2']);
    expect(board.drainChanged()).toEqual([]);
    board.observe({ target: 'icmp:127.0.0.1', t: T0, rtt: 10 });
    board.observe({ target: 'icmp:127.0.0.1', t: T0 + 1000, rtt: 11 });
    expect(board.drainChanged()).toEqual(['P1']);
    board.observe({ target: 'icmp:127.0.0.2', t: T0, rtt: 10 }); // unknown → up
    expect(board.drainChanged()).toEqual(['P1']);
    board.observe({ target: 'icmp:127.0.0.2', t: T0 + 1000, rtt: 10 }); // still up
    expect(board.drainChanged()).toEqual([]);
  });

  it('[BD3] a point changed many times is drained once; one removed since it changed is not drained', () => {
    const { board } = setup([point('P1', '127.0.0.1'), point('P2', '127.0.0.3')]);
    board.drainChanged();
    for (let i = 0; i < 5; i++) feed(board, '127.0.0.1', T0 + i * 1000, [10 + i]);
    feed(board, '127.0.0.3', T0, [10]);
    board.setPoints([point('P1', '127.0.0.1')]);
    expect(board.drainChanged()).toEqual(['P1']);
    // Re-added: a new point, changed once.
    board.setPoints([point('P1', '127.0.0.1'), point('P2', '127.0.0.3')]);
    expect(board.drainChanged()).toEqual(['P2']);
  });

  it('[BD1] read() gives the status without allocating: the same object, NaN where status() has null', () => {
    const { board } = setup([point('P1', '127.0.0.1', '127.0.0.2')]);
    const out = {
      state: 'up' as const,
      rtt: 1,
      loss: 1,
      jitter: 1,
      since: 1,
      backup: null,
      endpoint: null,
      inCall: null,
    };
    const r = board.read('P1', out);
    expect(r).toBe(out);
    expect(r).toMatchObject({ state: 'unknown', backup: 'unknown' });
    expect([r!.rtt, r!.loss, r!.jitter, r!.since].every(Number.isNaN)).toBe(true);
    feed(board, '127.0.0.1', T0, [10, 12, null]);
    // 1 lost of 3, counted over the 20-probe minimum: 5 %, degraded from that probe on.
    expect(board.read('P1', out)).toMatchObject({ state: 'degraded', rtt: NaN, since: T0 + 2000, jitter: 2 });
    expect(board.read('P1', out)!.loss).toBeCloseTo(5, 5);
    expect(board.status('P1')).toMatchObject({ state: 'degraded', rtt: null, loss: 5, jitter: 2 });
    expect(board.read('NOPE', out)).toBeUndefined();
  });

  it('[BD4] transitions are the primary’s, once per point bound to the host', () => {
    // Two points share one primary line (same room serving two units).
    const { board, transitions } = setup([
      point('P1', '127.0.0.1', '127.0.0.2'),
      point('P2', '127.0.0.1'),
      point('P3', '127.0.0.3'),
    ]);
    feed(board, '127.0.0.2', T0, [null, null, null]);
    expect(transitions).toEqual([]);
    feed(board, '127.0.0.1', T0, [10]);
    expect(transitions).toEqual([
      {
        point: 'P1',
        target: 'icmp:127.0.0.1',
        class: 'line',
        kind: 'icmp',
        from: 'unknown',
        to: 'up',
        at: T0,
        detectedAt: T0,
      },
      {
        point: 'P2',
        target: 'icmp:127.0.0.1',
        class: 'line',
        kind: 'icmp',
        from: 'unknown',
        to: 'up',
        at: T0,
        detectedAt: T0,
      },
    ]);
  });

  it('[BD4] a throwing listener is logged and does not stop the others or the board', () => {
    const errors: unknown[] = [];
    const spyLogger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    const b2 = new StatusBoard({ clock: new ManualClock(T0), logger: spyLogger });
    b2.setPoints([point('P1', '127.0.0.1')]);
    const seen: string[] = [];
    b2.onTransition(() => {
      throw new Error('disk full');
    });
    const off = b2.onTransition((t) => seen.push(t.to));
    feed(b2, '127.0.0.1', T0, [10, null, null, null]);
    expect(seen).toEqual(['up', 'degraded', 'severe', 'down']);
    expect(b2.status('P1')!.state).toBe('down');
    expect(errors).toHaveLength(4);
    off();
    feed(b2, '127.0.0.1', T0 + 4000, [10, 10, 10]);
    expect(seen).toHaveLength(4);
  });

  it('[ST10] gap(hosts) makes points unknown at the clock’s now, not down', () => {
    const { board, clock, transitions } = setup([point('P1', '127.0.0.1', '127.0.0.2'), point('P2', '127.0.0.3')]);
    feed(board, '127.0.0.1', T0, [10]);
    feed(board, '127.0.0.2', T0, [10]);
    feed(board, '127.0.0.3', T0, [10]);
    board.drainChanged();
    clock.set(T0 + 5000);
    board.gap(['icmp:127.0.0.1', 'icmp:127.0.0.2', 'icmp:10.9.9.9']);
    expect(board.status('P1')).toMatchObject({
      state: 'unknown',
      backup: 'unknown',
      rtt: null,
      since: '2026-03-06T07:00:05.000+07:00',
    });
    expect(board.status('P2')!.state).toBe('up');
    expect(board.drainChanged()).toEqual(['P1']);
    expect(transitions.at(-1)).toEqual({
      point: 'P1',
      target: 'icmp:127.0.0.1',
      class: 'line',
      kind: 'icmp',
      from: 'up',
      to: 'unknown',
      at: T0 + 5000,
      detectedAt: T0 + 5000,
    });
  });
});
