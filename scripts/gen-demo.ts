// Writes config/demo.yaml: a demo province (Hà Tĩnh, three levels as before July 2025) whose points
// answer on loopback addresses. Run: npx tsx scripts/gen-demo.ts
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { InventoryFile, type Point, type Unit } from '../shared/schemas';

const districts: [id: string, name: string, communes: string[]][] = [
  [
    'TP-HT',
    'Thành phố Hà Tĩnh',
    [
      'Phường Bắc Hà',
      'Phường Nam Hà',
      'Phường Trần Phú',
      'Phường Tân Giang',
      'Phường Thạch Linh',
      'Xã Thạch Hạ',
      'Xã Đồng Môn',
    ],
  ],
  [
    'TX-HL',
    'Thị xã Hồng Lĩnh',
    ['Phường Bắc Hồng', 'Phường Nam Hồng', 'Phường Đức Thuận', 'Phường Trung Lương', 'Xã Thuận Lộc'],
  ],
  [
    'NX',
    'Huyện Nghi Xuân',
    ['Thị trấn Xuân An', 'Thị trấn Tiên Điền', 'Xã Xuân Hội', 'Xã Xuân Giang', 'Xã Cổ Đạm', 'Xã Xuân Lam'],
  ],
  ['DT', 'Huyện Đức Thọ', ['Thị trấn Đức Thọ', 'Xã Tùng Ảnh', 'Xã Đức Lạng', 'Xã Lâm Trung Thủy', 'Xã Trường Sơn']],
  ['HS', 'Huyện Hương Sơn', ['Thị trấn Phố Châu', 'Thị trấn Tây Sơn', 'Xã Sơn Hồng', 'Xã Sơn Kim 1', 'Xã Sơn Tây']],
  ['VQ', 'Huyện Vũ Quang', ['Thị trấn Vũ Quang', 'Xã Ân Phú', 'Xã Đức Giang', 'Xã Hương Minh']],
  ['HK', 'Huyện Hương Khê', ['Thị trấn Hương Khê', 'Xã Phương Điền', 'Xã Hương Trà', 'Xã Hà Linh', 'Xã Phúc Trạch']],
  ['CL', 'Huyện Can Lộc', ['Thị trấn Nghèn', 'Xã Thiên Lộc', 'Xã Kim Song Trường', 'Xã Đồng Lộc', 'Xã Tùng Lộc']],
  ['LH', 'Huyện Lộc Hà', ['Thị trấn Lộc Hà', 'Xã Thạch Kim', 'Xã Hộ Độ', 'Xã Mai Phụ']],
  ['TH', 'Huyện Thạch Hà', ['Thị trấn Thạch Hà', 'Xã Thạch Đài', 'Xã Thạch Kênh', 'Xã Việt Tiến', 'Xã Tượng Sơn']],
  ['CX', 'Huyện Cẩm Xuyên', ['Thị trấn Cẩm Xuyên', 'Thị trấn Thiên Cầm', 'Xã Cẩm Bình', 'Xã Cẩm Duệ', 'Xã Cẩm Trung']],
  ['TX-KA', 'Thị xã Kỳ Anh', ['Phường Sông Trí', 'Phường Kỳ Trinh', 'Phường Kỳ Liên', 'Xã Kỳ Hà']],
  ['KA', 'Huyện Kỳ Anh', ['Xã Kỳ Đồng', 'Xã Kỳ Tiến', 'Xã Kỳ Xuân', 'Xã Kỳ Lạc', 'Xã Kỳ Sơn']],
];

const family = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const middle = ['Văn', 'Thị', 'Đức', 'Minh', 'Quang', 'Thanh', 'Hữu', 'Ngọc'];
const given = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hùng',
  'Khánh',
  'Lan',
  'Long',
  'Mai',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trung',
  'Vinh',
];
let n = 0;
function technician(): { name: string; role: 'technician'; phone: string } {
  n++;
  const name = `${family[n % family.length]} ${middle[(n * 3) % middle.length]} ${given[(n * 7) % given.length]}`;
  const digits = String(1_000_000 + ((n * 7_654_321) % 9_000_000)).padStart(7, '0');
  // Vietnamese mobile numbers: ten digits, written 4-3-3 ("0913 294 787").
  const all = `09${n % 10}${digits}`;
  return { name, role: 'technician', phone: `${all.slice(0, 4)} ${all.slice(4, 7)} ${all.slice(7)}` };
}

/** "Xã Thạch Hạ" → "THACH-HA" */
function slug(name: string): string {
  return name
    .replace(/^(Thành phố|Thị xã|Huyện|Thị trấn|Phường|Xã)\s+/u, '')
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-');
}

const units: Unit[] = [{ id: 'HT', name: 'Tỉnh Hà Tĩnh', level: 'province', parent: null }];
const points: Point[] = [
  {
    code: 'HT',
    name: 'Điểm cầu Tỉnh ủy - UBND tỉnh',
    level: 'province',
    unit: 'HT',
    room: 'Hội trường tầng 1, Văn phòng UBND tỉnh',
    targets: [
      { kind: 'icmp', host: '127.20.0.1', role: 'primary' },
      { kind: 'icmp', host: '127.21.0.1', role: 'backup' },
    ],
    contacts: [technician(), { name: 'Trung tâm Công báo - Tin học', role: 'other', phone: '0239 385 5999' }],
  },
];
districts.forEach(([id, name, communes], d) => {
  const dn = d + 1;
  units.push({ id: `HT-${id}`, name, level: 'district', parent: 'HT' });
  points.push({
    code: `HT-${id}`,
    name: `Điểm cầu ${name}`,
    level: 'district',
    unit: `HT-${id}`,
    room: `Hội trường UBND ${name.replace(/^(Thành phố|Thị xã|Huyện)\s+/u, (m) => m.toLowerCase())}`,
    targets: [
      { kind: 'icmp', host: `127.20.${dn}.1`, role: 'primary' },
      { kind: 'icmp', host: `127.21.${dn}.1`, role: 'backup' },
    ],
    contacts: [technician()],
  });
  communes.forEach((c, i) => {
    const uid = `HT-${id}-${slug(c)}`;
    units.push({ id: uid, name: c, level: 'commune', parent: `HT-${id}` });
    points.push({
      code: uid,
      name: `Điểm cầu ${c}`,
      level: 'commune',
      unit: uid,
      room: 'Hội trường UBND',
      targets: [{ kind: 'icmp', host: `127.20.${dn}.${10 + i}`, role: 'primary' }],
      contacts: [technician()],
    });
  });
});

const inventory = InventoryFile.parse({
  units,
  points,
  meetings: [
    {
      id: 'doi-thoai-phu-nu-2022',
      title: 'Hội nghị trực tuyến Chủ tịch UBND tỉnh đối thoại với phụ nữ',
      host: 'HT',
      lineTest: { start: '2022-03-05T15:00:00+07:00', durationMin: 120 },
      session: { start: '2022-03-06T08:00:00+07:00', plannedEnd: '2022-03-06T11:30:00+07:00' },
      participants: { levels: ['province', 'district', 'commune'] },
    },
  ],
  // Who issues the post-meeting report (docs/REPORT.md): a provincial IT centre under its department.
  report: {
    superior: 'Sở Khoa học và Công nghệ tỉnh Hà Tĩnh',
    organization: 'Trung tâm Công nghệ thông tin và Truyền thông',
    numberPattern: '{seq}/BC-TTCNTT',
    place: 'Hà Tĩnh',
    signers: [{ authority: 'KT. Giám đốc', title: 'Phó Giám đốc', name: null }],
    recipients: ['Sở Khoa học và Công nghệ (để báo cáo)', 'Văn phòng UBND tỉnh', 'Lưu: VT, KT'],
  },
});

const header = `# diemcau demo inventory: Tỉnh Hà Tĩnh with its districts and communes on loopback addresses.
# Generated by scripts/gen-demo.ts; the file format is documented in README.md.
# \`diemcau serve --demo\` moves the meeting so that its line test is under way now.
`;
writeFileSync(
  new URL('../config/demo.yaml', import.meta.url),
  header + stringify(inventory, { lineWidth: 0, singleQuote: true }),
);
console.warn(`config/demo.yaml: ${units.length} units, ${points.length} points`);
