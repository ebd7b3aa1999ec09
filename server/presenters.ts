// What clients see: stored rows (ms instants) turned into wire objects (ISO instants, +07:00).
import { phaseAt } from '../shared/phase';
import type { MeetingView } from '../shared/protocol';
import type { Meeting, Outage, Sample } from '../shared/schemas';
import { toWireInstant, toWireInstantOrNull } from '../shared/time';
import type { OutageRow, RollupRow } from './store/types';
import type { Point, PointStatus } from '../shared/schemas';
import { defaultPort, toWireTarget, type TargetStatusRow } from '../shared/targets';
import type { TargetRow } from './status/board';

export function presentOutage(o: OutageRow): Outage {
  return {
    id: o.id,
    point: o.point,
    meeting: o.meeting,
    type: o.type,
    class: o.class,
    target: o.target,
    kind: o.kind,
    phase: o.phase,
    startedAt: toWireInstant(o.startedAt),
    detectedAt: toWireInstant(o.detectedAt),
    endedAt: toWireInstantOrNull(o.endedAt),
  };
}

export function presentMeeting(m: Meeting, now: number): MeetingView {
  return { ...m, phase: phaseAt(m, now) };
}

export function presentSample(r: RollupRow): Sample {
  return {
    point: r.point,
    target: r.target,
    t: toWireInstant(r.t),
    sent: r.sent,
    received: r.received,
    rttMin: r.rttMin,
    rttAvg: r.rttAvg,
    rttMax: r.rttMax,
    jitter: r.jitter,
  };
}

/**
 * [TG8] A point's targets with their states: the monitor's rows where it keeps them (a point with more
 * than its line), else the primary line from the point's own status.
 */
export function presentTargets(
  point: Point,
  status: PointStatus | undefined,
  rows: readonly TargetRow[],
): TargetStatusRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return point.targets.map((t) => {
    const w = toWireTarget(t);
    const port =
      'port' in t && t.port !== undefined
        ? t.port
        : (defaultPort(t.kind, 'transport' in t ? t.transport : undefined) ?? null);
    const r = byId.get(w.id);
    if (r) {
      return {
        ...w,
        port,
        state: r.state,
        rtt: r.rtt,
        reason: r.reason,
        code: r.code,
        detail: r.detail,
        certExpiresAt: toWireInstantOrNull(r.certExpiresAt),
        call: r.call,
      };
    }
    const own = t.role === 'primary' ? status : undefined;
    const state = own?.state ?? (t.role === 'backup' ? (status?.backup ?? 'unknown') : 'unknown');
    return {
      ...w,
      port,
      state,
      rtt: own?.rtt ?? null,
      reason: null,
      code: null,
      detail: null,
      certExpiresAt: null,
      call: null,
    };
  });
}
