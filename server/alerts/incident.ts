// What an alert is about. For now one incident per outage opening and one per its end
// (server/alerts/source.ts); a grouping engine (by the unit tree, maintenance windows) will produce the
// same shape, several points to one incident, and plug in at the same seam (IncidentSink).
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

export interface Incident {
  /** Stable and unique: the same incident is never stored or delivered twice (`outage-12-open`). */
  id: string;
  kind: IncidentKind;
  /** `critical`: a point lost its line (down); `warning`: severe degradation; `info`: tests. */
  severity: IncidentSeverity;
  /** `down` or `severe` for outages. */
  type: 'down' | 'severe' | 'test' | 'digest';
  /** When it happened: the outage's detection for `open`, its end for `recovered`. */
  at: number;
  /** The outage's start (its first lost probe) and end (first reply; null while open). */
  start: number;
  end: number | null;
  meeting: { id: string; title: string } | null;
  phase: Phase | null;
  /** The outage records behind it. */
  outages: number[];
  points: IncidentPoint[];
  /** An `ack` notice: who took the incident (`of`), when, from where. */
  ack?: { of: string; by: string; at: number; via: 'dashboard' | 'link' };
  /** A one-line Vietnamese summary (the channels render their own message in the channel's language). */
  text: string;
  /** Issue 17 point 4 (maint): the digest's day and outages (kind `digest` only). */
  digest?: { day: string; items: DigestItem[] };
}

/** Where incidents go: the durable outbox (server/store/sqlite-alerts.ts) or, in tests, a list. */
export interface IncidentSink {
  /** Stores it for delivery; false when an incident with that id is stored already. Throws when it cannot store. */
  add(incident: Incident): boolean;
}
