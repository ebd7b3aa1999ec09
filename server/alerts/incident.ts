// What an alert is about: one incident per real problem (server/alerts/engine.ts, docs/SPEC.md
// AL10–AL14): a point's outage, a unit's line (several points, one incident), or a flapping line;
// its opening and its recovery. Written to the outbox through the IncidentSink seam.
import type { IncidentSeverity } from '../../shared/alerts';
import type { Phase } from '../../shared/schemas';
import type { DigestItem } from './digest'; // issue 17 point 4 (maint)

/**
 * `digest`: the daily summary of what happened outside the meeting windows (server/alerts/digest.ts;
 * never in the outbox). `ack`: the notice that someone took an incident (docs/ALERTS.md AL25), sent to
 * the others.
 */
export type IncidentKind = 'open' | 'recovered' | 'test' | 'digest' | 'ack';

export interface IncidentContact {
  name: string;
  role: string;
  phone: string;
}

export interface IncidentPoint {
  code: string;
  name: string;
  unit: { id: string; name: string };
  /** The point's contacts with a phone number, technicians first. */
  contacts: IncidentContact[];
}

/**
 * What the incident groups: `point` (one point's own outage), `unit` (the line of a unit: its hub or
 * most of its points at once; `points` lists the affected ones), `flapping` (one point's line bouncing:
 * `drops` losses within the flapping window), `agent` (a remote probe agent not heard while its points
 * are in a meeting window: `agent` names it, `points` lists its points; docs/AGENTS.md AG10).
 */
export type IncidentGroupKind = 'point' | 'unit' | 'flapping' | 'agent';

export interface IncidentGroup {
  kind: IncidentGroupKind;
  /** The unit whose line failed (`unit`), the point's unit otherwise; null when unknown. */
  unit: { id: string; name: string } | null;
  /** Times the line was lost within this incident (1 for a plain outage). */
  drops: number;
  /** `agent`: the probe agent not heard. */
  agent?: string;
}

export interface Incident {
  /** Stable and unique: the same incident is never stored or delivered twice (`outage-12-open`). */
  id: string;
  kind: IncidentKind;
  /** `critical`: a point lost its line (down); `warning`: severe degradation; `info`: tests. */
  severity: IncidentSeverity;
  /** `down` or `severe` for the line's outages, `endpoint` for the room's endpoint not answering (TG7). */
  type: 'down' | 'severe' | 'endpoint' | 'test' | 'digest' | 'agent';
  /** When it happened: the outage's detection for `open`, its end for `recovered`. */
  at: number;
  /**
   * The outage's start (its first lost probe) and end (first reply; null while open); for `agent`, the
   * agent's last contact and when it was heard again.
   */
  start: number;
  end: number | null;
  meeting: { id: string; title: string } | null;
  phase: Phase | null;
  /** The outage records behind it. */
  outages: number[];
  points: IncidentPoint[];
  /** An `ack` notice: who took the incident (`of`), when, from where. */
  ack?: { of: string; by: string; at: number; via: 'dashboard' | 'link' };
  /** Absent on tests and on incidents stored before grouping existed: read as a `point` group. */
  group?: IncidentGroup;
  /** A one-line Vietnamese summary (the channels render their own message in the channel's language). */
  text: string;
  /** Issue 17 point 4 (maint): the digest's day and outages (kind `digest` only). */
  digest?: { day: string; items: DigestItem[] };
}

/** Where incidents go: the durable outbox (server/store/sqlite-alerts.ts) or, in tests, a list. */
export interface IncidentSink {
  /** Stores it for delivery; false when an incident with that id is stored already. Rejects when it cannot store. */
  add(incident: Incident): Promise<boolean>;
}
