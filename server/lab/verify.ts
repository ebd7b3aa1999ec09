// Accuracy of a monitor against the lab's ground truth: a pure comparison of expected outages (from
// the truth file) with the outages the monitor recorded, plus the states it shows for delayed hosts.
//
// Matching is per point and by time overlap. Expected outages of one point separated by less than
// `downAfter` probe intervals are merged first: the monitor cannot see them as two (it needs that
// many replies in a row to call the point up again). A detected outage may also span expected ones
// whose gap is short enough that hysteresis could merge them (`upAfter` intervals + tolerance).
import type { PointState } from '../../shared/schemas';
import type { ExpectedOutage } from './truth';

export type { ExpectedOutage } from './truth';

export interface DetectedOutage {
  point: string;
  start: number;
  /** null: still open when fetched. */
  end: number | null;
  id?: number;
  type?: 'down' | 'severe';
}

export interface VerifyOptions {
  /** The monitor's probe interval during the run (1000 in a live session). */
  probeIntervalMs: number;
  /** Allowed start/end error beyond one probe interval (default 500). */
  toleranceMs?: number;
  /** Expected outages at least this long must be detected (default 3000). */
  minDurationMs?: number;
  /** Replies in a row before a point is up again (default 3). */
  upAfter?: number;
  /** Points with light random loss and nothing else: no outage may be detected there. */
  lossyOnly?: readonly string[];
  /** Points whose heavy loss may rightly bring them down: unmatched outages there are not counted. */
  uncertain?: readonly string[];
  /** Points answering with added delay: they must show as degraded, not down. */
  delayed?: readonly string[];
  /** Observed state per point code, for the delayed check. */
  states?: Readonly<Record<string, PointState>>;
  /** States a delayed point may show (default degraded). */
  delayedStates?: readonly PointState[];
  /**
   * Delayed points that were out within the monitor's loss window before their state was read: the
   * probes lost then may rightly still show (severe, even down). Shown, not judged.
   */
  settling?: readonly string[];
  /**
   * Spans the monitor itself declared it could not observe (its gaps: stopped, stall, clock; SPEC
   * MG1–MG3). An expected outage it missed inside one is unobserved, not missed: the log says so.
   */
  gaps?: readonly { from: number; to: number }[];
}

export interface OutageMatch {
  point: string;
  expected: ExpectedOutage[];
  detected: DetectedOutage[];
  /** Detected minus expected, in ms (positive: the monitor was late). */
  startErrorMs: number;
  /** null when both are still open. */
  endErrorMs: number | null;
  problems: string[];
}

export interface Criterion {
  id: string;
  description: string;
  ok: boolean;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  criteria: Criterion[];
  matches: OutageMatch[];
  missed: ExpectedOutage[];
  /** Expected outages shorter than minDurationMs that went unseen (allowed). */
  short: ExpectedOutage[];
  /** Expected outages unseen inside a span the monitor declared blind (shown, not judged). */
  unobserved: ExpectedOutage[];
  falseOutages: DetectedOutage[];
  /** Unmatched outages on `uncertain` points, and severe (not down) outages: shown, not judged. */
  ignored: DetectedOutage[];
  delayed: { point: string; state: PointState | null; ok: boolean; settling?: true }[];
  toleranceMs: number;
  /** The room endpoints' outages (`compareEndpointOutages`), where the lab had any. */
  endpoint?: EndpointReport;
}

/** The endpoints' side of the comparison: its criteria are V6–V8. */
export type EndpointReport = Pick<
  VerifyReport,
  'ok' | 'criteria' | 'matches' | 'missed' | 'short' | 'unobserved' | 'falseOutages' | 'toleranceMs'
>;

interface Group {
  point: string;
  members: ExpectedOutage[];
  start: number;
  end: number | null;
  /** Longest single member: whether the monitor can be expected to see the group at all. */
  longestMs: number;
  /** Has a run of seeded drops the monitor must see (the truth counted the lost probes). */
  lossRun: boolean;
}

const INF = Number.POSITIVE_INFINITY;
const endOr = (end: number | null): number => end ?? INF;

function groupExpected(expected: readonly ExpectedOutage[], mergeBelowMs: number, openEnd: number): Group[] {
  const groups: Group[] = [];
  for (const e of [...expected].sort((a, b) => a.start - b.start)) {
    const len = endOr(e.end) === INF ? openEnd - e.start : e.end! - e.start;
    const last = groups[groups.length - 1];
    if (last && last.end !== null && e.start - last.end < mergeBelowMs) {
      last.members.push(e);
      last.end = e.end;
      last.longestMs = Math.max(last.longestMs, len);
      last.lossRun ||= e.causes.includes('loss');
    } else {
      const lossRun = e.causes.includes('loss');
      groups.push({ point: e.point, members: [e], start: e.start, end: e.end, longestMs: len, lossRun });
    }
  }
  return groups;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1).replace('.', ',')} s`;

export function compareOutages(
  expected: readonly ExpectedOutage[],
  detected: readonly DetectedOutage[],
  opts: VerifyOptions,
): VerifyReport {
  const interval = opts.probeIntervalMs;
  const tol = opts.toleranceMs ?? 500;
  const limit = interval + tol;
  const minDuration = opts.minDurationMs ?? 3000;
  // Between two cuts shorter than this, not enough replies fit for the monitor to call it up.
  const mustMerge = ((opts.upAfter ?? 3) - 1) * interval;
  const mayMerge = (opts.upAfter ?? 3) * interval + tol;
  const lossyOnly = new Set(opts.lossyOnly ?? []);
  const uncertain = new Set(opts.uncertain ?? []);
  const openEnd = Math.max(0, ...expected.map((e) => e.end ?? e.start), ...detected.map((d) => d.end ?? d.start));

  const report: VerifyReport = {
    ok: true,
    criteria: [],
    matches: [],
    missed: [],
    short: [],
    unobserved: [],
    falseOutages: [],
    ignored: detected.filter((d) => d.type === 'severe'),
    delayed: [],
    toleranceMs: tol,
  };
  const downs = detected.filter((d) => d.type !== 'severe');
  const points = [...new Set([...expected.map((e) => e.point), ...downs.map((d) => d.point)])].sort();

  for (const point of points) {
    const groups = groupExpected(
      expected.filter((e) => e.point === point),
      mustMerge,
      openEnd,
    );
    const dets = downs.filter((d) => d.point === point).sort((a, b) => a.start - b.start);
    // A detected outage belongs to every group whose window (widened by the allowed error) it meets.
    const meets = (d: DetectedOutage, g: Group): boolean =>
      d.start <= endOr(g.end) + limit && endOr(d.end) >= g.start - limit;
    const claimed = new Map<Group, DetectedOutage[]>();
    for (const d of dets) {
      const hit = groups.filter((g) => meets(d, g));
      if (hit.length === 0) {
        (uncertain.has(point) ? report.ignored : report.falseOutages).push(d);
        continue;
      }
      for (const g of hit) claimed.set(g, [...(claimed.get(g) ?? []), d]);
    }
    // Walk groups in order, joining those that share a detected outage into one match.
    const seen = new Set<Group>();
    for (const g of groups) {
      if (seen.has(g)) continue;
      const ds = claimed.get(g);
      if (!ds) {
        const blind = (opts.gaps ?? []).some((x) => x.from <= endOr(g.end) + limit && x.to >= g.start - limit);
        const list = blind ? report.unobserved : g.longestMs >= minDuration || g.lossRun ? report.missed : report.short;
        list.push(...g.members);
        continue;
      }
      const joined = [g];
      seen.add(g);
      let changed = true;
      while (changed) {
        changed = false;
        for (const other of groups) {
          if (
            seen.has(other) ||
            !(claimed.get(other) ?? []).some((d) => joined.some((j) => claimed.get(j)!.includes(d)))
          )
            continue;
          joined.push(other);
          seen.add(other);
          changed = true;
        }
      }
      joined.sort((a, b) => a.start - b.start);
      const matchDets = [...new Set(joined.flatMap((j) => claimed.get(j)!))].sort((a, b) => a.start - b.start);
      // As many detected as expected: pair them up; otherwise judge the run as a whole.
      if (matchDets.length === joined.length && joined.length > 1) {
        joined.forEach((j, i) => report.matches.push(judge(point, [j], [matchDets[i]!], { limit, mayMerge })));
      } else report.matches.push(judge(point, joined, matchDets, { limit, mayMerge }));
    }
  }

  const settling = new Set(opts.settling ?? []);
  for (const point of opts.delayed ?? []) {
    const state = opts.states?.[point] ?? null;
    const okStates = opts.delayedStates ?? ['degraded'];
    if (settling.has(point)) report.delayed.push({ point, state, ok: true, settling: true });
    else report.delayed.push({ point, state, ok: state !== null && okStates.includes(state) });
  }

  const lossyHits = report.falseOutages.filter((d) => lossyOnly.has(d.point));
  const otherFalse = report.falseOutages.filter((d) => !lossyOnly.has(d.point));
  const bad = report.matches.filter((m) => m.problems.length > 0);
  const worst = (f: (m: OutageMatch) => number | null): number =>
    Math.max(0, ...report.matches.map((m) => Math.abs(f(m) ?? 0)));
  report.criteria = [
    {
      id: 'V1',
      description: `Mọi sự cố ≥ ${secs(minDuration)} (và mọi chuỗi mất gói liên tiếp đủ để mất kết nối) đều được phát hiện`,
      ok: report.missed.length === 0,
      detail: report.missed.length
        ? `bỏ sót ${report.missed.length}: ${report.missed.map((m) => m.point).join(', ')}`
        : `${report.matches.length} khớp`,
    },
    {
      id: 'V2',
      description: 'Không có sự cố giả (điểm cầu vẫn thông mà báo mất kết nối)',
      ok: otherFalse.length === 0,
      detail: otherFalse.length
        ? `${otherFalse.length} sự cố giả: ${otherFalse.map((d) => d.point).join(', ')}`
        : 'không có',
    },
    {
      id: 'V3',
      description: 'Không báo sự cố trên đường truyền chỉ mất gói nhẹ',
      ok: lossyHits.length === 0,
      detail: lossyHits.length
        ? `${lossyHits.length} sự cố trên: ${lossyHits.map((d) => d.point).join(', ')}`
        : `${lossyOnly.size} điểm cầu mất gói, không sự cố`,
    },
    {
      id: 'V4',
      description: `Bắt đầu và kết thúc lệch không quá ${secs(limit)} (một chu kỳ thăm dò + ${secs(tol)})`,
      ok: bad.length === 0,
      detail: bad.length
        ? bad.map((m) => `${m.point}: ${m.problems.join('; ')}`).join(' | ')
        : `lệch tối đa: đầu ${secs(worst((m) => m.startErrorMs))}, cuối ${secs(worst((m) => m.endErrorMs))}`,
    },
    {
      id: 'V5',
      description: 'Điểm cầu có độ trễ thêm hiển thị chập chờn, không mất kết nối',
      ok: report.delayed.every((d) => d.ok),
      detail: report.delayed.length
        ? report.delayed
            .map(
              (d) =>
                `${d.point}: ${d.state ?? 'không có trạng thái'}${d.settling ? ' (vừa mất kết nối, không xét)' : ''}`,
            )
            .join(', ')
        : 'không có điểm cầu trễ',
    },
  ];
  report.ok = report.criteria.every((c) => c.ok);
  return report;
}

function judge(
  point: string,
  groups: Group[],
  dets: DetectedOutage[],
  k: { limit: number; mayMerge: number },
): OutageMatch {
  const first = groups[0]!;
  const last = groups[groups.length - 1]!;
  const d0 = dets[0]!;
  const dn = dets[dets.length - 1]!;
  const problems: string[] = [];
  const startErrorMs = d0.start - first.start;
  let endErrorMs: number | null = null;
  if (last.end !== null && dn.end !== null) endErrorMs = dn.end - last.end;
  else if (last.end !== null) problems.push('chưa ghi nhận kết thúc (sự cố vẫn mở)');
  else if (dn.end !== null) problems.push('báo đã thông trở lại khi điểm cầu vẫn mất kết nối');

  if (Math.abs(startErrorMs) > k.limit) problems.push(`bắt đầu lệch ${secs(startErrorMs)}`);
  if (endErrorMs !== null && Math.abs(endErrorMs) > k.limit) problems.push(`kết thúc lệch ${secs(endErrorMs)}`);
  for (let i = 1; i < groups.length; i++) {
    const gap = groups[i]!.start - groups[i - 1]!.end!;
    if (gap > k.mayMerge) problems.push(`gộp hai sự cố cách nhau ${secs(gap)}`);
  }
  if (dets.length > groups.length) problems.push(`một sự cố bị tách thành ${dets.length}`);
  return { point, expected: groups.flatMap((g) => g.members), detected: dets, startErrorMs, endErrorMs, problems };
}

/**
 * Endpoint outages (class `endpoint`) against what the truth's endpoint faults call for
 * (`endpointOutages` of expected.ts: down, refuses, slow past the timeout, minus the line's outages).
 * The same matching as the line's (merge, split, start and end within one interval + tolerance, gaps
 * excuse); anything detected where the truth has no endpoint outage — a slow answer within the
 * timeout, a lossy line, a line cut — is false.
 */
export function compareEndpointOutages(
  expected: readonly ExpectedOutage[],
  detected: readonly DetectedOutage[],
  opts: Pick<VerifyOptions, 'probeIntervalMs' | 'toleranceMs' | 'upAfter' | 'gaps'>,
): EndpointReport {
  const minDuration = (opts.upAfter ?? 3) * opts.probeIntervalMs;
  const r = compareOutages(expected, detected, { ...opts, minDurationMs: minDuration });
  const byId = new Map(r.criteria.map((c) => [c.id, c]));
  const limit = opts.probeIntervalMs + r.toleranceMs;
  const criteria: Criterion[] = [
    {
      ...byId.get('V1')!,
      id: 'V6',
      description: `Thiết bị đầu cuối không phản hồi ≥ ${secs(minDuration)} (3 chu kỳ) đều được ghi nhận sự cố thiết bị`,
    },
    {
      ...byId.get('V2')!,
      id: 'V7',
      description:
        'Không có sự cố thiết bị giả (trả lời chậm trong thời gian chờ, đường truyền mất gói, cắt đường truyền)',
    },
    {
      ...byId.get('V4')!,
      id: 'V8',
      description: `Sự cố thiết bị bắt đầu và kết thúc lệch không quá ${secs(limit)}; không gộp, không tách`,
    },
  ];
  return {
    ok: criteria.every((c) => c.ok),
    criteria,
    matches: r.matches,
    missed: r.missed,
    short: r.short,
    unobserved: r.unobserved,
    falseOutages: r.falseOutages,
    toleranceMs: r.toleranceMs,
  };
}
