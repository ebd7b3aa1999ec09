// The message people read, per channel language (Vietnamese by default): what happened, to which point
// of which unit, since when, whom to call, and a link to the point on the dashboard.
import type { Phase } from '../../shared/schemas';
import { formatDateTime, formatDurationWords, formatTime } from '../../shared/time';
import { renderDigest } from './digest'; // issue 17 point 4 (maint)
import type { Incident } from './incident';

export type AlertLanguage = 'vi' | 'en';

const WORDS = {
  vi: {
    open: {
      down: 'MẤT KẾT NỐI',
      severe: 'CHẬP CHỜN NẶNG',
      endpoint: 'THIẾT BỊ KHÔNG PHẢN HỒI (đường truyền vẫn thông)',
      test: 'TIN NHẮN THỬ',
    },
    recovered: 'ĐÃ KẾT NỐI LẠI',
    ack: 'ĐÃ CÓ NGƯỜI NHẬN XỬ LÝ',
    took: (by: string, at: string) => `${by} đã nhận xử lý lúc ${at}`,
    ackLink: 'Nhận xử lý (bấm để báo đã nhận, dừng chuyển cấp)',
    flapping: 'CHẬP CHỜN LIÊN TỤC',
    agentLost: 'KHÔNG LIÊN LẠC ĐƯỢC TRẠM ĐO',
    agent: (name: string) => `Trạm đo ${name}`,
    agentNote: 'Các điểm cầu của trạm đo hiện chưa rõ trạng thái (không phải mất kết nối).',
    points: (n: number) => `${n} điểm cầu`,
    drops: (n: number) => `Số lần mất kết nối: ${n}`,
    meeting: 'Hội nghị',
    since: 'Bắt đầu',
    until: 'Kết thúc',
    lasted: 'Gián đoạn',
    ongoing: 'đang tiếp diễn',
    contacts: 'Liên hệ',
    detail: 'Chi tiết',
    unit: 'Đơn vị',
    testBody: (channel: string) =>
      `Tin nhắn thử của kênh cảnh báo "${channel}" từ diemcau. Kênh hoạt động bình thường.`,
    phase: {
      scheduled: 'chưa bắt đầu',
      lineTest: 'chạy thử đường truyền',
      waiting: 'chờ họp',
      live: 'đang họp',
      ended: 'đã kết thúc',
    } satisfies Record<Phase, string>,
    role: { technician: 'cán bộ kỹ thuật', leader: 'lãnh đạo', other: 'khác' } as Record<string, string>,
  },
  en: {
    open: {
      down: 'DOWN',
      severe: 'SEVERELY DEGRADED',
      endpoint: 'ENDPOINT NOT ANSWERING (the line is up)',
      test: 'TEST MESSAGE',
    },
    recovered: 'RECOVERED',
    ack: 'TAKEN',
    took: (by: string, at: string) => `${by} took it at ${at}`,
    ackLink: 'Take it (click to acknowledge and stop the escalation)',
    flapping: 'FLAPPING',
    agentLost: 'NO CONTACT WITH THE PROBE',
    agent: (name: string) => `Probe agent ${name}`,
    agentNote: "Its points' states are unknown for now (not down).",
    points: (n: number) => `${n} point${n === 1 ? '' : 's'}`,
    drops: (n: number) => `Times the line was lost: ${n}`,
    meeting: 'Meeting',
    since: 'Started',
    until: 'Ended',
    lasted: 'Outage',
    ongoing: 'ongoing',
    contacts: 'Contacts',
    detail: 'Details',
    unit: 'Unit',
    testBody: (channel: string) => `Test message of alert channel "${channel}" from diemcau. The channel works.`,
    phase: {
      scheduled: 'scheduled',
      lineTest: 'line test',
      waiting: 'waiting',
      live: 'live session',
      ended: 'ended',
    } satisfies Record<Phase, string>,
    role: { technician: 'technician', leader: 'leader', other: 'other' } as Record<string, string>,
  },
};

/** `15:02:07 05/03/2026`: the second matters for an outage's start. */
const instant = (ms: number): string => `${formatTime(ms)} ${formatDateTime(ms).slice(0, 10)}`;

/** The dashboard's link to a point (`…/#point=CODE`), or null without a base URL. */
export function pointLink(baseUrl: string | undefined, code: string): string | null {
  if (!baseUrl) return null;
  return `${baseUrl.replace(/\/+$/, '')}/#point=${encodeURIComponent(code)}`;
}

export interface RenderedMessage {
  /** One line: the e-mail subject, the first line elsewhere. */
  title: string;
  /** The lines after the title. */
  lines: string[];
}

export function renderIncident(
  i: Incident,
  lang: AlertLanguage,
  baseUrl: string | undefined,
  channel: string,
  ackUrl: string | null = null,
): RenderedMessage {
  const w = WORDS[lang];
  if (i.kind === 'test') {
    return { title: `[diemcau] ${w.open.test}`, lines: [w.testBody(channel)] };
  }
  if (i.kind === 'digest') return renderDigest(i, lang, (code) => pointLink(baseUrl, code));
  const names = i.points.map((p) => p.name).join(', ');
  const group = i.group ?? { kind: 'point', unit: null, drops: 1 };
  // [AL10][AL13] A unit's line is named by its unit, a flapping line says so.
  const what =
    group.kind === 'unit' && group.unit
      ? `${group.unit.name} (${w.points(i.points.length)})`
      : group.kind === 'agent'
        ? `${w.agent(group.agent ?? '')} (${w.points(i.points.length)})`
        : names;
  const head =
    i.kind === 'recovered'
      ? w.recovered
      : i.kind === 'ack'
        ? w.ack
        : group.kind === 'flapping'
          ? w.flapping
          : group.kind === 'agent'
            ? w.agentLost
            : w.open[i.type === 'severe' || i.type === 'endpoint' ? i.type : 'down'];
  const title = `[diemcau] ${head}: ${what}`;
  const lines: string[] = [];
  // [AL25] The notice to the others: who took it, first.
  if (i.kind === 'ack' && i.ack) lines.push(w.took(i.ack.by, instant(i.ack.at)));
  if (group.kind === 'unit' && group.unit) lines.push(`${w.unit}: ${group.unit.name} — ${w.points(i.points.length)}`);
  if (group.kind === 'flapping') lines.push(w.drops(group.drops));
  // [AG10] One message for the agent, its points listed below: their states are unknown, not down.
  if (group.kind === 'agent' && i.kind === 'open') lines.push(w.agentNote);
  if (i.meeting) {
    const phase = i.phase ? ` (${w.phase[i.phase]})` : '';
    lines.push(`${w.meeting}: ${i.meeting.title}${phase}`);
  }
  for (const p of i.points) {
    if (i.points.length > 1) lines.push(`• ${p.name} (${p.code})`);
    if (p.unit.name) lines.push(`${w.unit}: ${p.unit.name}`);
  }
  lines.push(`${w.since}: ${instant(i.start)}`);
  if (i.kind === 'recovered' && i.end !== null) {
    lines.push(`${w.until}: ${instant(i.end)}`);
    lines.push(`${w.lasted}: ${formatDurationWords(i.end - i.start, lang)}`);
  } else {
    lines.push(`${w.lasted}: ${w.ongoing}`);
  }
  for (const p of i.points) {
    if (p.contacts.length > 0) {
      const list = p.contacts.map((c) => `${c.name} (${w.role[c.role] ?? c.role}) ${c.phone}`).join('; ');
      lines.push(`${w.contacts}: ${list}`);
    }
    const link = pointLink(baseUrl, p.code);
    if (link) lines.push(`${w.detail}: ${link}`);
  }
  if (ackUrl !== null && i.kind === 'open') lines.push(`${w.ackLink}: ${ackUrl}`);
  return { title, lines };
}

export function plainText(m: RenderedMessage): string {
  return [m.title, ...m.lines].join('\n');
}
