// A point's targets (its line and its room's endpoint) in the dashboard; targets.en.ts has the same keys.
import type { ProbeReason, TargetRole } from '../../../shared/targets';

export const targetsVi = {
  title: 'Đường truyền và thiết bị',
  role: {
    primary: 'Đường truyền chính',
    backup: 'Đường truyền dự phòng',
    endpoint: 'Thiết bị đầu cuối',
  } satisfies Record<TargetRole, string>,
  line: 'Đường truyền',
  endpoint: 'Thiết bị đầu cuối',
  /** TG5: the line answers, the room's codec does not — call the room, not the telecom. */
  endpointDown: 'Thiết bị không phản hồi',
  endpointDownHint: 'Đường truyền vẫn thông; thiết bị đầu cuối (codec) không trả lời — gọi cán bộ tại điểm cầu.',
  inCall: 'Đang trong hội nghị',
  notInCall: 'Chưa vào hội nghị',
  reachable: 'Liên lạc được',
  farEnd: 'Đầu xa',
  code: (c: number) => `mã ${c}`,
  certExpires: (d: string) => `chứng chỉ hết hạn ${d}`,
  media: {
    video: 'Hình ảnh',
    audio: 'Âm thanh',
    content: 'Nội dung',
  },
  mediaLine: (media: string, rate: string, loss: string, jitter: string) =>
    `${media}: ${rate}, mất gói ${loss}, độ dao động trễ ${jitter}`,
  reason: {
    timeout: 'không trả lời (quá thời gian chờ)',
    unreachable: 'không tới được (mạng báo lỗi)',
    refused: 'cổng bị từ chối (không có dịch vụ)',
    reset: 'kết nối bị ngắt',
    dns: 'không phân giải được tên',
    tls: 'lỗi bắt tay TLS',
    'cert-expired': 'chứng chỉ đã hết hạn',
    status: 'trả mã lỗi',
    unavailable: 'báo bận (503)',
    auth: 'sai tài khoản thiết bị',
    secret: 'chưa có mật khẩu thiết bị (biến môi trường / tệp bí mật)',
    protocol: 'trả lời sai giao thức',
    error: 'lỗi',
    'no-contact': 'không liên lạc được trạm đo',
  } satisfies Record<ProbeReason, string>,
};
