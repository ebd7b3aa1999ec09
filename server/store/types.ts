import type { Meeting, OutageType, Phase, Point, Unit } from '../../shared/schemas';

/** Outage as stored: instants are ms since epoch (UTC). */
export interface OutageRow {
  id: number;
  point: string;
  meeting: string | null;
  type: OutageType;
  phase: Phase | null;
  startedAt: number;
  detectedAt: number;
  endedAt: number | null;
}

export type NewOutage = Omit<OutageRow, 'id' | 'endedAt'>;

export interface OutageQuery {
  meeting?: string;
  point?: string;
  /** Outages overlapping [from, to). */
  from?: number;
  to?: number;
  limit?: number;
}

/** A 10 s rollup of one target's probes; `t` is the bucket start (ms since epoch, multiple of 10 000). */
export interface RollupRow {
  point: string;
  host: string;
  t: number;
  sent: number;
  received: number;
  rttMin: number | null;
  rttAvg: number | null;
  rttMax: number | null;
  jitter: number | null;
}

export interface InventoryData {
  units: Unit[];
  points: Point[];
  meetings: Meeting[];
}

/**
 * Persistence. Every method is synchronous (better-sqlite3); a thrown error means nothing was written.
 * Implemented for SQLite now; PostgreSQL later must pass the same contract suite.
 */
export interface Store {
  loadInventory(): InventoryData;
  /** Upsert and delete in one transaction: all or nothing. */
  saveInventory(change: InventoryChange): void;

  openOutage(o: NewOutage): OutageRow;
  closeOutage(id: number, endedAt: number): void;
  /** Outages with endedAt null, for continuing them after a restart. */
  openOutages(): OutageRow[];
  listOutages(q: OutageQuery): OutageRow[];

  /** Batched insert (or merge on same point/host/t) of rollups. */
  writeRollups(rows: readonly RollupRow[]): void;
  listRollups(point: string, from: number, to: number): RollupRow[];

  close(): void;
}

export interface InventoryChange {
  upsertUnits?: Unit[];
  deleteUnits?: string[];
  upsertPoints?: Point[];
  deletePoints?: string[];
  upsertMeetings?: Meeting[];
  deleteMeetings?: string[];
}
