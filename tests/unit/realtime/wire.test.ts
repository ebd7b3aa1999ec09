// The columnar snapshot codec (protocol 2), packed since protocol 3, and the rounding that decides what a delta carries.
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MeetingSnapshot } from '../../../shared/protocol';
import { POINT_STATES, type Point, type PointStatus } from '../../../shared/schemas';
import { toWireInstant } from '../../../shared/time';
import {
  decodeSnapshot,
  encodeHead,
  encodeSnapshot,
  encodeStatuses,
  toWirePoint,
  unpackSnapshot,
} from '../../../shared/wire';
import { deflateJson } from '../../../server/realtime/pack';
import { Published, readFromStatus, roundMs, sameWireStatus, wireStatus } from '../../../server/realtime/wire-status';
import { syntheticProvince } from '../../../bench/lib/province';
import { meetingNow } from '../../helpers/app';

const text = fc.string({ minLength: 1, maxLength: 20 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const state = fc.constantFrom(...POINT_STATES);
const ms = fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: null });

const pointArb = fc.record({
  code: text,
  name: text,
  level: fc.constantFrom('province', 'district', 'commune'),
  unit: text,
  room: maybe(text),
  address: maybe(text),
  targets: fc.array(fc.record({ kind: fc.constant('icmp'), host: text, role: fc.constantFrom('primary', 'backup') }), {
    minLength: 1,
    maxLength: 3,
  }),
  contacts: fc.array(
    fc.record({
      name: text,
      role: fc.constantFrom('technician', 'leader', 'other'),
      phone: maybe(text),
      organization: maybe(text),
    }),
    { maxLength: 3 },
  ),
});

function strip<T extends object>(o: T): T {
  // fast-check's optional keys come as undefined; a real Point simply lacks them.
  return JSON.parse(JSON.stringify(o)) as T;
}

function snapshot(points: Point[], statuses: PointStatus[]): MeetingSnapshot {
  // The dashboards get each target as WireTarget (id, label, no credentials).
  return {
    meeting: { ...meetingNow('M', 'live'), phase: 'live' },
    seq: 7,
    serverTime: 1_795_000_000_000,
    units: [
      { id: 'P', name: 'Tỉnh', level: 'province', parent: null },
      { id: 'D', name: 'Huyện', level: 'district', parent: 'P' },
    ],
    points: points.map(toWirePoint),
    statuses,
    outages: [],
    health: { storage: 'ok', since: toWireInstant(1_795_000_000_000), pendingWrites: 0 },
  };
}

describe('columnar snapshot', () => {
  it('decodes to exactly the snapshot that was encoded, whatever the points and statuses', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(pointArb, { selector: (p) => p.code, maxLength: 12 }),
        fc.array(
          fc.record({
            state,
            rtt: ms,
            loss: ms,
            jitter: ms,
            backup: fc.option(state, { nil: null }),
            endpoint: fc.option(state, { nil: null }),
            inCall: fc.option(fc.boolean(), { nil: null }),
          }),
        ),
        fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), { nil: null }),
        (raw, figures, since) => {
          const points = raw.map((p) => strip(p) as Point);
          // Some points have no status at all: they must stay without one.
          const statuses = points.flatMap((p, i) => {
            const f = figures[i];
            return f ? [{ code: p.code, ...f, since: since === null ? null : toWireInstant(since + i) }] : [];
          });
          const s = snapshot(points, statuses);
          const wire = JSON.parse(JSON.stringify(encodeSnapshot(s)));
          expect(decodeSnapshot(wire)).toEqual(s);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('carries 10,000 points in columns, far smaller than objects, and under 300 kB packed', async () => {
    const { units, points } = syntheticProvince(10_000);
    const statuses: PointStatus[] = points.map((p) => ({
      code: p.code,
      state: 'up',
      rtt: 12,
      loss: 0,
      jitter: 0.4,
      since: toWireInstant(1_795_000_000_000),
      backup: null,
      endpoint: null,
      inCall: null,
    }));
    const s = { ...snapshot(points, statuses), units };
    const wire = encodeSnapshot(s);
    expect(wire.points.code).toHaveLength(10_000);
    expect(wire.statuses.state.every((x) => x === 'up')).toBe(true);
    expect(JSON.stringify(wire).length).toBeLessThan(JSON.stringify(s).length * 0.6);
    expect(decodeSnapshot(JSON.parse(JSON.stringify(wire)))).toEqual(s);

    // Packed as the server sends it (protocol 3): a head and a body, compressed; unpacked, the same.
    const { units: _u, points: _p, ...body } = wire;
    const packed = { seq: s.seq, head: deflateJson(encodeHead(s.units, s.points)), body: deflateJson(body) };
    expect(packed.head.length + packed.body.length).toBeLessThan(300_000);
    expect(await unpackSnapshot(packed)).toEqual(s);
    // Parts of different snapshots are refused, not misaligned.
    const other = deflateJson({ ...body, statuses: encodeStatuses([undefined]) });
    await expect(unpackSnapshot({ ...packed, body: other })).rejects.toThrow(
      /snapshot parts disagree: 10000 points, 1 statuses/,
    );
    await expect(unpackSnapshot({ ...packed, body: Buffer.from('not deflate') })).rejects.toThrow(/invalid/);
  });
});

describe('wire rounding', () => {
  it('rounds RTT and jitter to 0.1 ms below 10 ms and to 1 ms above, loss to 0.1 %', () => {
    expect(roundMs(0.0234)).toBe(0);
    expect(roundMs(0.06)).toBe(0.1);
    expect(roundMs(9.94)).toBe(9.9);
    expect(roundMs(10.4)).toBe(10);
    expect(roundMs(152.6)).toBe(153);
    expect(roundMs(null)).toBeNull();
    const s: PointStatus = {
      code: 'A',
      state: 'up',
      rtt: 23.456,
      loss: 1.666,
      jitter: 0.345,
      since: null,
      backup: null,
      endpoint: null,
      inCall: null,
    };
    expect(wireStatus(s)).toEqual({ ...s, rtt: 23, loss: 1.7, jitter: 0.3 });
  });

  it('treats statuses that round alike as the same, and any state change as a change', () => {
    const a: PointStatus = {
      code: 'A',
      state: 'up',
      rtt: 0.021,
      loss: 0,
      jitter: 0.004,
      since: null,
      backup: null,
      endpoint: null,
      inCall: null,
    };
    expect(sameWireStatus(wireStatus(a), wireStatus({ ...a, rtt: 0.034, jitter: 0.011 }))).toBe(true);
    expect(sameWireStatus(wireStatus(a), wireStatus({ ...a, rtt: 0.07 }))).toBe(false);
    expect(sameWireStatus(wireStatus(a), wireStatus({ ...a, state: 'degraded' }))).toBe(false);
    expect(sameWireStatus(wireStatus(a), wireStatus({ ...a, backup: 'down' }))).toBe(false);
  });
});

describe('published statuses', () => {
  const base: PointStatus = {
    code: 'A',
    state: 'up',
    rtt: 12.2,
    loss: 0,
    jitter: 0.5,
    since: null,
    backup: null,
    endpoint: null,
    inCall: null,
  };

  it('publishes only visible changes, and snapshots give what was published, not what is pending', () => {
    let current: PointStatus | undefined = base;
    const p = new Published(readFromStatus(() => current));
    expect(p.publish(['A'])).toEqual([{ ...base, rtt: 12 }]);
    current = { ...base, rtt: 12.4 }; // rounds alike: nothing to send
    expect(p.publish(['A'])).toEqual([]);
    // Changed, not yet flushed: a client joining now gets the published status (the seq it builds on)…
    current = { ...base, state: 'degraded', rtt: 180 };
    expect(p.status('A')).toEqual({ ...base, rtt: 12 });
    // …so when the point is back before the tick, nobody is left holding "degraded".
    current = { ...base, rtt: 11.8 };
    expect(p.publish(['A'])).toEqual([]);
    current = { ...base, state: 'down', rtt: null, loss: 100, jitter: null };
    expect(p.publish(['A'])).toEqual([current]);
    current = undefined; // the point left the inventory
    expect(p.publish(['A'])).toEqual([]);
    expect(p.status('A')).toBeUndefined();
  });
});
