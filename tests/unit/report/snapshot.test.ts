// [RP13] Snapshots and retention on a real SQLite file with a manual clock: the report is stored when
// the meeting's window closes and served from then on (notes still current), a rescheduled meeting's
// snapshot is stale, and the daily purge drops old rollups but never a report's figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { asyncStore } from '../../../server/store/async';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toWireInstant } from '../../../shared/time';
import { ManualClock } from '../../../server/clock';
import { Inventory } from '../../../server/inventory/inventory';
import { ReportArchiver } from '../../../server/report/archive';
import { DAY_MS, RetentionJob } from '../../../server/report/retention';
import { ReportService } from '../../../server/report/service';
import { resolveParticipants } from '../../../server/schedule/participants';
import { openSqliteStore } from '../../../server/store/sqlite';
import type { SyncStore } from '../../../server/store/types';
import { END, LIVE, LT, MEETING, seed } from './fixture';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'dc-report-snap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLOSES = END + 15 * 60_000;

let n = 0;
let store: SyncStore;
let file: string;
let clock: ManualClock;
let inventory: Inventory;
let service: ReportService;
let archiver: ReportArchiver;

function build(rollupDays: number | null = 90, reportDays: number | null = null) {
  const participation = {
    pointsOf: (id: string) => {
      const m = inventory.meeting(id)!;
      return new Set(resolveParticipants(m, inventory.listPoints(), inventory.listUnits()));
    },
  };
  service = new ReportService({ store: asyncStore(store), inventory, participation, clock, logger, cacheMs: 0 });
  archiver = new ReportArchiver({
    service,
    store: asyncStore(store),
    inventory,
    clock,
    logger,
    rollupRetentionMs: rollupDays === null ? null : rollupDays * DAY_MS,
  });
  const retention = new RetentionJob({
    store: asyncStore(store),
    archiver,
    clock,
    logger,
    policy: { rollupDays, reportDays },
  });
  return { retention };
}

beforeEach(async () => {
  file = join(dir, `s${++n}.sqlite`);
  store = openSqliteStore(file);
  seed(store);
  clock = new ManualClock(END - 30 * 60_000);
  inventory = await Inventory.open(asyncStore(store));
});
afterEach(() => store.close());

const rollupCount = (): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM rollups').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('[RP13] report snapshots', () => {
  it('computes the report live until the window closes, then stores and serves the snapshot', async () => {
    build();
    expect(await archiver.due(clock.now())).toEqual([]);
    const during = await service.report(MEETING.id);
    expect(during.source).toBe('live');
    expect(during.phases.live.status).toBe('inProgress');

    clock.set(CLOSES - 1);
    expect(await archiver.due(clock.now())).toEqual([]);
    clock.set(CLOSES);
    expect(await archiver.due(clock.now())).toEqual([MEETING.id]);
    expect(await archiver.runDue()).toBe(1);
    expect(await archiver.runDue()).toBe(0);

    const live = await service.report(MEETING.id);
    expect(live.source).toBe('snapshot');
    expect(live.summary.live).toMatchObject({ upPct: 39.76, reachablePct: 60.5 });
    expect(live.generatedAt).toBe(toWireInstant(CLOSES));
  });

  it('keeps notes current on a snapshot', async () => {
    build();
    clock.set(CLOSES);
    await archiver.runDue();
    const o = (await service.report(MEETING.id)).outages.find((x) => x.point === 'C')!;
    expect(o.note).toBeNull();
    store.saveOutageNote({
      outageId: o.id,
      cause: 'power',
      note: 'Mất điện',
      by: 'admin',
      byName: null,
      at: CLOSES + 1,
    });
    const after = await service.report(MEETING.id);
    expect(after.source).toBe('snapshot');
    expect(after.outages.find((x) => x.id === o.id)!.note).toMatchObject({ cause: 'power', note: 'Mất điện' });
  });

  it('treats the snapshot of a meeting moved to other dates as stale', async () => {
    build();
    clock.set(CLOSES);
    await archiver.runDue();
    const moved = {
      ...MEETING,
      lineTest: { ...MEETING.lineTest, start: toWireInstant(LT + DAY_MS) },
      session: { start: toWireInstant(LIVE + DAY_MS), plannedEnd: toWireInstant(END + DAY_MS) },
    };
    await inventory.apply({ upsertMeetings: [moved] });
    const r = await service.report(MEETING.id);
    expect(r.source).toBe('live');
    expect(r.phases.live.status).toBe('notStarted');
    clock.set(CLOSES + DAY_MS);
    expect(await archiver.due(clock.now())).toEqual([MEETING.id]);
  });
});

describe('[RP13] retention', () => {
  it('purges rollups past their days after storing the due snapshots; the report keeps its figures', async () => {
    const { retention } = build(90, null);
    const before = rollupCount();
    expect(before).toBeGreaterThan(1000);
    // Nobody asked for the report, the archiver never ran: 91 days later the purge stores it first.
    clock.set(CLOSES + 89 * DAY_MS);
    const result = await retention.purge();
    expect(result).toMatchObject({ rollups: 0, reports: 0 });
    clock.set(CLOSES + 91 * DAY_MS);
    expect((await retention.purge()).rollups).toBe(before);
    expect(rollupCount()).toBe(0);
    const r = await service.report(MEETING.id);
    expect(r.source).toBe('snapshot');
    expect(r.summary.live).toMatchObject({ upPct: 39.76, downPct: 26.87, rttP95: 20 });
  });

  it('never snapshots a meeting whose rollups are already gone, and purges old snapshots when told to', async () => {
    const { retention } = build(30, 60);
    clock.set(CLOSES + 31 * DAY_MS);
    expect(await archiver.due(clock.now())).toEqual([]);
    clock.set(CLOSES + 29 * DAY_MS);
    expect(await archiver.due(clock.now())).toEqual([MEETING.id]);
    await retention.purge();
    expect(store.getReportSnapshot(MEETING.id)).toBeDefined();
    clock.set(CLOSES + 29 * DAY_MS + 61 * DAY_MS);
    expect((await retention.purge()).reports).toBe(1);
    expect(store.getReportSnapshot(MEETING.id)).toBeUndefined();
  });

  it('keeps everything when told "forever"', async () => {
    const { retention } = build(null, null);
    clock.set(CLOSES + 10 * 365 * DAY_MS);
    expect(await retention.purge()).toMatchObject({ rollups: 0, reports: 0 });
    expect(rollupCount()).toBeGreaterThan(1000);
  });
});
