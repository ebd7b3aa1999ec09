// Several technicians at once, through the real app: two real Socket.IO clients join the checklist of
// a meeting in its line test and tick concurrently — different items both apply and reach the other
// within a second; the same item from the same version is won by exactly one, the other gets
// `conflict` with the current value; the audit history holds every accepted change. Every event is
// tried by each role.
import { unpackJson } from '../../../shared/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecklistChanged, ChecklistSnapshot, ItemMark } from '../../../shared/checklist';
import type { ChecklistConflict } from '../../../shared/protocol';
import type { Unit } from '../../../shared/schemas';
import {
  api,
  connectSocket,
  connected,
  meetingNow,
  okData,
  startTestApp,
  tinyProvince,
  userCookie,
  type TestApp,
  type TestSocket,
} from '../../helpers/app';

const base = tinyProvince(70, 4);
const units: Unit[] = [...base.units, { id: 'D2', name: 'Huyện Hai', level: 'district', parent: 'P' }];
let t: TestApp;
const sockets: TestSocket[] = [];
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp({
    units,
    points: base.points,
    meetings: [meetingNow('M', 'lineTest')],
    cadence: { idleMs: 60_000, lineTestMs: 2_000, liveMs: 2_000 },
  });
  cookies.an = await userCookie(t, 'kt.an', 'technician');
  cookies.binh = await userCookie(t, 'kt.binh', 'technician');
  cookies.viewer = await userCookie(t, 'xem', 'viewer');
  cookies.d2 = await userCookie(t, 'kt.d2', 'technician', ['D2']);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.dispose();
});

async function client(
  cookie: string,
): Promise<{ s: TestSocket; snap: ChecklistSnapshot; changes: ChecklistChanged[] }> {
  const s = connectSocket(t.url, cookie);
  sockets.push(s);
  const changes: ChecklistChanged[] = [];
  s.on('checklist:changed', (c) => changes.push(c));
  await connected(s);
  // Packed since protocol 3 (deflate-raw JSON).
  const snap = await unpackJson(okData(await s.emitWithAck('checklist:join', { meetingId: 'M' })));
  return { s, snap, changes };
}

/** Resolves with the first change to (point, item) this client hears, and how long it took. */
function heard(
  changes: ChecklistChanged[],
  point: string,
  item: string,
  since: number,
): Promise<{ mark: ItemMark; ms: number }> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`no change of ${point}/${item} heard`)), 5_000);
    const poll = setInterval(() => {
      const mark = changes.flatMap((c) => c.items).find((m) => m.point === point && m.item === item);
      if (!mark) return;
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ mark, ms: Date.now() - since });
    }, 5);
  });
}

describe('checklist over Socket.IO', () => {
  it('[CL2] a change by one technician reaches the other', async () => {
    const a = await client(cookies.an!);
    const b = await client(cookies.binh!);
    expect(a.snap.template.items.map((i) => i.key)).toContain('am-thanh');
    expect(a.snap.points.map((p) => p.code)).toEqual(['P', 'D1', 'C1', 'C2', 'C3', 'C4']);
    expect(a.snap.writable).toBe('all');
    const sentAt = Date.now();
    const ack = await a.s.emitWithAck('checklist:set', {
      meetingId: 'M',
      point: 'C1',
      item: 'am-thanh',
      result: 'pass',
      note: 'Rõ hai chiều',
      version: 0,
    });
    const mine = okData(ack);
    expect(mine).toMatchObject({ point: 'C1', item: 'am-thanh', result: 'pass', by: 'kt.an', version: 1 });
    const { mark } = await heard(b.changes, 'C1', 'am-thanh', sentAt);
    expect(mark).toEqual(mine);
  });

  it('[CL5] two technicians racing on the same item: exactly one wins, the other sees the current value', async () => {
    const a = await client(cookies.an!);
    const b = await client(cookies.binh!);
    const write = { meetingId: 'M', point: 'C2', item: 'hinh-anh', version: 0 } as const;
    // Both fire before either answer arrives.
    const [ra, rb] = await Promise.all([
      a.s.emitWithAck('checklist:set', { ...write, result: 'pass' }),
      b.s.emitWithAck('checklist:set', { ...write, result: 'fail', note: 'Mất hình' }),
    ]);
    const winners = [ra, rb].filter((r) => r.ok);
    const losers = [ra, rb].filter((r) => !r.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const won = okData(winners[0]!);
    const lost = losers[0]!;
    if (lost.ok) throw new Error('unreachable');
    const conflict = lost.error as ChecklistConflict;
    expect(conflict.code).toBe('conflict');
    expect(conflict.current).toEqual(won);
    expect(won.version).toBe(1);

    // The loser retries on the version it was shown and wins over it: no update is lost.
    const loserSocket = ra.ok ? b.s : a.s;
    const retried = okData(
      await loserSocket.emitWithAck('checklist:set', { ...write, version: conflict.current.version, result: 'fail' }),
    );
    expect(retried.version).toBe(2);

    const { json: history } = await api(t, 'GET', '/api/meetings/M/checklist/history?point=C2&item=hinh-anh');
    expect(history.map((h: { by: string; value: string; version: number }) => [h.by, h.value, h.version])).toEqual([
      [won.by, won.result, 1],
      [retried.by, 'fail', 2],
    ]);
    // Both clients converge on version 2.
    for (const c of [a, b]) {
      await expect
        .poll(
          () =>
            c.changes
              .flatMap((x) => x.items)
              .filter((m) => m.point === 'C2')
              .at(-1)?.version,
        )
        .toBe(2);
    }
  });

  it('[CL2] many concurrent ticks on different items all apply, each once, in the history', async () => {
    const a = await client(cookies.an!);
    const b = await client(cookies.binh!);
    const items = ['hinh-anh', 'am-thanh', 'camera', 'phong-nen', 'nguon-dien', 'can-bo-ky-thuat'];
    const acks = await Promise.all(
      items.flatMap((item, i) => [
        a.s.emitWithAck('checklist:set', { meetingId: 'M', point: 'C3', item, result: 'pass', version: 0 }),
        b.s.emitWithAck('checklist:set', {
          meetingId: 'M',
          point: 'C4',
          item,
          result: i % 2 ? 'fail' : 'na',
          version: 0,
        }),
      ]),
    );
    expect(acks.every((r) => r.ok)).toBe(true);
    const { json: history } = await api(t, 'GET', '/api/meetings/M/checklist/history');
    // Only the items ticked here: the server's automatic items (the backup line's n/a) may be written
    // at any tick, also during this test.
    const forC3C4 = history.filter(
      (h: { point: string; item: string }) => (h.point === 'C3' || h.point === 'C4') && items.includes(h.item),
    );
    expect(forC3C4).toHaveLength(12);
    const { json: snap } = await api(t, 'GET', '/api/meetings/M/checklist');
    expect(snap.items.filter((m: ItemMark) => m.point === 'C3' && m.result === 'pass')).toHaveLength(6);
  });

  it('refuses viewers, technicians outside their units, automatic items, bad payloads', async () => {
    const viewer = await client(cookies.viewer!);
    expect(viewer.snap.writable).toEqual([]);
    const w = { meetingId: 'M', point: 'C1', item: 'camera', result: 'pass', version: 0 } as const;
    const v = await viewer.s.emitWithAck('checklist:set', w);
    expect(v).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const vr = await viewer.s.emitWithAck('rollcall:confirm', {
      meetingId: 'M',
      point: 'C1',
      status: 'present',
      version: 0,
    });
    expect(vr).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const d2 = await client(cookies.d2!);
    expect(d2.snap.writable).toEqual([]);
    const scoped = await d2.s.emitWithAck('checklist:set', w);
    expect(scoped).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const a = await client(cookies.an!);
    const automatic = await a.s.emitWithAck('checklist:set', { ...w, item: 'duong-truyen' });
    expect(automatic).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const bad = await a.s.emitWithAck('checklist:set', { ...w, result: 'ok' as 'pass', version: -1 });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'bad_request', fields: { result: expect.any(String), version: expect.any(String) } },
    });
    const unknown = await a.s.emitWithAck('checklist:join', { meetingId: 'khong-co' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Nothing of the refused writes is in the history.
    const { json: history } = await api(t, 'GET', '/api/meetings/M/checklist/history?point=C1&item=camera');
    expect(history).toEqual([]);
  });

  it('[RC6] roll-call confirmations go through the same version check and reach the others', async () => {
    const a = await client(cookies.an!);
    const b = await client(cookies.binh!);
    const got = new Promise<unknown>((resolve) => b.s.once('checklist:changed', resolve));
    const r = okData(
      await a.s.emitWithAck('rollcall:confirm', { meetingId: 'M', point: 'D1', status: 'present', version: 0 }),
    );
    expect(r).toMatchObject({ point: 'D1', status: 'present', by: 'kt.an', version: 1 });
    expect(await got).toEqual({ meetingId: 'M', items: [], rollCall: [r] });
    const stale = await b.s.emitWithAck('rollcall:confirm', {
      meetingId: 'M',
      point: 'D1',
      status: 'absent',
      version: 0,
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict', current: { status: 'present', version: 1 } } });
  });
});
