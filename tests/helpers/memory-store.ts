// A complete in-memory Store, for tests of the parts above the store (outage recorder, hub…). It passes
// the same contract suite as the SQLite store (tests/unit/store/contract.ts): synchronous, all or
// nothing, rows parsed on the way in, copies in and out. Reopening = a new MemoryStore on the same
// MemoryDb.
import { Meeting, OUTAGE_TYPES, PHASES, Point, Unit } from '../../shared/schemas';
import type {
  InventoryChange,
  InventoryData,
  NewOutage,
  OutageQuery,
  OutageRow,
  RollupRow,
  Store,
} from '../../server/store/types';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

/** The data behind one or more MemoryStore "connections". */
export class MemoryDb {
  units = new Map<string, Unit>();
  points = new Map<string, Point>();
  meetings = new Map<string, Meeting>();
  readonly outages = new Map<number, OutageRow>();
  readonly rollups = new Map<string, RollupRow>();
  nextId = 1;
}

const byKey = <T>(m: ReadonlyMap<string, T>): T[] =>
  [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((k) => structuredClone(m.get(k)!));
const rollupKey = (r: Pick<RollupRow, 'point' | 'host' | 't'>): string => `${r.point}\u0000${r.host}\u0000${r.t}`;
const check = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(`CHECK constraint failed: ${what}`);
};

export class MemoryStore implements Store {
  private closed = false;
  /** Calls per method, so tests can assert what was (not) written. */
  readonly calls = { openOutage: 0, closeOutage: 0, writeRollups: 0 };

  constructor(readonly db: MemoryDb = new MemoryDb()) {}

  loadInventory(): InventoryData {
    this.open();
    return { units: byKey(this.db.units), points: byKey(this.db.points), meetings: byKey(this.db.meetings) };
  }

  saveInventory(change: InventoryChange): void {
    this.open();
    // Work on copies and swap at the end: all or nothing.
    const units = new Map(this.db.units);
    const points = new Map(this.db.points);
    const meetings = new Map(this.db.meetings);
    for (const raw of change.upsertUnits ?? []) {
      const u = Unit.parse(raw);
      units.set(u.id, u);
    }
    for (const raw of change.upsertPoints ?? []) {
      const p = Point.parse(raw);
      points.set(p.code, p);
    }
    for (const raw of change.upsertMeetings ?? []) {
      const m = Meeting.parse(raw);
      meetings.set(m.id, m);
    }
    for (const id of change.deleteMeetings ?? []) meetings.delete(id);
    for (const code of change.deletePoints ?? []) points.delete(code);
    for (const id of change.deleteUnits ?? []) units.delete(id);
    // Like the SQLite store's deferred foreign keys: checked once the whole change is applied.
    for (const p of points.values()) {
      if (!units.has(p.unit)) throw new Error(`FOREIGN KEY constraint failed: point ${p.code} → unit ${p.unit}`);
    }
    for (const u of units.values()) {
      if (u.parent !== null && !units.has(u.parent)) {
        throw new Error(`FOREIGN KEY constraint failed: unit ${u.id} → parent ${u.parent}`);
      }
    }
    this.db.units = units;
    this.db.points = points;
    this.db.meetings = meetings;
  }

  openOutage(o: NewOutage): OutageRow {
    this.open();
    check((OUTAGE_TYPES as readonly string[]).includes(o.type), 'type');
    check(o.phase === null || (PHASES as readonly string[]).includes(o.phase), 'phase');
    this.calls.openOutage++;
    const row: OutageRow = {
      id: this.db.nextId++,
      point: o.point,
      meeting: o.meeting,
      type: o.type,
      phase: o.phase,
      startedAt: Math.round(o.startedAt),
      detectedAt: Math.round(o.detectedAt),
      endedAt: null,
    };
    this.db.outages.set(row.id, row);
    return { ...row };
  }

  closeOutage(id: number, endedAt: number): void {
    this.open();
    this.calls.closeOutage++;
    const row = this.db.outages.get(id);
    if (!row) throw new Error(`outage ${id} does not exist`);
    if (row.endedAt !== null) throw new Error(`outage ${id} is already closed`);
    row.endedAt = Math.round(endedAt);
  }

  openOutages(): OutageRow[] {
    this.open();
    return [...this.db.outages.values()]
      .filter((o) => o.endedAt === null)
      .sort((a, b) => a.startedAt - b.startedAt || a.id - b.id)
      .map((o) => ({ ...o }));
  }

  listOutages(q: OutageQuery): OutageRow[] {
    this.open();
    const limit = q.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    return [...this.db.outages.values()]
      .filter(
        (o) =>
          (q.meeting === undefined || o.meeting === q.meeting) &&
          (q.point === undefined || o.point === q.point) &&
          o.startedAt < to &&
          (o.endedAt === null || o.endedAt > from),
      )
      .sort((a, b) => b.startedAt - a.startedAt || b.id - a.id)
      .slice(0, Math.min(limit, MAX_LIMIT))
      .map((o) => ({ ...o }));
  }

  writeRollups(rows: readonly RollupRow[]): void {
    this.open();
    this.calls.writeRollups++;
    const merged = new Map<string, RollupRow>();
    for (const r of rows) {
      const k = rollupKey(r);
      const prev = merged.get(k) ?? this.db.rollups.get(k);
      const next = prev ? mergeRollup(prev, r) : { ...r };
      check(next.t % 10_000 === 0, 't');
      check(next.sent >= 0, 'sent');
      check(next.received >= 0 && next.received <= next.sent, 'received');
      merged.set(k, next);
    }
    for (const [k, r] of merged) this.db.rollups.set(k, r);
  }

  listRollups(point: string, from: number, to: number): RollupRow[] {
    this.open();
    return [...this.db.rollups.values()]
      .filter((r) => r.point === point && r.t >= from && r.t < to)
      .sort((a, b) => a.t - b.t || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0))
      .map((r) => ({ ...r }));
  }

  close(): void {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/**
 * Two parts of the same bucket, as the SQLite store merges them: counts add, extremes widen, the
 * average is weighted by replies and the jitter by successive differences (replies - 1).
 */
function mergeRollup(a: RollupRow, b: RollupRow): RollupRow {
  return {
    point: a.point,
    host: a.host,
    t: a.t,
    sent: a.sent + b.sent,
    received: a.received + b.received,
    rttMin: pick(a.rttMin, b.rttMin, Math.min),
    rttMax: pick(a.rttMax, b.rttMax, Math.max),
    rttAvg: weighted(a.rttAvg, a.received, b.rttAvg, b.received),
    jitter: weighted(a.jitter, a.received - 1, b.jitter, b.received - 1),
  };
}

function pick(x: number | null, y: number | null, f: (p: number, q: number) => number): number | null {
  return x === null ? y : y === null ? x : f(x, y);
}

/** Mean of two means weighted by their counts; a null side weighs nothing. */
function weighted(x: number | null, wx: number, y: number | null, wy: number): number | null {
  const w = (x === null ? 0 : wx) + (y === null ? 0 : wy);
  return w === 0 ? null : ((x ?? 0) * wx + (y ?? 0) * wy) / w;
}
