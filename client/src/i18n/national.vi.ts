// The overview of a large meeting by region (docs/NATIONAL.md NV4), in the dashboard and on the wall;
// national.en.ts has the same keys (typed by this object).
export const nationalVi = {
  title: 'Tổng quan theo vùng',
  loading: 'Đang tải tổng quan…',
  loadError: 'Không tải được tổng quan',
  /** The meeting's size and its regions, e.g. "2.400 điểm cầu · 3 tỉnh". */
  summary: (points: string, regions: number) => `${points} điểm cầu · ${regions} vùng`,
  open: 'Xem theo vùng',
  openHint: 'Số điểm cầu theo từng tỉnh (huyện) và các điểm cầu có sự cố',
  grid: 'Xem tất cả điểm cầu',
  back: '← Tổng quan',
  backHint: 'Về tổng quan theo vùng',
  worstFirst: 'Nhiều sự cố trước',
  worstFirstHint: 'Xếp các vùng có nhiều điểm cầu gặp sự cố lên đầu (tắt: theo thứ tự danh mục)',
  problems: 'Điểm cầu có sự cố',
  /** "100 / 523": the list is cut at the worst 100. */
  cut: (shown: string, total: string) => `${shown} / ${total}`,
  cutHint: (shown: number) => `Chỉ hiện ${shown} điểm cầu nặng nhất; mở từng vùng để xem hết.`,
  noProblems: 'Không có điểm cầu nào gặp sự cố.',
  since: (d: string) => `đã ${d}`,
  region: 'Vùng',
  own: (name: string) => `${name} (điểm cầu trực thuộc)`,
  ownHint: 'Các điểm cầu gắn trực tiếp với đơn vị chủ trì; xem chi tiết ở danh sách sự cố.',
  total: (n: string) => `${n} điểm cầu`,
  openRegion: (name: string) => `Mở lưới điểm cầu của ${name}`,
  regionOf: (name: string) => `Vùng: ${name}`,
  regionPoints: (name: string, n: string) => `${name} · ${n} điểm cầu`,
  more: (n: string) => `và ${n} điểm cầu khác`,
};
