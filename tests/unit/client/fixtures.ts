// Small builders for the client's unit tests.
import type { MeetingView } from '../../../shared/protocol';
import type { Outage, Point, PointState, PointStatus, Unit } from '../../../shared/schemas';
import { toWireTarget } from '../../../shared/targets';
import type { WirePoint } from '../../../shared/wire';

export function unit(id: string, level: Unit['level'], parent: string | null, name = id): Unit {
  return { id, name, level, parent };
}

export function point(code: string, level: Point['level'], unitId: string, name = code): WirePoint {
  return {
    code,
    name,
    level,
    unit: unitId,
    targets: [toWireTarget({ kind: 'icmp', host: '127.0.0.1', role: 'primary' })],
    contacts: [],
  };
}

export function status(code: string, state: PointState, rtt: number | null = 5, loss: number | null = 0): PointStatus {
  return { code, state, rtt, loss, jitter: null, since: null, backup: null, endpoint: null, inCall: null };
}

let nextId = 1;
export function outage(p: Partial<Outage> & { point: string; startedAt: string }): Outage {
  return {
    id: p.id ?? nextId++,
    meeting: 'm1',
    type: 'down',
    class: 'line',
    target: null,
    kind: null,
    phase: 'live',
    detectedAt: p.startedAt,
    endedAt: null,
    ...p,
  };
}

export function meeting(
  id: string,
  lineTestStart: string,
  sessionStart: string,
  plannedEnd: string,
  phase: MeetingView['phase'],
): MeetingView {
  return {
    id,
    title: `Hội nghị ${id}`,
    host: null,
    lineTest: { start: lineTestStart, durationMin: 120 },
    session: { start: sessionStart, plannedEnd },
    participants: { levels: [], units: [], points: [] },
    phase,
  };
}
