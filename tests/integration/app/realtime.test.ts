// Real Socket.IO clients against createApp on port 0: snapshot then deltas, resync, two meetings,
// handshake and payload validation.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, MeetingDelta, MeetingSnapshot } from '../../../shared/protocol';
import type { PointStatus } from '../../../shared/schemas';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import {
  ackError,
  api,
  connectSocket,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { targetId } from '../../../shared/targets';

const { units, points } = tinyProvince(41, 4);
let t: TestApp;
const sockets: TestSocket[] = [];

function open(protocol?: number): TestSocket {
  const s = connectSocket(t.url, t.cookie, protocol);
  sockets.push(s);
  return s;
}

async function join(s: TestSocket, meetingId: unknown): Promise<Ack<MeetingSnapshot>> {
  // Deliberately untyped payload: the server must refuse what the types would not allow.
  const emit = s.emitWithAck.bind(s) as (ev: string, p: unknown) => Promise<Ack<PackedSnapshot>>;
  const ack = await emit('meeting:join', { meetingId });
  // The snapshot travels packed (protocol 3: compressed columns); unpacked, it is the same snapshot.
  return ack.ok ? { ok: true, data: await unpackSnapshot(ack.data) } : ack;
}

/**
 * Deltas carry only points whose status changed as shown (rounded figures), and loopback RTTs hardly
 * move: the engine "loses" these points' hosts (as when an fping dies), so they go unknown and come
 * back up through real probes — real changes that every room holding them must be told of.
 */
function churn(codes: readonly string[]): void {
  const ids = points.filter((p) => codes.includes(p.code)).flatMap((p) => p.targets.map((x) => targetId(x)));
  t.app.inProcess!.board.gap(ids);
}

function collect(s: TestSocket): MeetingDelta[] {
  const deltas: MeetingDelta[] = [];
  s.on('meeting:delta', (d) => deltas.push(d));
  return deltas;
}

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [
      meetingNow('M1', 'live', { points: ['P', 'C1', 'C2'] }),
      meetingNow('M2', 'lineTest', { points: ['C3', 'C4'] }),
    ],
    cadence: { idleMs: 60_000, lineTestMs: 500, liveMs: 500 },
  });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

describe('realtime hub', () => {
  it('sends a snapshot of the meeting, then numbered deltas of changed points only', async () => {
    const s = open();
    const deltas = collect(s);
    const snap = okData(await join(s, 'M1'));
    expect(snap.meeting.id).toBe('M1');
    expect(snap.meeting.phase).toBe('live');
    expect(snap.points.map((p) => p.code).sort()).toEqual(['C1', 'C2', 'P']);
    // The units on the paths of its points only: not C3 and C4, which are M2's.
    expect(snap.units.map((u) => u.id)).toEqual(['P', 'D1', 'C1', 'C2']);
    expect(snap.statuses.map((x) => x.code).sort()).toEqual(['C1', 'C2', 'P']);
    expect(Math.abs(snap.serverTime - Date.now())).toBeLessThan(5_000);

    // Apply deltas on top of the snapshot: every point goes unknown (churn) and ends up up again.
    const state = new Map<string, PointStatus>(snap.statuses.map((x) => [x.code, x]));
    churn(['P', 'C1', 'C2']);
    await waitFor('all M1 points up through deltas', () => {
      // At least the churn's "unknown" and the "up" after it; figures only when they visibly move.
      if (deltas.length < 2) return false;
      for (const d of deltas) for (const x of d.statuses) state.set(x.code, x);
      return [...state.values()].every((x) => x.state === 'up');
    });
    deltas.forEach((d, i) => {
      expect(d.meetingId).toBe('M1');
      expect(d.seq).toBe(snap.seq + i + 1);
      for (const x of d.statuses) expect(['P', 'C1', 'C2']).toContain(x.code);
      expect(new Set(d.statuses.map((x) => x.code)).size).toBe(d.statuses.length);
    });
    // The oldest probe behind a delta's statuses: the dashboards' latency is measured from it.
    const ages = deltas.filter((d) => d.statuses.length > 0).map((d) => d.serverTime - (d.probedAt ?? -Infinity));
    expect(ages.length).toBeGreaterThan(0);
    for (const age of ages) expect(age).toBeGreaterThanOrEqual(0);
    for (const age of ages) expect(age).toBeLessThan(5_000);
    // ...and from when its outcome was known: a reply's arrival (send + RTT), a loss's timeout.
    for (const d of deltas.filter((x) => x.statuses.length > 0)) {
      expect(d.knownAt).toBeGreaterThanOrEqual(d.probedAt!);
      expect(d.knownAt).toBeLessThanOrEqual(d.serverTime);
    }
    const up = state.get('C1')!;
    expect(up.rtt).not.toBeNull();
    expect(up.rtt!).toBeGreaterThanOrEqual(0);
    expect(up.since).toMatch(/\+07:00$/);
  });

  it('keeps two meetings apart: each room gets only its own points', async () => {
    const a = open();
    const b = open();
    const da = collect(a);
    const db = collect(b);
    const [ja, jb] = await Promise.all([join(a, 'M1'), join(b, 'M2')]);
    expect(okData(ja).meeting.phase).toBe('live');
    expect(okData(jb).meeting.phase).toBe('lineTest');
    expect(
      okData(jb)
        .points.map((p) => p.code)
        .sort(),
    ).toEqual(['C3', 'C4']);
    churn(['P', 'C1', 'C2', 'C3', 'C4']);
    await waitFor('deltas in both rooms', () => da.length >= 2 && db.length >= 2);
    for (const d of da) for (const x of d.statuses) expect(['P', 'C1', 'C2']).toContain(x.code);
    for (const d of db) {
      expect(d.meetingId).toBe('M2');
      for (const x of d.statuses) expect(['C3', 'C4']).toContain(x.code);
    }
  });

  it('resyncs after a reconnect: a fresh snapshot, then deltas continuing from its seq', async () => {
    const first = open();
    const before = collect(first);
    okData(await join(first, 'M1'));
    churn(['C1']);
    await waitFor('a delta before the disconnect', () => before.length >= 1);
    first.disconnect();

    const again = open();
    const after = collect(again);
    const j2 = okData(await join(again, 'M1'));
    churn(['C2']);
    expect(j2.seq).toBeGreaterThanOrEqual(before[before.length - 1]!.seq);
    await waitFor('a delta after the reconnect', () => after.length >= 1);
    expect(after[0]!.seq).toBe(j2.seq + 1);
  });

  it('refuses a client that speaks another protocol version at the handshake', async () => {
    const s = open(99);
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    expect(err.message).toMatch(/protocol mismatch: server speaks 4, client 99/);
    expect(s.connected).toBe(false);
  });

  it('answers bad payloads with a clear error and keeps serving', async () => {
    const s = open();
    const bad = ackError(await join(s, 5));
    expect(bad.code).toBe('bad_request');
    expect(bad.fields?.meetingId).toBeTruthy();
    const missing = await join(s, 'NOPE');
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const extra = await (s.emitWithAck as (ev: string, p: unknown) => Promise<Ack<unknown>>)('meeting:join', {
      meetingId: 'M1',
      evil: true,
    });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // No ack callback at all, and an event the server does not know: neither may break the socket.
    (s.emit as (ev: string, ...a: unknown[]) => void)('meeting:join', { meetingId: 'M1' });
    (s.emit as (ev: string, ...a: unknown[]) => void)('no:such-event', 'x');
    expect(okData(await join(s, 'M1')).meeting.id).toBe('M1');
  });

  it('runs "test now" for a point with the portable engine', async () => {
    const s = open();
    const r = okData(await s.emitWithAck('point:test', { code: 'C1' }));
    expect(r.code).toBe('C1');
    expect(r.results).toEqual([expect.objectContaining({ host: '127.41.1.1', role: 'primary', alive: true })]);
    const missing = await s.emitWithAck('point:test', { code: 'ZZ' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
  it('packs the snapshot once per tick: joins share its bytes; the head changes only with the inventory', async () => {
    const hub = t.app.hub;
    // C1 up first (an earlier test's churn may leave it unknown a moment): its churn below is a change.
    await waitFor('C1 up', () => t.app.inProcess!.board.status('C1')?.state === 'up');
    hub.flush();
    const a = await hub.packedSnapshot('M1');
    const b = await hub.packedSnapshot('M1');
    // Same seq, within the reuse window: the very same buffers, not copies.
    expect(b.head).toBe(a.head);
    expect(b.body).toBe(a.body);
    // A publish makes the body stale; the points and units stay what they were.
    churn(['C1']);
    hub.flush();
    const c = await hub.packedSnapshot('M1');
    expect(c.seq).toBeGreaterThan(a.seq);
    expect(c.body).not.toBe(a.body);
    expect(c.head).toBe(a.head);
    expect((await unpackSnapshot(c)).statuses.find((x) => x.code === 'C1')?.state).toBe('unknown');
    // An inventory change rebuilds the head: the new name is in the next join's snapshot.
    const c1 = points.find((p) => p.code === 'C1')!;
    expect((await api(t, 'PUT', '/api/points/C1', { ...c1, name: 'Xã Đổi Tên' })).status).toBe(200);
    const d = await hub.packedSnapshot('M1');
    expect(d.head).not.toBe(a.head);
    const snap = await unpackSnapshot(d);
    expect(snap.points.find((p) => p.code === 'C1')?.name).toBe('Xã Đổi Tên');
    expect(snap.points.map((p) => p.code).sort()).toEqual(['C1', 'C2', 'P']);
    // Through a socket too.
    expect(okData(await join(open(), 'M1')).points.find((p) => p.code === 'C1')?.name).toBe('Xã Đổi Tên');
  });

  it('offers no per-connection compression: the websocket upgrade declines permessage-deflate', async () => {
    const { port } = new URL(t.url);
    const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/socket.io/?EIO=4&transport=websocket',
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': randomBytes(16).toString('base64'),
          'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
          cookie: t.cookie,
        },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.headers);
      });
      req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(headers.upgrade).toBe('websocket');
    expect(headers['sec-websocket-extensions']).toBeUndefined();
  });
});
