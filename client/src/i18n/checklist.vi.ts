// The line-test checklist's texts (the readiness board and the roll call); checklist.en.ts has the
// same keys (typed by this object).
import type { ItemResult, RollCallStatus } from '../../../shared/checklist';
import type { ReadinessFilter } from '../lib/checklistBoard';

export const checklistVi = {
  open: 'Kiểm tra chạy thử',
  close: 'Về màn hình giám sát',
  title: 'Danh mục kiểm tra',
  tabs: { board: 'Danh mục kiểm tra', rollCall: 'Điểm danh' } satisfies Record<'board' | 'rollCall', string>,
  noMeeting: 'Chọn một hội nghị để kiểm tra.',
  loading: 'Đang tải danh mục kiểm tra…',
  loadError: 'Không tải được danh mục kiểm tra',
  offline: 'Mất kết nối tới máy chủ: thay đổi chưa được gửi. Đang kết nối lại…',
  result: {
    pending: 'Chưa kiểm tra',
    pass: 'Đạt',
    fail: 'Không đạt',
    na: 'Không áp dụng',
  } satisfies Record<ItemResult, string>,
  summary: {
    ready: 'Sẵn sàng',
    of: (ready: number, total: number) => `${ready}/${total}`,
    failing: 'Có mục không đạt',
    pending: 'Chưa kiểm tra xong',
  },
  filters: {
    unit: 'Đơn vị',
    allUnits: 'Tất cả đơn vị',
    state: 'Tình trạng',
    states: {
      all: 'Tất cả',
      notReady: 'Chưa sẵn sàng',
      failing: 'Có mục không đạt',
      pending: 'Chưa kiểm tra xong',
      ready: 'Sẵn sàng',
    } satisfies Record<ReadinessFilter, string>,
    item: 'Mục không đạt',
    anyItem: 'Bất kỳ',
    resort: 'Sắp xếp lại',
    resortHint: 'Thứ tự giữ nguyên khi đang đánh dấu; bấm để xếp lại theo việc cần làm.',
  },
  columns: { point: 'Điểm cầu', ready: 'Sẵn sàng', call: 'Gọi' },
  ready: 'Sẵn sàng',
  notReady: 'Chưa sẵn sàng',
  automatic: 'Tự động',
  automaticRefused: (label: string) => `“${label}” do hệ thống tự đánh giá từ kết quả đo, không đánh dấu tay.`,
  noRight: 'Bạn không có quyền đánh dấu điểm cầu này.',
  call: (name: string) => `Gọi ${name}`,
  noPhone: 'Chưa có số điện thoại cán bộ kỹ thuật',
  empty: 'Không có điểm cầu nào phù hợp.',
  by: (who: string, when: string) => `${who}, ${when}`,
  note: {
    label: 'Ghi chú',
    open: 'Ghi chú (N)',
    placeholder: 'Ví dụ: âm thanh bị vọng, đã báo Viễn thông',
    save: 'Lưu',
    cancel: 'Huỷ',
  },
  keys: 'Phím tắt: ↑ ↓ chọn điểm cầu · ← → chọn mục · P hoặc 1: Đạt · F hoặc 2: Không đạt · A hoặc 3: Không áp dụng · 0: Xoá · N: Ghi chú · C: Gọi',
  actions: { pass: 'Đạt (P)', fail: 'Không đạt (F)', na: 'Không áp dụng (A)', clear: 'Xoá (0)' },
  conflict: {
    title: 'Có người vừa thay đổi mục này trước bạn',
    body: (what: string, point: string, value: string, who: string, when: string) =>
      `${what} của ${point} hiện là “${value}” (do ${who} đặt lúc ${when}). Thay đổi của bạn chưa được lưu; bảng đã hiện giá trị mới nhất — hãy xem lại rồi đánh dấu lại nếu cần.`,
    wanted: (value: string) => `Bạn định đặt: “${value}”.`,
  },
  failed: (message: string) => `Không lưu được: ${message}`,
  dismiss: 'Đóng',
  saving: 'Đang lưu…',
  export: { checklistCsv: 'CSV danh mục', rollCallCsv: 'CSV điểm danh', xlsx: 'Excel (.xlsx)' },
  rollCall: {
    title: 'Điểm danh',
    before: 'Trước 10 phút',
    start: 'Khai mạc',
    due: (time: string) => `chưa điểm danh (lúc ${time})`,
    taken: (time: string) => `lúc ${time}`,
    late: (time: string) => `lấy muộn lúc ${time}`,
    connected: 'Đã kết nối',
    // [RC7] where the room's codec tells
    inCall: 'Đang trong hội nghị',
    notInCall: 'Kết nối nhưng chưa vào hội nghị',
    notConnected: 'Chưa kết nối',
    absentFromList: 'Không có trong danh sách',
    counts: (connected: number, total: number) => `${connected}/${total} đã kết nối`,
    confirmed: (present: number, total: number) => `Xác nhận có mặt: ${present}/${total}`,
    confirmation: 'Xác nhận',
    status: { pending: 'Chưa xác nhận', present: 'Có mặt', absent: 'Vắng' } satisfies Record<RollCallStatus, string>,
  },
  // Where the cursor goes after a tick, said on screen; how an automatic item decides; the phone.
  cursor: {
    advance: 'Tự chuyển sang mục kế sau khi đánh dấu',
    afterTickAdvance: 'P/F/A/0: đánh dấu rồi chuyển sang mục kế (bỏ qua mục tự động).',
    afterTickStay: 'P/F/A/0: đánh dấu, con trỏ đứng yên; dùng ← → để sang mục khác.',
    moved: (item: string, result: string, next: string) => `Đã đặt “${item}”: ${result} — con trỏ sang “${next}”.`,
    touch: 'Chạm vào một ô rồi chọn Đạt / Không đạt ở khung bên dưới.',
  },
  autoExplain: {
    codec: (media: string) =>
      `Tự động theo thiết bị đầu cuối: đang trong hội nghị và nhận được ${media} với mất gói dưới 5 % là đạt; thiết bị không phản hồi, chưa vào hội nghị hoặc không nhận được là không đạt.`,
    line: (seconds: number) =>
      `Tự động theo kết quả đo: đường truyền chính thông suốt (hoặc chập chờn nhẹ) liên tục — ổn định ${seconds} giây mới đạt. Mất kết nối hoặc chập chờn nặng: không đạt ngay.`,
    backup:
      'Tự động theo kết quả đo: đường truyền dự phòng trả lời là đạt; điểm cầu không có đường truyền dự phòng thì không áp dụng.',
  },
  mine: 'Đơn vị của bạn',
};
