// Rows of the alert outbox (migration 8; server/store/sqlite-alerts.ts): incidents, one delivery per
// incident and channel, one attempt row per try.
import type { DeliveryStatus } from '../../shared/alerts';
import type { Incident, IncidentKind } from '../alerts/incident';
import type { AsyncOf } from './async-of';

/** [AL20] A person a delivery goes to through its channel (null on a delivery: the channel's own target). */
export interface Recipient {
  name: string;
  /** The e-mail address, Telegram chat or Zalo user id, as the channel's kind takes it. */
  address: string;
}

export interface DeliveryRow {
  id: number;
  channel: string;
  recipient: Recipient | null;
  /** 0: sent at once; n ≥ 1: the rule's escalation, due `escalateAfterMinutes` after routing. */
  level: number;
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

export interface NewDelivery {
  channel: string;
  maxAttempts: number;
  recipient?: Recipient | null;
  level?: number;
  /** When it is first due (default: the routing instant). */
  dueAt?: number;
}

/** [AL24] Who took an incident: once per incident. */
export interface AckRow {
  incident: string;
  at: number;
  by: string;
  via: 'dashboard' | 'link';
  /** The delivery whose link was used. */
  delivery: number | null;
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
export interface SyncAlertStore {
  /** False (nothing written) when an incident with this id exists. */
  addIncident(incident: Incident): boolean;
  getIncident(id: string): Incident | undefined;
  /** Incidents not yet turned into deliveries, oldest first. */
  unroutedIncidents(limit: number): Incident[];
  /**
   * Marks the incident routed and creates its deliveries (due at `at`), in one transaction; false
   * (nothing written) when it was routed already.
   */
  routeIncident(id: string, at: number, deliveries: readonly NewDelivery[]): boolean;
  /** The incident's deliveries, oldest first. */
  incidentDeliveries(incident: string): DeliveryRow[];
  /**
   * [AL24] Records who took the incident and cancels its escalations not yet tried, in one
   * transaction; `first` false (nothing written) when it was acknowledged already.
   */
  acknowledge(a: AckRow): { ack: AckRow; first: boolean; cancelled: number };
  getAck(incident: string): AckRow | undefined;
  /**
   * The `open` incidents that carry any of these outages, each once, oldest first. One pass over the open
   * incidents whatever the number of outages (a recovery of 10,000 points is one call, not 10,000).
   */
  openIncidentsOf(outages: readonly number[]): string[];
  /**
   * [AL23] Cancels the escalations not yet tried of the `open` incidents of these outages (they recovered),
   * and of these incidents by id (one of no outage: an agent heard again).
   */
  cancelEscalations(outages: readonly number[], incidents?: readonly string[]): number;
  /** The key that signs acknowledgement links: made once, kept in the database. */
  ackKey(): Buffer;
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

/** What callers use: every method returns a promise (server/store/types.ts Store). */
export type AlertStore = AsyncOf<SyncAlertStore>;
