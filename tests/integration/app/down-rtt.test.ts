// A down point shows no RTT, whether the dashboard learns its status from the join's snapshot or from
// a delta. Real app, real SQLite file, real Socket.IO; the point's probe results are fed to the
// monitor's own board (the engine probes it once a minute here, so they are the only results in play):
// three losses make it down, then one reply of a recovery run that has not yet brought it up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, MeetingDelta, MeetingSnapshot } from '../../../shared/protocol';
import type { PointStatus } from '../../../shared/schemas';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import { StatusStore } from '../../../client/src/lib/statusStore';
import { formatPointRtt } from '../../../client/src/lib/format';
import {
  connectSocket,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const { units, points } = tinyProvince(43, 2);
const HOST = '127.43.1.1'; // point C1
let t: TestApp;
const sockets: TestSocket[] = [];

async function join(): Promise<{ socket: TestSocket; snap: MeetingSnapshot; deltas: MeetingDelta[] }> {
  const socket = connectSocket(t.url, t.cookie);
  sockets.push(socket);
  const deltas: MeetingDelta[] = [];
  socket.on('meeting:delta', (d) => deltas.push(d));
  const ack = (await socket.emitWithAck('meeting:join', { meetingId: 'M' })) as Ack<PackedSnapshot>;
  return { socket, snap: await unpackSnapshot(okData(ack)), deltas };
}

const c1 = (list: readonly PointStatus[]): PointStatus | undefined => list.find((s) => s.code === 'C1');

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('M', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 60_000, liveMs: 60_000 },
  });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

describe('the RTT of a down point', () => {
  it('[NU1] is none in the snapshot and in the delta, and the tile shows "—" either way', async () => {
    const board = t.app.inProcess!.board;
    // The engine's first probe of C1 (a loopback reply) makes it up.
    await waitFor('C1 up', () => board.status('C1')?.state === 'up');
    const early = await join();
    expect(c1(early.snap.statuses)?.state).toBe('up');

    const t0 = Date.now();
    for (let i = 0; i < 3; i++) board.observe({ target: `icmp:${HOST}`, t: t0 + i, rtt: null });
    board.observe({ target: `icmp:${HOST}`, t: t0 + 3, rtt: 12.3 }); // one reply: still down (3 are needed)
    expect(board.status('C1')).toMatchObject({ state: 'down', rtt: null });

    // Delta path: the dashboard that joined before sees C1 go down, with no RTT.
    const delta = await waitFor('a delta with C1 down', () =>
      early.deltas.map((d) => c1(d.statuses)).find((s) => s?.state === 'down'),
    );
    expect(delta).toMatchObject({ state: 'down', rtt: null, loss: 100, jitter: null });

    // Snapshot path: a freshly loaded page gets the same.
    const fresh = await join();
    expect(c1(fresh.snap.statuses)).toMatchObject({ state: 'down', rtt: null, loss: 100, jitter: null });

    // What the tiles show from each: the client's store fed the snapshot, and the store fed the delta.
    const fromSnapshot = new StatusStore();
    fromSnapshot.reset(
      fresh.snap.points.map((p) => p.code),
      fresh.snap.statuses,
    );
    const fromDelta = new StatusStore();
    fromDelta.reset(
      early.snap.points.map((p) => p.code),
      early.snap.statuses,
    );
    fromDelta.apply([delta]);
    expect(formatPointRtt(fromSnapshot.get('C1'), 'vi-VN')).toBe('—');
    expect(formatPointRtt(fromDelta.get('C1'), 'vi-VN')).toBe('—');
    // An up point beside it still shows its RTT.
    expect(formatPointRtt(fromSnapshot.get('C2'), 'vi-VN')).toMatch(/ms$/);
  });
});
