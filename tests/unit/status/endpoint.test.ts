// A point's line and its room's endpoint, apart (docs/TARGETS.md TG5–TG7): the board's endpoint
// aggregate and in-call flag, and the outage recorder's endpoint lane, on the manual clock.
import pino from 'pino';
import { asyncStore } from '../../../server/store/async';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { StatusBoard, type PointTransition } from '../../../server/status/board';
import { OutageRecorder } from '../../../server/status/outages';
import type { CodecCall } from '../../../shared/targets';
import { Point } from '../../../shared/schemas';
import { MemoryStore } from '../../helpers/memory-store';

const T0 = Date.parse('2026-03-06T08:40:00+07:00');
const logger = pino({ level: 'silent' });
const LINE = 'icmp:127.61.0.1';
const SIP = 'sip:udp:127.61.0.1:5060';
const CODEC = 'videoos:127.61.0.2:443';

const room = Point.parse({
  code: 'P1',
  name: 'Điểm cầu xã Cẩm Bình',
  level: 'commune',
  unit: 'xa-1',
  targets: [
    { kind: 'icmp', host: '127.61.0.1' },
    { kind: 'sip', host: '127.61.0.1' },
    { kind: 'videoos', host: '127.61.0.2', user: 'admin', password: { env: 'POLY_PW' } },
  ],
});
const lineOnly = Point.parse({
  code: 'P2',
  name: 'Điểm cầu xã Cẩm Dương',
  level: 'commune',
  unit: 'xa-1',
  targets: [{ kind: 'icmp', host: '127.61.0.3' }],
});

const inCall = (lossPct: number): CodecCall => ({
  inCall: true,
  farEnd: 'sip:hop-tinh@mcu',
  channels: [{ media: 'audio', direction: 'rx', rateKbps: 64, lossPct, jitterMs: 3 }],
});

function setup() {
  const clock = new ManualClock(T0);
  const board = new StatusBoard({ clock, logger });
  board.setPoints([room, lineOnly]);
  const store = new MemoryStore();
  const recorder = new OutageRecorder({
    store: asyncStore(store),
    logger,
    meetingsOf: () => [],
    meeting: () => undefined,
  });
  const transitions: PointTransition[] = [];
  board.onTransition((t) => transitions.push(t));
  board.onTransition((t) => recorder.onTransition(t));
  let t = T0;
  /** One second: a result for each target given (null: lost), the others say nothing; writes settled. */
  const second = async (r: Partial<Record<string, number | null>>, call?: CodecCall): Promise<void> => {
    for (const [target, rtt] of Object.entries(r)) {
      board.observe({ target, t, rtt: rtt ?? null, ...(target === CODEC && call ? { call } : {}) });
    }
    t += 1000;
    clock.set(t);
    await recorder.settled();
  };
  return { board, store, transitions, second, now: () => t };
}

describe('[TG5] line up, endpoint not answering', () => {
  it('[TG5] the endpoint is down after three lost SIP probes while the line stays up; the point state is the line', async () => {
    const h = setup();
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: 2 });
    expect(h.board.status('P1')).toMatchObject({ state: 'up', endpoint: 'up' });
    const lostAt = h.now();
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: null });
    expect(h.board.status('P1')).toMatchObject({ state: 'up', endpoint: 'down' });
    const ep = h.transitions.filter((x) => x.class === 'endpoint');
    expect(ep.at(-1)).toMatchObject({ point: 'P1', to: 'down', at: lostAt, target: SIP, kind: 'sip' });
    // [TG7] One endpoint outage, of the SIP target, from the first lost probe; none of the line.
    const open = h.store.listOutages({});
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ point: 'P1', class: 'endpoint', target: SIP, kind: 'sip', startedAt: lostAt });
    // The target rows say which target fails and why.
    const sip = h.board.targetRows('P1').find((r) => r.id === SIP)!;
    expect(sip).toMatchObject({ kind: 'sip', role: 'endpoint', state: 'down' });
    // Back: three answers close it at the first of them.
    const backAt = h.now();
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: 2 });
    expect(h.board.status('P1')!.endpoint).toBe('up');
    expect(h.store.listOutages({})[0]).toMatchObject({ class: 'endpoint', endedAt: backAt });
  });

  it('[TG7] a line cut is a line outage only: the endpoint is unknown behind it, its own outage ends where the cut begins', async () => {
    const h = setup();
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: 2 });
    // The codec's stack hangs first…
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: null });
    expect(h.store.listOutages({ point: 'P1' }).map((o) => o.class)).toEqual(['endpoint']);
    // …then the line is cut: nothing answers.
    const cutAt = h.now();
    for (let i = 0; i < 5; i++) await h.second({ [LINE]: null, [SIP]: null });
    expect(h.board.status('P1')).toMatchObject({ state: 'down', endpoint: 'unknown' });
    const rows = h.store.listOutages({ point: 'P1' }).sort((a, b) => a.startedAt - b.startedAt);
    expect(rows.map((o) => [o.class, o.startedAt, o.endedAt])).toEqual([
      ['endpoint', cutAt - 3000, cutAt],
      ['line', cutAt, null],
    ]);
    expect(rows[1]).toMatchObject({ type: 'down', target: LINE, kind: 'icmp' });
    // The line back, the endpoint answering again: the line outage closes, no new endpoint outage.
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: 2 });
    expect(
      h.store
        .listOutages({ point: 'P1' })
        .sort((a, b) => a.startedAt - b.startedAt)
        .map((o) => [o.class, o.endedAt !== null]),
    ).toEqual([
      ['endpoint', true],
      ['line', true],
    ]);
  });

  it('[TG7] an endpoint still down when the line comes back is an endpoint outage from the first SIP probe lost over the restored line', async () => {
    const h = setup();
    for (let i = 0; i < 3; i++) await h.second({ [LINE]: 1, [SIP]: 2 });
    for (let i = 0; i < 4; i++) await h.second({ [LINE]: null, [SIP]: null });
    const backAt = h.now();
    for (let i = 0; i < 6; i++) await h.second({ [LINE]: 1, [SIP]: null });
    const rows = h.store.listOutages({ point: 'P1' }).sort((a, b) => a.startedAt - b.startedAt);
    expect(rows.map((o) => o.class)).toEqual(['line', 'endpoint']);
    expect(rows[0]!.endedAt).toBe(backAt);
    // The line is known back only at its third reply (backAt + 2 s), yet the SIP probes lost since its
    // first reply were sent over the restored line: the outage starts there, as the lab's truth has it.
    expect(rows[1]!.startedAt).toBe(backAt);
  });

  it('[TG7] a cut whose third lost SIP probe is heard before the line’s third makes no endpoint outage', async () => {
    const h = setup();
    for (let i = 0; i < 3; i++) await h.second({ [SIP]: 2, [LINE]: 1 });
    // Everything to the address dropped; each second the SIP verdict arrives first.
    for (let i = 0; i < 5; i++) await h.second({ [SIP]: null, [LINE]: null });
    expect(h.board.status('P1')).toMatchObject({ state: 'down', endpoint: 'unknown' });
    for (let i = 0; i < 3; i++) await h.second({ [SIP]: 2, [LINE]: 1 });
    expect(h.store.listOutages({ point: 'P1' }).map((o) => [o.class, o.endedAt !== null])).toEqual([['line', true]]);
  });

  it('[TG5] a lossy line that stays up makes no endpoint outage; a point with only a line has no endpoint state', async () => {
    const h = setup();
    for (let i = 0; i < 30; i++) await h.second({ [LINE]: i % 7 === 0 ? null : 1, [SIP]: 2, 'icmp:127.61.0.3': 1 });
    expect(h.store.listOutages({})).toEqual([]);
    expect(h.board.status('P1')!.endpoint).toBe('up');
    expect(h.board.status('P2')).toMatchObject({ endpoint: null, inCall: null });
  });

  it('[TG5] an endpoint never turns degraded or severe from its latency', async () => {
    const h = setup();
    for (let i = 0; i < 20; i++) await h.second({ [LINE]: 1, [SIP]: 400 });
    expect(h.board.targetRows('P1').find((r) => r.id === SIP)!.state).toBe('up');
    expect(h.board.status('P1')).toMatchObject({ state: 'up', endpoint: 'up' });
  });
});

describe('[TG6] in the call, as the codec says', () => {
  it('[TG6] follows the codec while it answers, null when it does not; a change marks the point changed', async () => {
    const h = setup();
    await h.second({ [LINE]: 1, [CODEC]: 5 }, inCall(0));
    expect(h.board.status('P1')!.inCall).toBe(true);
    h.board.drainChanged();
    await h.second({ [CODEC]: 5 }, { inCall: false, farEnd: null, channels: [] });
    expect(h.board.status('P1')!.inCall).toBe(false);
    expect(h.board.drainChanged()).toContain('P1');
    for (let i = 0; i < 3; i++) await h.second({ [CODEC]: null });
    expect(h.board.status('P1')!.inCall).toBeNull();
    expect(h.board.targetRows('P1').find((r) => r.id === CODEC)).toMatchObject({ kind: 'videoos', state: 'down' });
  });
});
