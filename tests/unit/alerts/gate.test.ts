// The gate's verdict (server/alerts/gate.ts judge): planned work on a point or on a unit above it
// mutes; the meeting windows with their lead and tail times decide between "send" and "digest".
import { describe, expect, it } from 'vitest';
import { judge } from '../../../server/alerts/gate';
import type { Incident } from '../../../server/alerts/incident';
import type { MaintenanceRow } from '../../../server/store/maintenance-types';
import { meetingNow, tinyProvince } from '../../helpers/app';

const MIN = 60_000;
const T0 = Date.parse('2026-12-03T08:00:00+07:00');
const { units, points } = tinyProvince(5, 2);

function incident(code: string, at: number): Incident {
  return {
    id: `outage-${code}-open`,
    kind: 'open',
    severity: 'critical',
    type: 'down',
    at,
    start: at - 3000,
    end: null,
    meeting: null,
    phase: null,
    outages: [1],
    points: [{ code, name: code, unit: { id: code, name: code }, contacts: [] }],
    text: '',
  };
}

const entry = (
  id: number,
  targetKind: 'point' | 'unit',
  target: string,
  start: number,
  end: number,
): MaintenanceRow => ({
  id,
  targetKind,
  target,
  start,
  end,
  reason: 'thử',
  createdBy: 'admin',
  createdAt: start,
});

describe('gate verdicts', () => {
  // Line test from T0 − 5 min for 120 min; the session starts 18 h later (tests/helpers/app.ts meetingNow).
  const m = meetingNow('m', 'lineTest', { levels: [], points: ['C1'] }, T0);
  const inv = { units, points, meetings: [m] };

  it('[AL31] inside the line-test window (lead time included) it sends; before the lead time and for a non-participant it digests', () => {
    expect(judge(incident('C1', T0), inv, [])).toEqual({ action: 'send' });
    // The window opens 15 min before the line test (DEFAULT_WINDOWS.lineTestLeadMin).
    expect(judge(incident('C1', T0 - 5 * MIN - 14 * MIN), inv, [])).toEqual({ action: 'send' });
    expect(judge(incident('C1', T0 - 5 * MIN - 16 * MIN), inv, [])).toEqual({ action: 'digest' });
    // And stays open 15 min after its end.
    expect(judge(incident('C1', T0 + 115 * MIN + 14 * MIN), inv, [])).toEqual({ action: 'send' });
    expect(judge(incident('C1', T0 + 115 * MIN + 16 * MIN), inv, [])).toEqual({ action: 'digest' });
    expect(judge(incident('C2', T0), inv, [])).toEqual({ action: 'digest' });
  });

  it('[AL30] planned work on the point, or on a unit above it, mutes; outside its span it does not', () => {
    const onPoint = [entry(7, 'point', 'C1', T0 - 60 * MIN, T0 + 60 * MIN)];
    expect(judge(incident('C1', T0), inv, onPoint)).toEqual({ action: 'muted', maintenance: 7 });
    const onDistrict = [entry(8, 'unit', 'D1', T0 - 60 * MIN, T0 + 60 * MIN)];
    expect(judge(incident('C2', T0), inv, onDistrict)).toEqual({ action: 'muted', maintenance: 8 });
    const over = [entry(9, 'point', 'C1', T0 - 60 * MIN, T0 - 10 * MIN)];
    expect(judge(incident('C1', T0), inv, over)).toEqual({ action: 'send' });
    // A test incident passes whatever the schedule.
    expect(judge({ ...incident('C1', T0), kind: 'test', points: [] }, inv, onPoint)).toEqual({ action: 'send' });
  });

  it('[AL30] a grouped incident is muted only when every point is under planned work', () => {
    const two: Incident = {
      ...incident('C1', T0),
      points: [incident('C1', T0).points[0]!, incident('C2', T0).points[0]!],
    };
    expect(judge(two, inv, [entry(1, 'point', 'C1', T0 - MIN, T0 + MIN)])).toEqual({ action: 'send' });
    expect(judge(two, inv, [entry(2, 'unit', 'D1', T0 - MIN, T0 + MIN)])).toEqual({ action: 'muted', maintenance: 2 });
  });
});
