// Plausible Vietnamese names for lab hubs (districts) and hosts (communes), so a lab inventory reads
// like a real province on the dashboard. Drawn from common place names; a name repeats with a number
// once the list runs out, so any lab size gets distinct names.

export const LAB_PROVINCE = { id: 'lab-tinh', name: 'Tỉnh Thử Nghiệm' } as const;

const DISTRICTS = [
  'Huyện Phong Điền',
  'Huyện Quảng Điền',
  'Huyện Phú Vang',
  'Thị xã Hương Thủy',
  'Huyện A Lưới',
  'Huyện Nam Đông',
  'Huyện Phú Lộc',
  'Thị xã Hương Trà',
  'Huyện Hải Lăng',
  'Huyện Triệu Phong',
  'Huyện Cam Lộ',
  'Huyện Gio Linh',
  'Huyện Vĩnh Linh',
  'Huyện Đakrông',
  'Huyện Hướng Hóa',
  'Thành phố Đông Hà',
];

const COMMUNES = [
  'Xã Phong An',
  'Xã Phong Hiền',
  'Xã Phong Sơn',
  'Thị trấn Phong Điền',
  'Xã Quảng Thái',
  'Xã Quảng Lợi',
  'Thị trấn Sịa',
  'Xã Phú Thuận',
  'Xã Phú Hải',
  'Thị trấn Thuận An',
  'Phường Thủy Dương',
  'Phường Thủy Phương',
  'Xã Thủy Tân',
  'Xã Hồng Thượng',
  'Xã Hồng Kim',
  'Thị trấn A Lưới',
  'Xã Hương Phú',
  'Xã Thượng Quảng',
  'Thị trấn Khe Tre',
  'Xã Lộc Bổn',
  'Xã Vinh Hiền',
  'Thị trấn Phú Lộc',
  'Phường Tứ Hạ',
  'Xã Hải Ba',
  'Xã Triệu Độ',
  'Xã Cam Hiếu',
  'Xã Gio Mỹ',
  'Xã Vĩnh Thái',
  'Xã Tà Rụt',
  'Thị trấn Khe Sanh',
  'Phường Đông Lương',
  'Phường Đông Thanh',
];

const nth = (list: readonly string[], i: number): string => {
  const base = list[i % list.length]!;
  const round = Math.floor(i / list.length);
  return round === 0 ? base : `${base} ${round + 1}`;
};

export const districtName = (i: number): string => nth(DISTRICTS, i);
export const communeName = (i: number): string => nth(COMMUNES, i);

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Phan', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Thanh', 'Quốc', 'Ngọc'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Hải', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Sơn', 'Thảo'];

/** A technician's name for host number i (deterministic, so inventories are reproducible). */
export function technicianName(i: number): string {
  return `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i * 7) % MIDDLE.length]} ${GIVEN[(i * 5) % GIVEN.length]}`;
}
