// A generated province for the report benchmark, written to a real SQLite file: points under
// districts, a meeting with a line test and a live session, 10 s rollups for every point (2 s cadence in
// the line test, 1 s in the session), down and severe outages, scattered loss and slow buckets, and a
// two-minute monitor gap. Deterministic (seeded), so two runs measure the same work.
import Database from 'better-sqlite3';
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';
import {
  BUCKET_MS,
  blockStart,
  bucketOf,
  encodeBlock,
  slotsOf,
  type BlockBucket,
} from '../../server/store/rollup-codec';
import { openSqliteStore } from '../../server/store/sqlite';
import type { SyncStore } from '../../server/store/types';
import { asyncStore } from '../../server/store/async';
import type { ReportInput } from '../../server/report/compute';
import { resolveParticipants } from '../../server/schedule/participants';
import { DEFAULT_STATUS } from '../../server/status/types';
import { loopbackHost } from '../lib/province';
import { seededRandom } from '../../server/lab/generate';
import { targetHost } from '../../shared/targets';

export interface ReportDataOptions {
  file: string;
  points: number;
  sessionHours: number;
  lineTestMinutes: number;
  /**
   * [NV5] A national meeting: the points spread over this many provinces (districts of about 60
   * communes each) instead of one province's districts.
   */
  provinces?: number;
}

export interface ReportData {
  meeting: Meeting;
  rollups: number;
  outages: number;
}

const B10 = 10_000;

export function generateReportData(o: ReportDataOptions): ReportData {
  const rand = seededRandom(20_260_306);
  const { units, points, roots } = o.provinces ? nationalUnits(o.points, o.provinces) : provinceUnits(o.points);
  const lineTest = Date.parse('2026-03-05T14:00:00+07:00');
  const session = Date.parse('2026-03-06T07:30:00+07:00');
  const plannedEnd = session + o.sessionHours * 3_600_000;
  const meeting: Meeting = {
    id: o.provinces ? 'bench-national' : 'bench-report',
    title: 'Hội nghị trực tuyến toàn quốc (dữ liệu thử)',
    host: null,
    lineTest: { start: toWireInstant(lineTest), durationMin: o.lineTestMinutes },
    session: { start: toWireInstant(session), plannedEnd: toWireInstant(plannedEnd) },
    // Its own province only: the live meeting's points, in the same database during the e2e bench,
    // are communes too, and selecting by level alone made this a report of both (20,000 points).
    participants: { levels: ['commune'], units: roots, points: [] },
  };

  const store = openSqliteStore(o.file);
  store.saveInventory({ upsertUnits: units, upsertPoints: points, upsertMeetings: [meeting] });
  const gapFrom = session + 90 * 60_000;
  const gapTo = gapFrom + 120_000 + 4_000;
  const run = store.startRun(lineTest - 3_600_000);
  store.heartbeatRun(run.id, gapFrom);
  store.stopRun(store.startRun(gapTo).id, plannedEnd + 3_600_000);
  store.close();

  const db = new Database(o.file);
  db.pragma('synchronous = OFF');
  // Straight into the stored form (rollup_blocks, one row per target and minute): the store's
  // writeRollups would merge each row into its block, which is not what this part measures.
  const insertBlock = db.prepare('INSERT INTO rollup_blocks (point, t, target, slots, data) VALUES (?, ?, ?, ?, ?)');
  let block: { point: string; host: string; t: number; buckets: BlockBucket[] } | null = null;
  const closeBlock = (): void => {
    if (block) insertBlock.run(block.point, block.t, block.host, slotsOf(block.buckets), encodeBlock(block.buckets));
    block = null;
  };
  const insert = (
    point: string,
    host: string,
    t: number,
    sent: number,
    received: number,
    rttMin: number | null,
    rttAvg: number | null,
    rttMax: number | null,
    jitter: number | null,
  ): void => {
    const bt = blockStart(t);
    if (!block || block.point !== point || block.host !== host || block.t !== bt) {
      closeBlock();
      block = { point, host, t: bt, buckets: [] };
    }
    const row = { point, target: host, t, sent, received, rttMin, rttAvg, rttMax, jitter };
    block.buckets.push(bucketOf(row, (t - bt) / BUCKET_MS));
  };
  const outage = db.prepare(`INSERT INTO outages (point, meeting, type, phase, started_at, detected_at, ended_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  let rollups = 0;
  let outages = 0;
  const writePoint = db.transaction((p: Point) => {
    const host = `icmp:${targetHost(p.targets[0]!)}`;
    const base = 5 + rand() * 55;
    const phases = [
      { from: lineTest, to: lineTest + o.lineTestMinutes * 60_000, sent: 5, phase: 'lineTest' },
      { from: session, to: plannedEnd, sent: 10, phase: 'live' },
    ];
    for (const ph of phases) {
      // About 2 % of points go down once in a phase, 1 % have a minute of severe degradation.
      let down: [number, number] | null = null;
      if (rand() < 0.02) {
        const len = Math.round((2 + rand() * 18) * 60) * 1000;
        const start = ph.from + Math.floor(rand() * Math.max(1, ph.to - ph.from - len));
        down = [start, start + len];
        outage.run(p.code, meeting.id, 'down', ph.phase, start, start + 3 * 1000, start + len);
        outages++;
      }
      let severe: [number, number] | null = null;
      if (rand() < 0.01) {
        const start = ph.from + Math.floor(rand() * (ph.to - ph.from - 90_000));
        severe = [start, start + 60_000];
        outage.run(p.code, meeting.id, 'severe', ph.phase, start, start + 10_000, start + 60_000);
        outages++;
      }
      for (let t = ph.from; t < ph.to; t += B10) {
        if (t >= gapFrom && t + B10 <= gapTo) continue;
        let received = ph.sent;
        let rtt = base + rand() * 4;
        let jitter = 0.2 + rand() * 2;
        if (down && t + B10 > down[0] && t < down[1]) received = 0;
        else if (severe && t + B10 > severe[0] && t < severe[1]) rtt = 260 + rand() * 100;
        else {
          const r = rand();
          if (r < 0.003) received = ph.sent - 1;
          else if (r < 0.005) rtt = 110 + rand() * 100;
          else if (r < 0.006) jitter = 25;
        }
        const has = received > 0;
        insert(
          p.code,
          host,
          t,
          ph.sent,
          received,
          has ? rtt * 0.9 : null,
          has ? rtt : null,
          has ? rtt * 1.2 : null,
          received > 1 ? jitter : null,
        );
        rollups++;
      }
    }
    closeBlock();
  });
  for (const p of points) writePoint(p);
  db.close();
  return { meeting, rollups, outages };
}

const benchPoint = (i: number, unit: string): Point => ({
  code: `DC${String(i).padStart(5, '0')}`,
  name: `Điểm cầu xã Thử Nghiệm ${i + 1}`,
  level: 'commune',
  unit,
  // Loopback (127.150.x.y): a server that loads this file probes nothing beyond this machine.
  targets: [{ kind: 'icmp', host: loopbackHost(i, 150), role: 'primary' }],
  contacts: [],
});

/** One province, a district per 200 points, a commune per point. */
function provinceUnits(n: number): { units: Unit[]; points: Point[]; roots: string[] } {
  const districts = Math.max(1, Math.round(n / 200));
  const units: Unit[] = [{ id: 'BT', name: 'Tỉnh Bình Thử', level: 'province', parent: null }];
  const points: Point[] = [];
  for (let d = 0; d < districts; d++) {
    units.push({ id: `BT-${d}`, name: `Huyện Thử ${d + 1}`, level: 'district', parent: 'BT' });
  }
  for (let i = 0; i < n; i++) {
    const unit = `BT-${i % districts}-X${i}`;
    units.push({ id: unit, name: `Xã Thử Nghiệm ${i + 1}`, level: 'commune', parent: `BT-${i % districts}` });
    points.push(benchPoint(i, unit));
  }
  return { units, points, roots: ['BT'] };
}

/** [NV5] `provinces` provinces, the points dealt round them, a district per ~60 of a province's points. */
function nationalUnits(n: number, provinces: number): { units: Unit[]; points: Point[]; roots: string[] } {
  const units: Unit[] = [];
  const points: Point[] = [];
  const perProvince = Math.ceil(n / provinces);
  const districts = Math.max(1, Math.round(perProvince / 60));
  for (let p = 0; p < provinces; p++) {
    units.push({ id: `QG${p}`, name: `Tỉnh Thử ${p + 1}`, level: 'province', parent: null });
    for (let d = 0; d < districts; d++) {
      units.push({ id: `QG${p}-${d}`, name: `Huyện Thử ${p + 1}.${d + 1}`, level: 'district', parent: `QG${p}` });
    }
  }
  for (let i = 0; i < n; i++) {
    const p = i % provinces;
    const d = Math.floor(i / provinces) % districts;
    const unit = `QG${p}-${d}-X${i}`;
    units.push({ id: unit, name: `Xã Thử Nghiệm ${i + 1}`, level: 'commune', parent: `QG${p}-${d}` });
    points.push(benchPoint(i, unit));
  }
  return { units, points, roots: units.filter((u) => u.parent === null).map((u) => u.id) };
}

/**
 * The report's input for the generated meeting, as the server would give it an hour after the planned
 * end: its participants, the whole inventory, the default thresholds (the report and report-national
 * parts).
 */
export function benchReportInput(sync: SyncStore, meetingId: string): ReportInput {
  const inv = sync.loadInventory();
  const meeting = inv.meetings.find((m) => m.id === meetingId)!;
  const codes = new Set(resolveParticipants(meeting, inv.points, inv.units));
  return {
    store: asyncStore(sync),
    meeting,
    participants: inv.points.filter((p) => codes.has(p.code)),
    points: inv.points,
    units: inv.units,
    now: Date.parse(meeting.session.plannedEnd) + 3_600_000,
    thresholds: {
      lossPct: DEFAULT_STATUS.loss.degraded,
      rttMs: DEFAULT_STATUS.rtt.degraded,
      jitterMs: DEFAULT_STATUS.jitter.degraded,
    },
  };
}
