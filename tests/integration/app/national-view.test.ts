// [NV2, NV3] A national meeting seen by province, through real Socket.IO clients, real probes and a
// real nftables table that makes one commune's line stop answering: the overview's counts and problem
// list follow; a province's grid gets its own points and outages only; the refusals say what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyOverviewDelta,
  type OverviewDelta,
  type OverviewModel,
  type OverviewSnapshot,
} from '../../../shared/overview';
import type { Ack, MeetingDelta, MeetingSnapshot, MeetingView } from '../../../shared/protocol';
import type { Point, Unit } from '../../../shared/schemas';
import { unpackSnapshot, type PackedSnapshot } from '../../../shared/wire';
import {
  ackError,
  api,
  connectSocket,
  meetingNow,
  okData,
  point,
  startTestApp,
  waitFor,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';
import { targetId } from '../../../shared/targets';
import { createDropTable, destroyAllNftTables, nftSkipReason, type NftDropTable } from '../../helpers/nft';

// 127.163.<province>.<n>: no other test uses this block.
const PROVINCES = [
  { id: 'HN', name: 'Thành phố Hà Nội' },
  { id: 'NA', name: 'Tỉnh Nghệ An' },
  { id: 'CM', name: 'Tỉnh Cà Mau' },
];
const units: Unit[] = [{ id: 'TW', name: 'Trung ương', level: 'province', parent: null }];
const points: Point[] = [point('TW-01', 'Điểm cầu Trung ương', 'province', 'TW', '127.163.0.1')];
PROVINCES.forEach((p, i) => {
  units.push({ id: p.id, name: p.name, level: 'province', parent: null });
  points.push(point(`${p.id}-00`, `Điểm cầu ${p.name}`, 'province', p.id, `127.163.${i + 1}.100`));
  for (let n = 1; n <= 3; n++) {
    units.push({ id: `${p.id}-X${n}`, name: `Xã ${n} (${p.name})`, level: 'commune', parent: p.id });
    points.push(point(`${p.id}-${n}`, `Điểm cầu xã ${n}`, 'commune', `${p.id}-X${n}`, `127.163.${i + 1}.${n}`));
  }
});
// A unit that takes no part in the meeting.
units.push({ id: 'OUT', name: 'Tỉnh Ngoài', level: 'province', parent: null });
points.push(point('OUT-01', 'Điểm cầu ngoài', 'province', 'OUT', '127.163.9.1'));
const NATIONAL = points.filter((p) => p.code !== 'OUT-01').map((p) => p.code);
const DOWN_HOST = '127.163.2.2'; // NA-2

const noNft = nftSkipReason();
let t: TestApp;
let table: NftDropTable | null = null;
const sockets: TestSocket[] = [];

function open(): TestSocket {
  const s = connectSocket(t.url, t.cookie);
  sockets.push(s);
  return s;
}

function churn(): void {
  t.app.inProcess!.board.gap(points.flatMap((p) => p.targets.map((x) => targetId(x))));
}

async function joinGrid(s: TestSocket, p: unknown): Promise<Ack<MeetingSnapshot>> {
  const emit = s.emitWithAck.bind(s) as (ev: string, p: unknown) => Promise<Ack<PackedSnapshot>>;
  const ack = await emit('meeting:join', p);
  return ack.ok ? { ok: true, data: await unpackSnapshot(ack.data) } : ack;
}

async function joinOverview(s: TestSocket, p: unknown): Promise<Ack<OverviewSnapshot>> {
  const emit = s.emitWithAck.bind(s) as (ev: string, p: unknown) => Promise<Ack<OverviewSnapshot>>;
  return emit('overview:join', p);
}

beforeAll(async () => {
  t = await startTestApp({
    units,
    points,
    meetings: [meetingNow('QG', 'live', { points: NATIONAL })],
    cadence: { idleMs: 60_000, lineTestMs: 300, liveMs: 300 },
  });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  table?.destroy();
  destroyAllNftTables();
  await t?.dispose();
});

describe('the national view (NV2, NV3)', () => {
  it('tells each meeting its size in GET /api/meetings', async () => {
    const res = await api(t, 'GET', '/api/meetings');
    const qg = (res.json as MeetingView[]).find((m) => m.id === 'QG')!;
    expect(qg.size).toBe(NATIONAL.length);
  });

  it.skipIf(noNft)(
    'opens the meeting by province; a commune down moves its province and the problem list, and only its province grid',
    async () => {
      const ov = open();
      const na = open();
      const hn = open();
      const overviewDeltas: OverviewDelta[] = [];
      const naDeltas: MeetingDelta[] = [];
      const hnDeltas: MeetingDelta[] = [];
      ov.on('overview:delta', (d) => overviewDeltas.push(d));
      na.on('meeting:delta', (d) => naDeltas.push(d));
      hn.on('meeting:delta', (d) => hnDeltas.push(d));

      // Wait until every point is up (real probes of loopback addresses).
      await waitFor('every point up', async () => {
        const snap = okData(await joinOverview(ov, { meetingId: 'QG' }));
        return snap.regions.every((r) => r.counts.up === r.total) && snap;
      });
      const snap = okData(await joinOverview(ov, { meetingId: 'QG' }));
      expect(snap.regions.map((r) => [r.id, r.name, r.total, r.own])).toEqual([
        ['TW', 'Trung ương', 1, false],
        ['HN', 'Thành phố Hà Nội', 4, false],
        ['NA', 'Tỉnh Nghệ An', 4, false],
        ['CM', 'Tỉnh Cà Mau', 4, false],
      ]);
      expect(snap.problems).toEqual([]);
      expect(snap.problemTotal).toBe(0);

      const naSnap = okData(await joinGrid(na, { meetingId: 'QG', unit: 'NA' }));
      expect(naSnap.points.map((p) => p.code).sort()).toEqual(['NA-00', 'NA-1', 'NA-2', 'NA-3']);
      // The units on its points' paths only: not the other provinces.
      expect(naSnap.units.map((u) => u.id)).toEqual(['NA', 'NA-X1', 'NA-X2', 'NA-X3']);
      const hnSnap = okData(await joinGrid(hn, { meetingId: 'QG', unit: 'HN' }));
      expect(hnSnap.points.map((p) => p.code).sort()).toEqual(['HN-00', 'HN-1', 'HN-2', 'HN-3']);

      // NA-2's line stops answering.
      table = createDropTable({ hook: 'input' });
      table.add(DOWN_HOST);
      let model: OverviewModel = { ...snap, phase: snap.meeting.phase };
      await waitFor(
        'NA-2 down in the overview',
        () => {
          for (const d of overviewDeltas.splice(0)) {
            expect(d.seq).toBe(model.seq + 1);
            model = applyOverviewDelta(model, d);
          }
          return model.problems.some((p) => p.code === 'NA-2' && p.state === 'down');
        },
        15_000,
      );
      const naRegion = model.regions.find((r) => r.id === 'NA')!;
      expect(naRegion.counts.down).toBe(1);
      expect(naRegion.counts.up + naRegion.counts.down).toBe(4);
      expect(model.regions.find((r) => r.id === 'HN')!.counts.up).toBe(4);
      const problem = model.problems.find((p) => p.code === 'NA-2')!;
      expect(problem).toMatchObject({ name: 'Điểm cầu xã 2', region: 'NA', state: 'down' });
      expect(problem.since).toMatch(/\+07:00$/);
      expect(model.problemTotal).toBe(model.problems.length);

      // The NA grid heard of NA-2 (status and outage); the HN grid heard of neither.
      await waitFor('NA-2 outage in the NA grid', () =>
        naDeltas.some((d) => d.outages.some((o) => o.point === 'NA-2' && o.type === 'down')),
      );
      for (const d of naDeltas) {
        expect(d.unit).toBe('NA');
        for (const s of d.statuses) expect(s.code.startsWith('NA-')).toBe(true);
      }
      expect(naDeltas.some((d) => d.statuses.some((s) => s.code === 'NA-2' && s.state === 'down'))).toBe(true);
      for (const d of hnDeltas) {
        for (const s of d.statuses) expect(s.code.startsWith('HN-')).toBe(true);
        expect(d.outages.filter((o) => !o.point.startsWith('HN-'))).toEqual([]);
      }
      // Each view numbers its own deltas.
      naDeltas.forEach((d, i) => expect(d.seq).toBe(naSnap.seq + i + 1));

      // A fresh NA grid carries the open outage in its snapshot; HN's does not.
      const again = okData(await joinGrid(open(), { meetingId: 'QG', unit: 'NA' }));
      expect(again.outages.some((o) => o.point === 'NA-2' && o.endedAt === null)).toBe(true);
      const hnAgain = okData(await joinGrid(open(), { meetingId: 'QG', unit: 'HN' }));
      expect(hnAgain.outages.filter((o) => !o.point.startsWith('HN-'))).toEqual([]);

      // It answers again: the problem leaves the list and the counts come back.
      table.remove(DOWN_HOST);
      await waitFor(
        'NA-2 back up in the overview',
        () => {
          for (const d of overviewDeltas.splice(0)) {
            expect(d.seq).toBe(model.seq + 1);
            model = applyOverviewDelta(model, d);
          }
          return model.problems.length === 0 && model.regions.every((r) => r.counts.up === r.total) && true;
        },
        15_000,
      );
      expect(model.problemTotal).toBe(0);
    },
    60_000,
  );

  it('moves a dashboard from one province to another: the first one’s deltas stop', async () => {
    const s = open();
    const got: MeetingDelta[] = [];
    s.on('meeting:delta', (d) => got.push(d));
    okData(await joinGrid(s, { meetingId: 'QG', unit: 'HN' }));
    okData(await joinGrid(s, { meetingId: 'QG', unit: 'CM' }));
    // Every point "lost" (as when an fping dies): unknown, then up again through real probes.
    churn();
    await waitFor('deltas of CM', () => got.some((d) => d.unit === 'CM' && d.statuses.length > 0));
    await new Promise((r) => setTimeout(r, 800));
    expect(got.filter((d) => d.unit !== 'CM')).toEqual([]);
    // Leaving the meeting leaves its views: no delta after the ack.
    okData(await s.emitWithAck('meeting:leave', { meetingId: 'QG' }));
    const n = got.length;
    churn();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(got.length).toBe(n);
  });

  it('refuses in words a unit that does not exist or has no point in the meeting, and a bad payload', async () => {
    const s = open();
    const unknown = ackError(await joinGrid(s, { meetingId: 'QG', unit: 'ZZ' }));
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).toBe('không có đơn vị ZZ');
    const outside = ackError(await joinGrid(s, { meetingId: 'QG', unit: 'OUT' }));
    expect(outside.code).toBe('bad_request');
    expect(outside.message).toBe('đơn vị OUT không có điểm cầu nào trong hội nghị QG');
    const badUnit = ackError(await joinGrid(s, { meetingId: 'QG', unit: 'có dấu' }));
    expect(badUnit.code).toBe('bad_request');
    expect(Object.keys(badUnit.fields ?? {})).toEqual(['unit']);
    const noMeeting = ackError(await joinOverview(s, { meetingId: 'KHONG' }));
    expect(noMeeting.code).toBe('not_found');
    const extra = ackError(await joinOverview(s, { meetingId: 'QG', unit: 'NA' }));
    expect(extra.code).toBe('bad_request');
    // Still serving.
    expect(okData(await joinOverview(s, { meetingId: 'QG' })).regions).toHaveLength(4);
  });
});
