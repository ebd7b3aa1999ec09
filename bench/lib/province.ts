// A synthetic province of n points on distinct loopback addresses (127.<base+i/65536>.<i/256>.<i%256>,
// skipping .0 and .255), so benchmarks probe real hosts that answer on Linux without touching any network.
import type { Meeting, Point, Unit } from '../../shared/schemas';
import { toWireInstant } from '../../shared/time';

const MIN = 60_000;

// Names and phones vary as real ones do (seeded, so every run sends the same bytes): repetitive
// synthetic text would compress far better than a real province's inventory and flatter the snapshot.
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Quang', 'Thanh', 'Ngọc', 'Xuân', 'Công', 'Đình', 'Kim'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hiếu',
  'Hoa',
  'Hùng',
  'Huy',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phúc',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Thắng',
  'Trang',
  'Tuấn',
  'Yến',
];
const SYLLABLES = [
  'Thạch',
  'Kim',
  'Cẩm',
  'Xuyên',
  'Hương',
  'Sơn',
  'Kỳ',
  'Anh',
  'Đức',
  'Thọ',
  'Can',
  'Lộc',
  'Hà',
  'Vĩnh',
  'Phú',
  'Tân',
  'Mỹ',
  'Hòa',
  'Bình',
  'Quang',
  'Trung',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Lạc',
  'Thiện',
  'Long',
];

function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The i-th loopback address from `base` (second octet), skipping .0 and .255 in the last octet. */
export function loopbackHost(i: number, base: number): string {
  const n = Math.floor(i / 254);
  const last = (i % 254) + 1;
  return `127.${base + Math.floor(n / 256)}.${n % 256}.${last}`;
}

/** P → 20 districts → one commune unit per point, each point with one primary target and a contact. */
export function syntheticProvince(n: number, base = 20): { units: Unit[]; points: Point[] } {
  const districts = 20;
  const units: Unit[] = [{ id: 'P', name: 'Tỉnh Đo Hiệu Năng', level: 'province', parent: null }];
  for (let d = 1; d <= districts; d++) {
    units.push({ id: `D${d}`, name: `Huyện Số ${d}`, level: 'district', parent: 'P' });
  }
  const points: Point[] = [];
  const rnd = prng(n * 7919 + base);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const digits = (k: number): string => Array.from({ length: k }, () => Math.floor(rnd() * 10)).join('');
  for (let i = 0; i < n; i++) {
    const unit = `X${i + 1}`;
    const place = `${pick(SYLLABLES)} ${pick(SYLLABLES)}`;
    units.push({ id: unit, name: `Xã ${place}`, level: 'commune', parent: `D${(i % districts) + 1}` });
    points.push({
      code: unit,
      name: `Điểm cầu xã ${place} (UBND xã)`,
      level: 'commune',
      unit,
      targets: [{ kind: 'icmp', host: loopbackHost(i, base), role: 'primary' }],
      contacts: [
        {
          name: `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`,
          role: 'technician',
          phone: `09${digits(1)} ${digits(3)} ${digits(3)}`,
        },
      ],
    });
  }
  return { units, points };
}

/** A meeting whose live session (1 Hz probing) began 5 minutes ago and runs 6 hours. */
export function liveMeeting(id: string, now = Date.now()): Meeting {
  const sessionStart = now - 5 * MIN;
  return {
    id,
    title: `Hội nghị đo hiệu năng ${id}`,
    host: null,
    lineTest: { start: toWireInstant(sessionStart - 60 * MIN), durationMin: 60 },
    session: { start: toWireInstant(sessionStart), plannedEnd: toWireInstant(sessionStart + 360 * MIN) },
    // The synthetic province (root unit P) only: the e2e report part keeps another 10,000-point province
    // in the same database, and selecting by level alone put those in the live session too.
    participants: { levels: ['province', 'district', 'commune'], units: ['P'], points: [] },
  };
}
