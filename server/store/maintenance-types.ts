// Rows of planned work and of the alert gate (migration 11; server/store/sqlite-maintenance.ts).
import type { MaintenanceTargetKind } from '../../shared/maintenance';
import type { Incident } from '../alerts/incident';
import type { AsyncOf } from './async-of';

export interface MaintenanceRow {
  id: number;
  targetKind: MaintenanceTargetKind;
  target: string;
  start: number;
  end: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

export type MaintenanceNew = Omit<MaintenanceRow, 'id'>;

/** What the gate did with an incident it held back (server/alerts/gate.ts). */
export type GateAction = 'muted' | 'digest';

export interface GatedRow {
  incident: string;
  action: GateAction;
  /** The maintenance entry that muted it (action `muted`). */
  maintenance: number | null;
  /** The incident's instant (its `at`). */
  at: number;
  /** The outage records behind it: a recovery follows its opening's verdict. */
  outages: number[];
  /** The day (yyyy-MM-dd, Vietnam time) of the digest that reported it, or null while waiting. */
  digestDay: string | null;
}

/** One day's digest: the summary incident, composed once (so every channel and retry sends the same). */
export interface DigestRow {
  /** yyyy-MM-dd, Vietnam time. */
  day: string;
  incident: Incident;
  createdAt: number;
}

/** The digest of a day to one channel. */
export interface DigestSendRow {
  day: string;
  channel: string;
  /** Its number in the webhook's X-Diemcau-Delivery: negative, a sequence apart from the outbox's. */
  delivery: number;
  attempts: number;
  sentAt: number | null;
  lastError: string | null;
  /** When to try again; null once sent or given up. */
  nextAt: number | null;
}

export interface SyncMaintenanceStore {
  addMaintenance(m: MaintenanceNew): MaintenanceRow;
  /** Replaces an entry's fields; false when there is none with that id. */
  updateMaintenance(id: number, m: MaintenanceNew): boolean;
  deleteMaintenance(id: number): boolean;
  getMaintenance(id: number): MaintenanceRow | undefined;
  /** Entries that overlap [from, to), by start; all of them without bounds. */
  listMaintenance(from?: number, to?: number): MaintenanceRow[];

  /** Records the gate's verdict on an incident; false when one is recorded already. */
  addGated(row: Omit<GatedRow, 'digestDay'>): boolean;
  /** The verdict on the opening that shares an outage record with these, if any. */
  gatedByOutage(outages: readonly number[]): GatedRow | undefined;
  /** Incidents held for the digest and not yet reported, up to `before`, oldest first. */
  pendingDigest(before: number): GatedRow[];
  /**
   * Stores the day's digest and marks its incidents reported, in one transaction; false (nothing
   * written) when that day has one already.
   */
  createDigest(row: DigestRow, incidents: readonly string[]): boolean;
  getDigest(day: string): DigestRow | undefined;
  /** The digest's sends, one per channel (created with it on first need). */
  digestSends(day: string): DigestSendRow[];
  /** Creates or replaces the send of (day, channel); `delivery` is assigned on creation when 0. */
  saveDigestSend(row: DigestSendRow): DigestSendRow;
}

/** What callers use: every method returns a promise (server/store/types.ts Store). */
export type MaintenanceStore = AsyncOf<SyncMaintenanceStore>;
