// What clients see: stored rows (ms instants) turned into wire objects (ISO instants, +07:00).
import { phaseAt } from '../shared/phase';
import type { MeetingView } from '../shared/protocol';
import type { Meeting, Outage, Sample } from '../shared/schemas';
import { toWireInstant, toWireInstantOrNull } from '../shared/time';
import type { OutageRow, RollupRow } from './store/types';

export function presentOutage(o: OutageRow): Outage {
  return {
    id: o.id,
    point: o.point,
    meeting: o.meeting,
    type: o.type,
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
    host: r.host,
    t: toWireInstant(r.t),
    sent: r.sent,
    received: r.received,
    rttMin: r.rttMin,
    rttAvg: r.rttAvg,
    rttMax: r.rttMax,
    jitter: r.jitter,
  };
}
