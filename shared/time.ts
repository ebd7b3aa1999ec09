// Instants on the wire are ISO 8601 with the +07:00 offset (Asia/Ho_Chi_Minh has had no DST since
// 1975); display is dd/MM/yyyy HH:mm, 24-hour, in Asia/Ho_Chi_Minh whatever the viewer's zone.
export const VN_OFFSET_MS = 7 * 3_600_000;
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2026-11-21T15:00:00.000+07:00` */
export function toWireInstant(ms: number): string {
  const d = new Date(ms + VN_OFFSET_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+07:00`
  );
}

export function toWireInstantOrNull(ms: number | null): string | null {
  return ms === null ? null : toWireInstant(ms);
}

/** `21/11/2026 15:00` */
export function formatDateTime(ms: number): string {
  const d = new Date(ms + VN_OFFSET_MS);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** `21/11/2026 15:00:07`: an instant to the second (outage starts and ends, acknowledgements). */
export function formatDateTimeSec(ms: number): string {
  return `${formatDateTime(ms)}:${pad(new Date(ms + VN_OFFSET_MS).getUTCSeconds())}`;
}

/** `15:00:07` */
export function formatTime(ms: number): string {
  const d = new Date(ms + VN_OFFSET_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export type DurationLang = 'vi' | 'en';

const DURATION_UNITS: Record<DurationLang, { d: string; h: string; m: string; s: string }> = {
  vi: { d: 'ngày', h: 'giờ', m: 'phút', s: 'giây' },
  en: { d: 'd', h: 'h', m: 'min', s: 's' },
};

/**
 * A duration in words, never mistakable for a time of day: `45 giây`, `12 phút 30 giây`,
 * `1 giờ 05 phút`, `2 ngày 03 giờ` (English: `45 s`, `12 min 30 s`, `1 h 05 min`, `2 d 03 h`).
 * Two units at most; the smaller one is zero-padded; the rest is cut, not rounded up.
 */
export function formatDurationWords(ms: number, lang: DurationLang = 'vi'): string {
  const u = DURATION_UNITS[lang];
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} ${u.d} ${pad(h)} ${u.h}`;
  if (h > 0) return `${h} ${u.h} ${pad(m)} ${u.m}`;
  if (m > 0) return `${m} ${u.m} ${pad(s)} ${u.s}`;
  return `${s} ${u.s}`;
}

/** h:mm:ss, for machine-readable columns (CSV) only: people read formatDurationWords. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:${pad(m)}` : m}:${pad(s % 60)}`;
}
