// Rows of the alert outbox (migration 8; server/store/sqlite-alerts.ts): incidents, one delivery per
// incident and channel, one attempt row per try.
import type { DeliveryStatus } from '../../shared/alerts';
import type { Incident, IncidentKind } from '../alerts/incident';

export interface DeliveryRow {
  id: number;
  channel: string;
  incident: string;
  /** Digests are not in the outbox (issue 17 point 4: server/alerts/digest.ts). */
  incidentKind: Exclude<IncidentKind, 'digest'>;
  createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  /** While pending: when the next attempt is due. */
  nextAt: number | null;
  lastError: string | null;
  sentAt: number | null;
}

export interface AttemptRow {
  delivery: number;
  /** 1 for the first attempt. */
  n: number;
  at: number;
  /** How long the attempt took. */
  ms: number;
  ok: boolean;
  error: string | null;
}

export interface AttemptOutcome {
  delivery: number;
  at: number;
  ms: number;
  ok: boolean;
  error: string | null;
  /** Failed: when to try again, or null to give up (the delivery becomes `failed`). */
  nextAt: number | null;
}

export interface DeliveryQuery {
  channel?: string;
  /** Newest first, at most this many (default 200, at most 1 000). */
  limit?: number;
}

export interface DeliveryCount {
  channel: string;
  status: DeliveryStatus;
  n: number;
}

/**
 * The durable outbox. Idempotent where several writers may meet: an incident id is stored once, an
 * incident is routed once, a delivery is claimed by one sender at a time (a lease).
 */
export interface AlertStore {
  /** False (nothing written) when an incident with this id exists. */
  addIncident(incident: Incident): boolean;
  getIncident(id: string): Incident | undefined;
  /** Incidents not yet turned into deliveries, oldest first. */
  unroutedIncidents(limit: number): Incident[];
  /**
   * Marks the incident routed and creates its deliveries (due at `at`), in one transaction; false
   * (nothing written) when it was routed already.
   */
  routeIncident(id: string, at: number, deliveries: readonly { channel: string; maxAttempts: number }[]): boolean;
  /** Pending deliveries of a channel due by `now` and not held by another sender: held until `leaseUntil`. */
  claimDue(channel: string, now: number, leaseUntil: number, limit: number): DeliveryRow[];
  /** When the channel's next pending delivery is due (a held one: when its lease ends), or null. */
  nextDueAt(channel: string): number | null;
  /** Appends the attempt and updates its delivery (releasing the lease), in one transaction. */
  recordAttempt(o: AttemptOutcome): DeliveryRow;
  getDelivery(id: number): DeliveryRow | undefined;
  listDeliveries(q: DeliveryQuery): DeliveryRow[];
  listAttempts(delivery: number): AttemptRow[];
  countDeliveries(): DeliveryCount[];
}

export const DEFAULT_DELIVERY_LIMIT = 200;
export const MAX_DELIVERY_LIMIT = 1000;
