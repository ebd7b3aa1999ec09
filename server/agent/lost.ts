// [AG10] A probe agent lost during a meeting window is one alert incident, not one per point: opened
// when the agent falls silent while any of its points is inside a meeting's monitoring window (or when a
// window opens on a silent agent's points), resolved once the agent is heard again. Its points' unknown
// states raise no outage of their own (unknown never does: docs/SPEC.md OU5), and what the replay then
// shows (a real outage inside the cut) is an outage with its own incident as any other.
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, phaseAt, windowAt, type WindowConfig } from '../../shared/phase';
import type { Meeting } from '../../shared/schemas';
import { formatDateTime } from '../../shared/time';
import type { Incident } from '../alerts/incident';
import { incidentPoint, type InventoryLookup } from '../alerts/source';

export interface AgentLostOptions {
  inventory: InventoryLookup;
  /** The points an agent probes (any of their targets), in inventory order. */
  pointsOf(agent: string): readonly string[];
  /** The meetings a point takes part in. */
  meetingsOf(code: string): readonly string[];
  /** Where the incident goes (the incident engine's ordered, retried queue). */
  raise(i: Incident): void;
  logger: Logger;
  windows?: WindowConfig;
}

interface Lost {
  since: number;
  /** The open incident, once one was raised (a window was open). */
  open: Incident | null;
}

export class AgentLostAlerts {
  private readonly lost = new Map<string, Lost>();
  private readonly windows: WindowConfig;

  constructor(private readonly o: AgentLostOptions) {
    this.windows = o.windows ?? DEFAULT_WINDOWS;
  }

  /** The agent fell silent (last heard `since`) or was heard again (`since` null). */
  changed(agent: string, since: number | null, now: number): void {
    if (since !== null) {
      if (!this.lost.has(agent)) this.lost.set(agent, { since, open: null });
      this.check(agent, now);
      return;
    }
    const l = this.lost.get(agent);
    this.lost.delete(agent);
    if (!l?.open) return;
    const o = l.open;
    const text = `Trạm đo ${agent}: đã liên lạc lại lúc ${formatDateTime(now)}`;
    this.o.raise({ ...o, id: o.id.replace(/-open$/, '-recovered'), kind: 'recovered', at: now, end: now, text });
  }

  /** A window may have opened on a silent agent's points; call it every second or so. */
  tick(now: number): void {
    for (const agent of this.lost.keys()) this.check(agent, now);
  }

  /** Agents with an open incident. */
  openAgents(): string[] {
    return [...this.lost].filter(([, l]) => l.open !== null).map(([a]) => a);
  }

  private check(agent: string, now: number): void {
    const l = this.lost.get(agent);
    if (!l || l.open) return;
    const codes = this.o.pointsOf(agent);
    const meeting = this.windowOpen(codes, now);
    if (!meeting) return;
    const points = codes.map((c) => incidentPoint(c, this.o.inventory));
    const text =
      `Trạm đo ${agent}: không liên lạc được từ ${formatDateTime(l.since)}` +
      ` (${points.length} điểm cầu chưa rõ trạng thái)`;
    l.open = {
      id: `agent-${agent}-${l.since}-open`,
      kind: 'open',
      severity: 'critical',
      type: 'agent',
      at: now,
      start: l.since,
      end: null,
      meeting: { id: meeting.id, title: meeting.title },
      phase: phaseAt(meeting, now),
      outages: [],
      points,
      group: { kind: 'agent', unit: null, drops: 1, agent },
      text,
    };
    this.o.logger.warn({ agent, meeting: meeting.id, points: points.length }, 'agent lost during a meeting window');
    this.o.raise(l.open);
  }

  /** The first meeting whose monitoring window is open now for one of these points. */
  private windowOpen(codes: readonly string[], now: number): Meeting | undefined {
    for (const code of codes) {
      for (const id of this.o.meetingsOf(code)) {
        const m = this.o.inventory.meeting(id);
        if (m && windowAt(m, now, this.windows) !== null) return m;
      }
    }
    return undefined;
  }
}
