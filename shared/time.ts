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

/** `15:00:07` */
export function formatTime(ms: number): string {
  const d = new Date(ms + VN_OFFSET_MS);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `1 giờ 05 phút` style durations are the client's (i18n); this gives h:mm:ss. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:${pad(m)}` : m}:${pad(s % 60)}`;
}
