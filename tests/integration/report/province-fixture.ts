// A province whose own point (attached to the root unit) has outages beside its districts' points: the
// case where the unit table and chart once left the province's point out, so the districts' outages
// added up to less than the summary said. Session 08:00–09:00 at 1 s, line test 15:00–15:30 at 2 s
// the day before; every point answers except during its down outages.
//   HT (Tỉnh Hà Tĩnh)        P  down 08:10:00–08:12:30, 08:40:00–08:41:00; line test 15:05–15:06
//   ├ HT-A (Huyện An)        DA down 08:20:00–08:25:00
//   │ ├ HT-A-1 (Xã An Một)   A1 down 08:30:00–08:30:40
//   │ └ HT-A-2 (Xã An Hai)   A2 severe 08:33:00–08:34:00; no result before 08:20 (probed late)
//   └ HT-B (Huyện Bình)
//     └ HT-B-1 (Xã Bình Một) B1 down 07:55:00–08:05:00 (across the start), 08:50:00–08:52:00
// Session: 6 down records on 4 points; down time 150 + 60 + 300 + 40 + 300 + 120 = 970 s.
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import type { RollupRow, Store as AsyncStore, SyncStore as Store } from '../../../server/store/types';
import { targetHost } from '../../../shared/targets';

const at = (hhmmss: string, day = '2026-03-06'): number => Date.parse(`${day}T${hhmmss}+07:00`);
const LT = at('15:00:00', '2026-03-05');
const LIVE = at('08:00:00');
const END = at('09:00:00');
/** A2's first result in the session: its chart is unobserved before. */
export const A2_FIRST = at('08:20:00');

export const UNITS: Unit[] = [
  { id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null },
  { id: 'HT-A', name: 'Huyện An', level: 'district', parent: 'HT' },
  { id: 'HT-A-1', name: 'Xã An Một', level: 'commune', parent: 'HT-A' },
  { id: 'HT-A-2', name: 'Xã An Hai', level: 'commune', parent: 'HT-A' },
  { id: 'HT-B', name: 'Huyện Bình', level: 'district', parent: 'HT' },
  { id: 'HT-B-1', name: 'Xã Bình Một', level: 'commune', parent: 'HT-B' },
];

const pt = (code: string, name: string, level: Point['level'], unit: string, host: string): Point => ({
  code,
  name,
  level,
  unit,
  targets: [{ kind: 'icmp', host, role: 'primary' }],
  contacts: [],
});

export const POINTS: Point[] = [
  pt('P', 'Điểm cầu Tỉnh ủy', 'province', 'HT', '127.57.0.1'),
  pt('DA', 'Điểm cầu huyện An', 'district', 'HT-A', '127.57.1.1'),
  pt('A1', 'Điểm cầu xã An Một', 'commune', 'HT-A-1', '127.57.1.11'),
  pt('A2', 'Điểm cầu xã An Hai', 'commune', 'HT-A-2', '127.57.1.12'),
  pt('B1', 'Điểm cầu xã Bình Một', 'commune', 'HT-B-1', '127.57.2.11'),
];

export const MEETING: Meeting = {
  id: 'hn-ha-tinh',
  title: 'Hội nghị trực tuyến toàn tỉnh',
  host: 'P',
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 30 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T09:00:00+07:00' },
  participants: { levels: ['province', 'district', 'commune'], units: [], points: [] },
};

type Span = [from: number, to: number];

const DOWN: Record<string, [Span[], Span[]]> = {
  // [line test, session]
  P: [
    [[at('15:05:00', '2026-03-05'), at('15:06:00', '2026-03-05')]],
    [
      [at('08:10:00'), at('08:12:30')],
      [at('08:40:00'), at('08:41:00')],
    ],
  ],
  DA: [[], [[at('08:20:00'), at('08:25:00')]]],
  A1: [[], [[at('08:30:00'), at('08:30:40')]]],
  A2: [[], []],
  B1: [
    [],
    [
      [at('07:55:00'), at('08:05:00')],
      [at('08:50:00'), at('08:52:00')],
    ],
  ],
};

/** Expected session figures of the whole meeting, worked out by hand above. */
export const EXPECTED_LIVE = { downCount: 6, pointsWithDown: 4, downSeconds: 970, severeCount: 1 };

function buckets(p: Point, from: number, to: number, perBucket: number, down: readonly Span[]): RollupRow[] {
  const host = p.targets.map(targetHost)[0]!;
  const rows: RollupRow[] = [];
  for (let t = from; t < to; t += 10_000) {
    const lost = down.some(([a, b]) => t < b && t + 10_000 > a);
    const received = lost ? 0 : perBucket;
    rows.push({
      point: p.code,
      target: `icmp:${host}`,
      t,
      sent: perBucket,
      received,
      rttMin: received > 0 ? 15 : null,
      rttAvg: received > 0 ? 15 : null,
      rttMax: received > 0 ? 15 : null,
      jitter: received > 1 ? 1 : null,
    });
  }
  return rows;
}

interface NewRecord {
  point: string;
  type: 'down' | 'severe';
  phase: 'lineTest' | 'waiting' | 'live';
  startedAt: number;
  detectedAt: number;
  endedAt: number;
}

/** The fixture's rollups and outage records, for a store of either kind. */
function provinceData(): { rows: RollupRow[]; records: NewRecord[] } {
  const rows: RollupRow[] = [];
  const records: NewRecord[] = [];
  for (const p of POINTS) {
    const [lt, live] = DOWN[p.code]!;
    rows.push(...buckets(p, LT, LT + 30 * 60_000, 5, lt));
    rows.push(...buckets(p, p.code === 'A2' ? A2_FIRST : LIVE, END, 10, live));
  }
  for (const p of POINTS) {
    const [lt, live] = DOWN[p.code]!;
    for (const [a, b] of [...lt, ...live]) {
      const phase = a < LIVE - 3_600_000 ? 'lineTest' : a < LIVE ? 'waiting' : 'live';
      records.push({ point: p.code, type: 'down', phase, startedAt: a, detectedAt: a + 3_000, endedAt: b });
    }
  }
  records.push({
    point: 'A2',
    type: 'severe',
    phase: 'live',
    startedAt: at('08:33:00'),
    detectedAt: at('08:33:10'),
    endedAt: at('08:34:00'),
  });
  return { rows, records };
}

export function seedProvince(store: Store): void {
  store.saveInventory({ upsertUnits: UNITS, upsertPoints: POINTS, upsertMeetings: [MEETING] });
  const { rows, records } = provinceData();
  store.writeRollups(rows);
  for (const { endedAt, ...r } of records)
    store.closeOutage(store.openOutage({ ...r, meeting: MEETING.id }).id, endedAt);
}

/** The rollups and records on a running app's store (either backend); the inventory is the app's to load. */
export async function seedProvinceRecords(store: AsyncStore): Promise<void> {
  const { rows, records } = provinceData();
  await store.writeRollups(rows);
  for (const { endedAt, ...r } of records) {
    const o = await store.openOutage({ ...r, meeting: MEETING.id });
    await store.closeOutage(o.id, endedAt);
  }
}
