// A small meeting whose report figures are worked out by hand in figures.test.ts: a line test of
// 30 min (15:00–15:30) and a session of 60 min (08:00–09:00 next day), four points under one district:
//   A  clean throughout (RTT 20 ms);
//   B  down 07:55–08:10:04 (across the session's start), severe 08:30–08:31, slow 08:40–08:42,
//      one lost probe at 08:50, jitter at 08:51; in the line test down 15:25–15:40 (across its end);
//   C  down from 07:30 and never back (open), clean in the line test at 35 ms;
//   N  never probed.
// The monitor did not run 08:20:00–08:25:35 (a crash: a monitor gap).
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import type { RollupRow, SyncStore as Store } from '../../../server/store/types';

export const LT = Date.parse('2026-03-05T15:00:00+07:00');
export const LIVE = Date.parse('2026-03-06T08:00:00+07:00');
export const END = Date.parse('2026-03-06T09:00:00+07:00');
export const GAP = [Date.parse('2026-03-06T08:20:00+07:00'), Date.parse('2026-03-06T08:25:35+07:00')] as const;
export const NOW = END + 24 * 3_600_000;
export const at = (hhmmss: string, day = '2026-03-06'): number => Date.parse(`${day}T${hhmmss}+07:00`);

export const UNITS: Unit[] = [
  { id: 'QT', name: 'Tỉnh Quảng Trị', level: 'province', parent: null },
  { id: 'QT-CL', name: 'Huyện Cam Lộ', level: 'district', parent: 'QT' },
  { id: 'QT-CL-A', name: 'Xã Cam Hiếu', level: 'commune', parent: 'QT-CL' },
  { id: 'QT-CL-B', name: 'Xã Cam Thành', level: 'commune', parent: 'QT-CL' },
  { id: 'QT-CL-C', name: 'Xã Cam Tuyền', level: 'commune', parent: 'QT-CL' },
  { id: 'QT-CL-N', name: 'Xã Cam Nghĩa', level: 'commune', parent: 'QT-CL' },
];

const pt = (code: string, name: string, unit: string, host: string): Point => ({
  code,
  name,
  level: 'commune',
  unit,
  targets: [
    { kind: 'icmp', host, role: 'primary' },
    { kind: 'icmp', host: `${host}9`, role: 'backup' },
  ],
  contacts: [],
});

export const POINTS: Point[] = [
  pt('A', 'Điểm cầu xã Cam Hiếu', 'QT-CL-A', '127.55.0.1'),
  pt('B', 'Điểm cầu xã Cam Thành', 'QT-CL-B', '127.55.0.2'),
  pt('C', 'Điểm cầu xã Cam Tuyền', 'QT-CL-C', '127.55.0.3'),
  pt('N', 'Điểm cầu xã Cam Nghĩa', 'QT-CL-N', '127.55.0.4'),
];

export const MEETING: Meeting = {
  id: 'hn-cam-lo',
  title: 'Hội nghị trực tuyến sơ kết công tác quý I',
  host: null,
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 30 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T09:00:00+07:00' },
  participants: { levels: ['commune'], units: [], points: [] },
};

const B10 = 10_000;

function bucket(point: string, host: string, t: number, over: Partial<RollupRow> = {}): RollupRow {
  const sent = over.sent ?? 10;
  const received = over.received ?? sent;
  const rtt = over.rttAvg ?? 20;
  return {
    point,
    target: `icmp:${host}`,
    t,
    sent,
    received,
    rttMin: received > 0 ? rtt : null,
    rttAvg: received > 0 ? rtt : null,
    rttMax: received > 0 ? rtt : null,
    jitter: received > 1 ? (over.jitter ?? 1) : null,
  };
}

/** Buckets of [from, to) for one point, with `shape(t)` overriding a bucket (null: none stored). */
function series(
  point: string,
  host: string,
  from: number,
  to: number,
  shape: (t: number) => Partial<RollupRow> | null,
): RollupRow[] {
  const out: RollupRow[] = [];
  for (let t = from; t < to; t += B10) {
    const over = shape(t);
    if (over !== null) out.push(bucket(point, host, t, over));
  }
  return out;
}

const inGap = (t: number): boolean => t + B10 <= GAP[1] && t >= GAP[0];

export function seed(store: Store): void {
  store.saveInventory({ upsertUnits: UNITS, upsertPoints: POINTS, upsertMeetings: [MEETING] });
  const rows: RollupRow[] = [];
  const ltEnd = LT + 30 * 60_000;
  // Line test at 2 s: five probes per bucket. N is never probed.
  rows.push(...series('A', '127.55.0.1', LT, ltEnd, () => ({ sent: 5 })));
  rows.push(
    ...series('B', '127.55.0.2', LT, ltEnd, (t) =>
      t >= at('15:25:00', '2026-03-05') ? { sent: 5, received: 0 } : { sent: 5 },
    ),
  );
  rows.push(...series('C', '127.55.0.3', LT, ltEnd, () => ({ sent: 5, rttAvg: 35 })));
  // A backup line's buckets are not the point's.
  rows.push(...series('A', '127.55.0.19', LT, ltEnd, () => ({ sent: 5, received: 0 })));
  // Session at 1 s: ten probes per bucket; nothing stored while the monitor was down.
  rows.push(...series('A', '127.55.0.1', LIVE, END, (t) => (inGap(t) ? null : {})));
  rows.push(
    ...series('B', '127.55.0.2', LIVE, END, (t) => {
      if (inGap(t)) return null;
      if (t < at('08:10:00')) return { received: 0 };
      if (t === at('08:10:00')) return { received: 6 };
      if (t >= at('08:30:00') && t < at('08:31:00')) return { rttAvg: 300 };
      if (t >= at('08:40:00') && t < at('08:42:00')) return { rttAvg: 150 };
      if (t === at('08:50:00')) return { received: 9 };
      if (t === at('08:51:00')) return { jitter: 30 };
      return {};
    }),
  );
  rows.push(...series('C', '127.55.0.3', LIVE, END, (t) => (inGap(t) ? null : { received: 0 })));
  store.writeRollups(rows);

  const id = MEETING.id;
  const ltDown = store.openOutage({
    point: 'B',
    meeting: id,
    type: 'down',
    class: 'line',
    target: 'icmp:127.55.0.2',
    kind: 'icmp',
    phase: 'lineTest',
    startedAt: at('15:25:00', '2026-03-05'),
    detectedAt: at('15:25:04', '2026-03-05'),
  });
  store.closeOutage(ltDown.id, at('15:40:00', '2026-03-05'));
  const bDown = store.openOutage({
    point: 'B',
    meeting: id,
    type: 'down',
    class: 'line',
    target: 'icmp:127.55.0.2',
    kind: 'icmp',
    phase: 'waiting',
    startedAt: at('07:55:00'),
    detectedAt: at('07:55:04'),
  });
  store.closeOutage(bDown.id, at('08:10:04'));
  const bSevere = store.openOutage({
    point: 'B',
    meeting: id,
    type: 'severe',
    class: 'line',
    target: 'icmp:127.55.0.2',
    kind: 'icmp',
    phase: 'live',
    startedAt: at('08:30:00'),
    detectedAt: at('08:30:10'),
  });
  store.closeOutage(bSevere.id, at('08:31:00'));
  store.openOutage({
    point: 'C',
    meeting: id,
    type: 'down',
    class: 'line',
    target: 'icmp:127.55.0.3',
    kind: 'icmp',
    phase: 'waiting',
    startedAt: at('07:30:00'),
    detectedAt: at('07:30:03'),
  });
  // Not this meeting's: another meeting, and no meeting at all.
  const other = store.openOutage({
    point: 'A',
    meeting: 'khac',
    type: 'down',
    class: 'line',
    target: 'icmp:127.55.0.1',
    kind: 'icmp',
    phase: 'live',
    startedAt: at('08:00:00'),
    detectedAt: at('08:00:03'),
  });
  store.closeOutage(other.id, at('08:30:00'));
  const none = store.openOutage({
    point: 'A',
    meeting: null,
    type: 'down',
    class: 'line',
    target: 'icmp:127.55.0.1',
    kind: 'icmp',
    phase: null,
    startedAt: at('08:00:00'),
    detectedAt: at('08:00:03'),
  });
  store.closeOutage(none.id, at('08:30:00'));

  // The monitor: started the day before, last heartbeat 08:20:00, killed; restarted 08:25:35.
  const first = store.startRun(at('14:00:00', '2026-03-05'));
  store.heartbeatRun(first.id, GAP[0]);
  const second = store.startRun(GAP[1]);
  store.stopRun(second.id, END + 3_600_000);
}

export const THRESHOLDS = { lossPct: 1, rttMs: 100, jitterMs: 20 };
