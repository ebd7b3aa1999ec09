// [RC4] over a real socket: the server, started after the session began, takes both roll calls late
// and pushes each to the meeting's room packed (deflated JSON in a binary attachment, protocol 4), so
// a dashboard that never opens the checklist does not parse a list of every point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistSnapshot, RollCallCapture } from '../../../shared/checklist';
import type { PackedJson } from '../../../shared/wire';
import { unpackJson } from '../../../shared/wire';
import {
  connectSocket,
  connected,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const { units, points } = tinyProvince(40, 4);
let t: TestApp;
let s: TestSocket;
const heard: { meetingId: string; capture: PackedJson<RollCallCapture> }[] = [];
let joined: ChecklistSnapshot;

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('L', 'live')],
    cadence: { idleMs: 60_000, lineTestMs: 1_000, liveMs: 1_000 },
    checklist: { rollCallSettleMs: 2_000 },
  });
  s = connectSocket(t.url, t.cookie);
  s.on('rollcall:captured', (p) => heard.push(p));
  await connected(s);
  // Joined within the settle time: the captures come as events, not in this snapshot.
  joined = await unpackJson(okData(await s.emitWithAck('checklist:join', { meetingId: 'L' })));
});

afterAll(async () => {
  s?.disconnect();
  await t?.dispose();
});

describe('roll-call captures over Socket.IO', () => {
  it('[RC4] both late captures reach the room packed, and unpack to every point of the meeting', async () => {
    expect(joined.rollCall.captures).toEqual([]);
    await waitFor('two captures', () => heard.length === 2, 15_000);
    const captures: RollCallCapture[] = [];
    for (const h of heard) {
      expect(h.meetingId).toBe('L');
      // A binary attachment: no entries in the JSON part of the frame.
      expect(Object.keys(h.capture)).toEqual(['deflated']);
      expect(Buffer.isBuffer(h.capture.deflated)).toBe(true);
      captures.push(await unpackJson(h.capture));
    }
    expect(captures.map((c) => c.moment).toSorted()).toEqual(['before', 'start']);
    for (const c of captures) {
      expect(c.entries.map((e) => e.code).toSorted()).toEqual(points.map((p) => p.code).toSorted());
      // Taken late ([RC4]): after the instant it was due.
      expect(Date.parse(c.capturedAt)).toBeGreaterThan(Date.parse(c.dueAt));
    }
    // What a later join gets holds the same lists.
    const again = await unpackJson(okData(await s.emitWithAck('checklist:join', { meetingId: 'L' })));
    expect(again.rollCall.captures.toSorted((a, b) => a.moment.localeCompare(b.moment))).toEqual(
      captures.toSorted((a, b) => a.moment.localeCompare(b.moment)),
    );
  });
});
