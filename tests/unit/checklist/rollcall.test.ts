// The automatic roll calls at T−10 min and at the start: taken by the server on its own (its timer on
// the injected clock), late when it was not running then, never twice, never after the planned end.
import { afterEach, describe, expect, it } from 'vitest';
import { MIN, SESSION, makeRig, meeting, type Rig } from './setup';

const rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs.splice(0).toReversed()) r.dispose();
});
const rigAt = async (now: number, dir?: string) => {
  const r = await makeRig({ now, dir });
  rigs.push(r);
  return r;
};

const M = meeting.id;
const HOSTS = { HT: '127.30.0.1', 'HT-CL': '127.30.0.2', 'HT-CL-DL': '127.30.0.3', 'HT-CX': '127.30.0.4' };

/** Three probes a second apart: HT and HT-CX answer, HT-CL does not, HT-CL-DL is never probed. */
function settle(r: Rig, cl: number | null = null): void {
  for (let i = 0; i < 3; i++) r.probe({ [HOSTS.HT]: 10, [HOSTS['HT-CX']]: 20, [HOSTS['HT-CL']]: cl });
}

describe('roll call', () => {
  it("[RC1] [RC2] [RC3] takes the lists at T−10 min and at the start, with each point's state", async () => {
    const r = await rigAt(SESSION - 30 * MIN);
    r.rollCall.start();
    r.clock.set(SESSION - 10 * MIN - 3_000);
    settle(r);
    r.clock.set(SESSION - 10 * MIN - 1);
    await r.rollCall.check();
    expect(r.store.listRollCallCaptures(M)).toEqual([]);
    r.clock.set(SESSION - 10 * MIN);
    await r.rollCall.check();
    expect(r.store.listRollCallCaptures(M)).toEqual([
      {
        meeting: M,
        moment: 'before',
        dueAt: SESSION - 10 * MIN,
        capturedAt: SESSION - 10 * MIN,
        entries: [
          { code: 'HT', state: 'up' },
          { code: 'HT-CL', state: 'down' },
          { code: 'HT-CL-DL', state: 'unknown' },
          { code: 'HT-CX', state: 'up' },
        ],
      },
    ]);
    // HT-CL comes up before the start.
    r.clock.set(SESSION - 5_000);
    settle(r, 15);
    r.clock.set(SESSION);
    await r.rollCall.check();
    await r.rollCall.check();
    const [, start] = r.store.listRollCallCaptures(M);
    expect(start?.moment).toBe('start');
    expect(start?.capturedAt).toBe(SESSION);
    expect(start?.entries.find((e) => e.code === 'HT-CL')?.state).toBe('up');
    const captured = r.events.filter((e) => e.type === 'captured');
    expect(captured).toHaveLength(2);
    const snap = await r.service.snapshot(M, { name: 'xem', role: 'viewer', units: [] });
    expect(snap.rollCall.captures.map((c) => [c.moment, c.entries.filter((e) => e.connected).length])).toEqual([
      ['before', 2],
      ['start', 3],
    ]);
    expect(snap.rollCall.dueAt).toEqual({
      before: '2026-03-06T07:50:00.000+07:00',
      start: '2026-03-06T08:00:00.000+07:00',
    });
  });

  it('[RC1] its own timer wakes it at the time due', async () => {
    const due = SESSION - 10 * MIN;
    const r = await makeRig({ now: due - 50, settleMs: 0 });
    rigs.push(r);
    r.rollCall.start();
    expect(r.store.listRollCallCaptures(M)).toEqual([]);
    // The timer sleeps the 50 ms the clock says are left; meanwhile the clock gets there.
    r.clock.set(due);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.store.listRollCallCaptures(M).map((c) => [c.moment, c.capturedAt])).toEqual([['before', due]]);
  });

  it('[RC4] a server started late takes both lists once it has seen the probes, with the real time', async () => {
    const startedAt = SESSION + 5 * MIN;
    const r = await rigAt(startedAt);
    r.rollCall.start();
    expect(r.store.listRollCallCaptures(M)).toEqual([]);
    settle(r);
    r.clock.set(startedAt + 9_999);
    await r.rollCall.check();
    expect(r.store.listRollCallCaptures(M)).toEqual([]);
    r.clock.set(startedAt + 10_000);
    await r.rollCall.check();
    const captures = r.store.listRollCallCaptures(M);
    expect(captures.map((c) => [c.moment, c.dueAt, c.capturedAt])).toEqual([
      ['before', SESSION - 10 * MIN, startedAt + 10_000],
      ['start', SESSION, startedAt + 10_000],
    ]);
    expect(captures[1]?.entries.find((e) => e.code === 'HT')?.state).toBe('up');
  });

  it('[RC4] nothing is taken after the planned end', async () => {
    const r = await rigAt(Date.parse(meeting.session.plannedEnd));
    r.rollCall.start();
    r.clock.advance(60 * MIN);
    await r.rollCall.check();
    expect(r.store.listRollCallCaptures(M)).toEqual([]);
  });

  it('[RC5] after a restart the lists already taken stand; none is taken twice', async () => {
    const r = await rigAt(SESSION - 20 * MIN);
    r.rollCall.start();
    r.clock.set(SESSION);
    await r.rollCall.check();
    const before = r.store.listRollCallCaptures(M);
    expect(before).toHaveLength(2);
    const again = await r.reopen();
    rigs.push(again);
    again.rollCall.start();
    again.clock.advance(5 * MIN);
    await again.rollCall.check();
    expect(again.store.listRollCallCaptures(M)).toEqual(before);
    expect(again.events).toEqual([]);
  });
});
