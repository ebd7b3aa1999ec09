// The admin screen's alert channels section (docs/ALERTS.md).
export const alertsVi = {
  intro:
    'Các kênh cảnh báo được khai báo trong tệp cấu hình (mục alerts:). Khóa bí mật không bao giờ hiển thị ở đây: chỉ ghi nơi lấy khóa.',
  none: 'Chưa có kênh cảnh báo nào. Khai báo trong tệp cấu hình, mục alerts: (xem docs/ALERTS.md).',
  channels: 'Kênh cảnh báo',
  log: 'Nhật ký gửi cảnh báo',
  logEmpty: 'Chưa gửi cảnh báo nào.',
  refresh: 'Làm mới',
  loadError: 'Không tải được danh sách kênh cảnh báo',
  kind: { webhook: 'Webhook', email: 'Thư điện tử', telegram: 'Telegram', zalo: 'Zalo OA' } as Record<string, string>,
  col: {
    id: 'Kênh',
    kind: 'Loại',
    target: 'Gửi đến',
    secret: 'Khóa bí mật',
    retry: 'Gửi lại',
    language: 'Ngôn ngữ',
    action: 'Thao tác',
    time: 'Thời điểm',
    incident: 'Sự việc',
    status: 'Trạng thái',
    attempts: 'Số lần gửi',
    error: 'Lỗi gần nhất',
  },
  secretEnv: (name: string) => `biến môi trường ${name}`,
  secretFile: (name: string) => `tệp ${name}`,
  noSecret: 'không có',
  retry: (max: number, base: string, cap: string) => `tối đa ${max} lần, chờ từ ${base} đến ${cap}`,
  language: { vi: 'Tiếng Việt', en: 'Tiếng Anh' } as Record<string, string>,
  test: 'Gửi thử',
  testing: 'Đang gửi thử…',
  testSent: (channel: string) => `Đã gửi thử qua kênh ${channel}.`,
  testPending: (channel: string, error: string) => `Kênh ${channel} chưa gửi được (${error}); sẽ thử lại.`,
  testFailed: (channel: string, error: string) => `Kênh ${channel} không gửi được: ${error}`,
  status: { pending: 'Đang chờ gửi lại', sent: 'Đã gửi', failed: 'Thất bại' } as Record<string, string>,
  incidentKind: { open: 'Mất kết nối', recovered: 'Kết nối lại', test: 'Gửi thử' } as Record<string, string>,
  nextAt: (time: string) => `lần tới lúc ${time}`,
  attempt: (n: number, time: string, ok: boolean, error: string | null) =>
    `Lần ${n} lúc ${time}: ${ok ? 'thành công' : `lỗi — ${error ?? ''}`}`,
};

export type AlertsMessages = typeof alertsVi;
