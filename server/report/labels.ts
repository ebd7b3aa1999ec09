// Vietnamese words of the exports and the PDF (the dashboard has its own i18n).
import type { ReportPhase } from '../../shared/report';
import type { Level, OutageType, Phase } from '../../shared/schemas';

export const PHASE_WORDS: Record<ReportPhase, string> = {
  lineTest: 'Chạy thử đường truyền',
  live: 'Phiên họp chính thức',
};

export const RECORD_PHASE_WORDS: Record<Phase, string> = {
  scheduled: 'Trước chạy thử',
  lineTest: 'Chạy thử đường truyền',
  waiting: 'Chờ họp',
  live: 'Đang họp',
  ended: 'Sau hội nghị',
};

export const TYPE_WORDS: Record<OutageType, string> = {
  down: 'Mất kết nối',
  severe: 'Chập chờn nặng',
};

/** [TG7] What an outage record was: the line's (down, severe) or the room's endpoint not answering. */
export const ENDPOINT_OUTAGE_WORDS = 'Thiết bị không phản hồi';

export function outageWords(o: { type: OutageType; class?: 'line' | 'endpoint' }): string {
  return o.class === 'endpoint' ? ENDPOINT_OUTAGE_WORDS : TYPE_WORDS[o.type];
}

export const LEVEL_WORDS: Record<Level, string> = {
  province: 'Tỉnh',
  district: 'Huyện',
  commune: 'Xã',
};

export const STATUS_WORDS = {
  notStarted: 'Chưa diễn ra',
  inProgress: 'Đang diễn ra',
  complete: 'Đã kết thúc',
} as const;
