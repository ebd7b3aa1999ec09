// The outage recorder driven through a real StatusBoard, on the in-memory Store and on a real SQLite
// file (reopened for the restart cases).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock';
import { StatusBoard } from '../../../server/status/board';
import { OutageRecorder, type OutageEvent } from '../../../server/status/outages';
import { openSqliteStore } from '../../../server/store/sqlite';
import { asyncStore } from '../../../server/store/async';
import type { SyncStore as Store } from '../../../server/store/types';
import { Meeting, Point } from '../../../shared/schemas';
import { MemoryDb, MemoryStore } from '../../helpers/memory-store';

const dir = mkdtempSync(join(tmpdir(), 'diemcau-outages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let seq = 0;
const opened: Store[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** A fresh database and a way to reopen it, as after a restart. */
type Backend = () => { store: Store; reopen: () => Store };
const BACKENDS: [string, Backend][] = [
  [
    'memory',
    () => {
      const db = new MemoryDb();
      const open = () => new MemoryStore(db);
      return { store: open(), reopen: open };
    },
  ],
  [
    'SQLite',
    () => {
      const file = join(dir, `outages-${++seq}.sqlite`);
      const open = () => {
        const s = openSqliteStore(file);
        opened.push(s);
        return s;
      };
      return { store: open(), reopen: open };
    },
  ],
];

const logger = pino({ level: 'silent' });
const at = (iso: string): number => Date.parse(iso);

// A: line test 05/3 15:00–16:00, session 06/3 08:00–11:00 (live window 07:00–11:15).
// B: line test 06/3 08:30–09:00 (window 08:15–09:15), session 06/3 14:00–16:00.
const MEETINGS = new Map(
  [
    {
      id: 'A',
      title: 'Hội nghị A',
      lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 60 },
      session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:00:00+07:00' },
      participants: { levels: ['commune'] },
    },
    {
      id: 'B',
      title: 'Hội nghị B',
      lineTest: { start: '2026-03-06T08:30:00+07:00', durationMin: 30 },
      session: { start: '2026-03-06T14:00:00+07:00', plannedEnd: '2026-03-06T16:00:00+07:00' },
      participants: { points: ['P1'] },
    },
  ].map((m) => [m.id, Meeting.parse(m)]),
);
const PARTICIPATION: Record<string, string[]> = { P1: ['A', 'B'], P2: ['A'], P3: [] };

const points = ['P1', 'P2', 'P3'].map((code, i) =>
  Point.parse({
    code,
    name: `Điểm cầu ${code}`,
    level: 'commune',
    unit: 'xa-1',
    targets: [{ kind: 'icmp', host: `127.0.0.${i + 1}` }],
  }),
);
const HOST: Record<string, string> = { P1: '127.0.0.1', P2: '127.0.0.2', P3: '127.0.0.3' };

/** One tick of the recorder, then its writes settled. */
async function settleTick(recorder: OutageRecorder, now: number): Promise<void> {
  recorder.tick(now);
  await recorder.settled();
}

async function setup(store: Store, start = at('2026-03-06T08:40:00+07:00')) {
  const clock = new ManualClock(start);
  const board = new StatusBoard({ clock, logger });
  board.setPoints(points);
  const recorder = new OutageRecorder({
    store: asyncStore(store),
    logger,
    meetingsOf: (code) => PARTICIPATION[code] ?? [],
    meeting: (id) => MEETINGS.get(id),
  });
  await recorder.load();
  board.onTransition((t) => recorder.onTransition(t));
  const events: OutageEvent[] = [];
  recorder.onEvent((e) => events.push(e));
  /** Results for a point at 1 s steps from `t`, the writes settled; resolves with the next t. */
  const feed = async (code: string, t: number, rtts: (number | null)[]): Promise<number> => {
    for (const rtt of rtts) {
      board.observe({ target: `icmp:${HOST[code]!}`, t, rtt });
      t += 1000;
    }
    await recorder.settled();
    return t;
  };
  return { store, clock, board, recorder, events, feed, start };
}

const n = <T>(k: number, x: T): T[] => Array<T>(k).fill(x);
const count = (store: Store): number => store.listOutages({}).length;

describe.each(BACKENDS)('outage recorder on the %s store', (_name, backend) => {
  describe('down outages', () => {
    it('[OU1][OU2][OU4] down opens one record per meeting in window, with its phase; up closes them', async () => {
      const { store, events, feed, start } = await setup(backend().store);
      const t1 = await feed('P1', start, n(10, 10));
      const t2 = await feed('P1', t1, n(5, null));
      const rows = store.listOutages({ point: 'P1' });
      expect(rows.map((r) => [r.meeting, r.phase]).sort()).toEqual([
        ['A', 'live'],
        ['B', 'lineTest'],
      ]);
      for (const r of rows) {
        expect(r).toMatchObject({ type: 'down', startedAt: t1, detectedAt: t1 + 2000, endedAt: null });
      }
      expect(events.map((e) => e.kind)).toEqual(['opened', 'opened']);
      await feed('P1', t2, n(3, 10));
      const closed = store.listOutages({ point: 'P1' });
      expect(closed.map((r) => r.endedAt)).toEqual([t2, t2]);
      expect(events.slice(2).map((e) => [e.kind, e.row.endedAt])).toEqual([
        ['closed', t2],
        ['closed', t2],
      ]);
      expect(store.openOutages()).toEqual([]);
    });

    it('[OU4] a point in no open window gets one record without meeting or phase', async () => {
      const { store, feed } = await setup(backend().store, at('2026-03-06T05:00:00+07:00'));
      const start = at('2026-03-06T05:00:00+07:00');
      await feed('P2', start, n(3, null)); // A's window opens at 07:00
      await feed('P3', start, n(3, null)); // in no meeting
      expect(
        store
          .listOutages({})
          .map((r) => [r.point, r.meeting, r.phase])
          .sort(),
      ).toEqual([
        ['P2', null, null],
        ['P3', null, null],
      ]);
    });

    it('[OU4] the phase is the meeting’s at startedAt: waiting between line test and session', async () => {
      const start = at('2026-03-06T07:30:00+07:00');
      const { store, feed } = await setup(backend().store, start);
      await feed('P2', start, n(3, null));
      expect(store.listOutages({})).toMatchObject([{ point: 'P2', meeting: 'A', phase: 'waiting' }]);
    });

    it('[OU4] attribution uses the window at startedAt, not at detection', async () => {
      // P2's line goes at 06:59:59; the third loss comes after A's live window opened at 07:00.
      const start = at('2026-03-06T06:59:59+07:00');
      const { store, feed } = await setup(backend().store, start);
      await feed('P2', start, n(3, null));
      expect(store.listOutages({})).toMatchObject([{ meeting: null, startedAt: start, detectedAt: start + 2000 }]);
    });

    it('[OU5] a gap ends nothing; found down again, the same record continues; found up, it closes', async () => {
      const { store, board, clock, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(3, null));
      expect(count(store)).toBe(1);
      clock.set(t1);
      board.gap([`icmp:${HOST.P3!}`]);
      expect(store.openOutages()).toHaveLength(1);
      const t2 = await feed('P3', t1 + 1000, n(4, null));
      expect(count(store)).toBe(1);
      await feed('P3', t2, n(3, 10));
      expect(store.listOutages({})).toMatchObject([{ startedAt: start, endedAt: t2 }]);
    });
  });

  describe('severe outages', () => {
    it('[OU3] severe for less than severeMinMs leaves no record', async () => {
      const { store, recorder, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(5, 300));
      await settleTick(recorder, t1);
      await feed('P3', t1, n(20, 10));
      await settleTick(recorder, t1 + 30_000);
      expect(store.listOutages({})).toEqual([]);
    });

    it('[OU3] severe for severeMinMs opens at tick (startedAt = became severe), closes on leaving severe', async () => {
      const { store, recorder, events, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(12, 300));
      await settleTick(recorder, start + 9_999);
      expect(store.listOutages({})).toEqual([]);
      await settleTick(recorder, start + 10_000);
      expect(store.openOutages()).toMatchObject([
        { point: 'P3', type: 'severe', startedAt: start, detectedAt: start + 10_000, endedAt: null },
      ]);
      await settleTick(recorder, start + 20_000);
      expect(count(store)).toBe(1);
      // Fast replies: the 10 s median falls to 155 at the 5th of them (degraded), which ends severe.
      await feed('P3', t1, n(12, 10));
      const [row] = store.listOutages({});
      expect(row!.endedAt).toBe(t1 + 4000);
      expect(events.map((e) => e.kind)).toEqual(['opened', 'closed']);
    });

    it('[OU3] a long severe period ended before any tick is still recorded, opened and closed', async () => {
      const { store, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(15, 300));
      await feed('P3', t1, n(12, 10));
      expect(store.listOutages({})).toMatchObject([
        { type: 'severe', startedAt: start, detectedAt: t1 + 4000, endedAt: t1 + 4000 },
      ]);
    });

    it('[OU3][OU1] severe then down: the severe record closes, a down record opens', async () => {
      const { store, recorder, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(12, 300));
      await settleTick(recorder, t1);
      await feed('P3', t1, n(3, null));
      const rows = store.listOutages({});
      const severe = rows.find((r) => r.type === 'severe')!;
      const down = rows.find((r) => r.type === 'down')!;
      expect(severe).toMatchObject({ startedAt: start, endedAt: t1 });
      expect(down).toMatchObject({ startedAt: t1, detectedAt: t1 + 2000, endedAt: null });
    });

    it('[OU6] a severe period that reached severeMinMs before a gap is recorded and stays open', async () => {
      const { store, board, clock, recorder, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(12, 300));
      clock.set(t1);
      board.gap([`icmp:${HOST.P3!}`]);
      await recorder.settled();
      expect(store.openOutages()).toMatchObject([{ type: 'severe', startedAt: start, detectedAt: t1 }]);
      // Found up (not severe) after the gap: closed.
      await feed('P3', t1 + 1000, [10]);
      expect(store.listOutages({})).toMatchObject([{ type: 'severe', endedAt: t1 + 1000 }]);
    });

    it('[OU6] a short severe period before a gap is dropped', async () => {
      const { store, board, clock, recorder, feed, start } = await setup(backend().store);
      const t1 = await feed('P3', start, n(3, 300));
      clock.set(t1);
      board.gap([`icmp:${HOST.P3!}`]);
      await settleTick(recorder, t1 + 60_000);
      expect(store.listOutages({})).toEqual([]);
    });
  });

  describe('restart', () => {
    it('[OU7] open outages are continued after a restart: no duplicate when down again, closed when up', async () => {
      const db = backend();
      const first = await setup(db.store);
      const t1 = await first.feed('P1', first.start, n(3, null));
      expect(db.store.openOutages()).toHaveLength(2);
      // The monitor stops; a new one starts on the same database ten minutes later.
      db.store.close();
      const store = db.reopen();
      const restart = t1 + 600_000;
      const second = await setup(store, restart);
      expect(second.recorder.openRows('P1')).toHaveLength(2);
      const t2 = await second.feed('P1', restart, n(5, null));
      expect(count(store)).toBe(2);
      expect(second.events).toEqual([]);
      await second.feed('P1', t2, n(3, 10));
      const rows = store.listOutages({ point: 'P1' });
      expect(rows).toHaveLength(2);
      for (const r of rows) expect(r).toMatchObject({ startedAt: first.start, endedAt: t2 });
      expect(second.events.map((e) => e.kind)).toEqual(['closed', 'closed']);
    });

    it('[OU7] after a restart, found up: the open down outage closes at the first reply', async () => {
      const db = backend();
      const first = await setup(db.store);
      await first.feed('P3', first.start, n(3, null));
      db.store.close();
      const store = db.reopen();
      const restart = first.start + 3_600_000;
      const second = await setup(store, restart);
      await second.feed('P3', restart, [10]);
      expect(store.listOutages({})).toMatchObject([{ startedAt: first.start, endedAt: restart }]);
    });

    it('[OU7] an open severe outage continues when found severe again, closes when found down', async () => {
      const db = backend();
      const first = await setup(db.store);
      const t1 = await first.feed('P3', first.start, n(12, 300));
      await settleTick(first.recorder, t1);
      db.store.close();
      const store = db.reopen();
      const restart = t1 + 60_000;
      const second = await setup(store, restart);
      const t2 = await second.feed('P3', restart, n(20, 300));
      await settleTick(second.recorder, t2);
      expect(count(store)).toBe(1);
      await second.feed('P3', t2, n(3, null));
      const rows = store.listOutages({});
      expect(rows.find((r) => r.type === 'severe')).toMatchObject({ startedAt: first.start, endedAt: t2 });
      expect(rows.find((r) => r.type === 'down')).toMatchObject({ startedAt: t2, endedAt: null });
    });
  });

  describe('clock', () => {
    it('[OU8] a clock going back does not produce a negative outage', async () => {
      const { store, feed, start } = await setup(backend().store);
      await feed('P3', start, n(3, null));
      const back = start - 3_600_000;
      await feed('P3', back, n(3, 10));
      const [row] = store.listOutages({});
      expect(row!.endedAt).not.toBeNull();
      expect(row!.endedAt!).toBeGreaterThanOrEqual(row!.startedAt);
    });
  });
});
