// Valid inventory rows for the store tests, with Vietnamese text to check it round-trips intact.
import type { Meeting, Point, Unit } from '../../../shared/schemas';
import type { NewOutage, RollupRow } from '../../../server/store/types';

export const province: Unit = { id: 'QT', name: 'Tỉnh Quảng Trị', level: 'province', parent: null };
export const commune = (id: string, parent = 'QT'): Unit => ({
  id,
  name: `Xã ${id} — Ủy ban nhân dân`,
  level: 'commune',
  parent,
});

export const point = (code: string, unit = 'QT', host = '127.0.0.1'): Point => ({
  code,
  name: `Điểm cầu ${code}`,
  level: 'commune',
  unit,
  room: 'Phòng họp trực tuyến, tầng 2',
  targets: [
    { kind: 'icmp', host, role: 'primary' },
    { kind: 'icmp', host: 'backup.vnpt.example', role: 'backup' },
  ],
  contacts: [{ name: 'Nguyễn Văn Đức', role: 'technician', phone: '+84 912 345 678', organization: 'Viễn thông tỉnh' }],
});

export const meeting = (id: string): Meeting => ({
  id,
  title: 'Hội nghị trực tuyến triển khai nhiệm vụ năm 2026',
  host: 'QT',
  lineTest: { start: '2026-03-05T15:00:00+07:00', durationMin: 60 },
  session: { start: '2026-03-06T08:00:00+07:00', plannedEnd: '2026-03-06T11:30:00+07:00' },
  participants: { levels: ['province', 'commune'], units: [], points: [] },
});

export const outage = (over: Partial<NewOutage> = {}): NewOutage => ({
  point: 'P1',
  meeting: 'M1',
  type: 'down',
  class: 'line',
  target: 'icmp:127.0.0.1',
  kind: 'icmp',
  phase: 'live',
  startedAt: 1_000_000,
  detectedAt: 1_003_000,
  ...over,
});

export const rollup = (over: Partial<RollupRow> = {}): RollupRow => ({
  point: 'P1',
  target: 'icmp:127.0.0.1',
  t: 1_700_000_000_000,
  sent: 10,
  received: 10,
  rttMin: 1,
  rttAvg: 2,
  rttMax: 3,
  jitter: 0.5,
  ...over,
});
