// Small display helpers. Numbers follow the language's conventions (decimal comma in Vietnamese).
import type { PointStatus, Unit } from '../../../shared/schemas';

const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${digits}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });
    formatters.set(key, f);
  }
  return f;
}

export const NO_VALUE = '—';

/** `0,04 ms`, `3,2 ms`, `45 ms`: more decimals only where they mean something. */
export function formatRtt(ms: number | null | undefined, locale: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NO_VALUE;
  const digits = ms < 1 ? 2 : ms < 10 ? 1 : 0;
  return `${numberFormat(locale, digits).format(ms)} ms`;
}

/**
 * A point's RTT as its tile and detail show it: none unless the point is reachable (a down or unknown
 * point has no RTT, whatever figure a status carries), and a reply the wire rounded to 0 (under
 * 0.05 ms, loopback) as `< 0,1 ms`, never `0 ms`.
 */
export function formatPointRtt(status: PointStatus | undefined, locale: string): string {
  if (!status || status.state === 'down' || status.state === 'unknown') return NO_VALUE;
  if (status.rtt === 0) return `< ${numberFormat(locale, 1).format(0.1)} ms`;
  return formatRtt(status.rtt, locale);
}

export function formatLoss(pct: number | null | undefined, locale: string): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return NO_VALUE;
  return `${numberFormat(locale, pct < 10 ? 1 : 0).format(pct)}%`;
}

/** A dialable `tel:` URI: digits and a leading +. */
export function telHref(phone: string): string {
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return `tel:${plus}${phone.replace(/\D/g, '')}`;
}

/** The unit and its ancestors, root first (cycles and unknown parents end the walk). */
export function unitPath(unitId: string, unitsById: ReadonlyMap<string, Unit>): Unit[] {
  const path: Unit[] = [];
  const seen = new Set<string>();
  let id: string | null = unitId;
  while (id !== null && !seen.has(id)) {
    const unit = unitsById.get(id);
    if (!unit) break;
    path.unshift(unit);
    seen.add(id);
    id = unit.parent;
  }
  return path;
}
