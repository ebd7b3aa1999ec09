// A complete in-memory Store, for tests of the parts above the store (outage recorder, hub…). It passes
// the same contract suite as the SQLite store (tests/unit/store/contract.ts): synchronous, all or
// nothing, rows parsed on the way in, copies in and out. Reopening = a new MemoryStore on the same
// MemoryDb.
import { Meeting, OUTAGE_TYPES, PHASES, Point, Unit } from '../../shared/schemas';
import { ROLES } from '../../shared/protocol';
import type {
  GapRow,
  InventoryChange,
  InventoryData,
  MonitorRunRow,
  NewOutage,
  NewUser,
  OutageQuery,
  OutageRow,
  RollupRow,
  SessionRow,
  Store,
  UserPatch,
  UserRow,
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
  readonly users = new Map<string, UserRow>();
  readonly sessions = new Map<string, SessionRow>();
  readonly runs: MonitorRunRow[] = [];
  nextUserId = 1;
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

  listUsers(): UserRow[] {
    this.open();
    return byKey(this.db.users);
  }

  getUser(name: string): UserRow | undefined {
    this.open();
    const u = this.db.users.get(name);
    return u && structuredClone(u);
  }

  createUser(u: NewUser): UserRow {
    this.open();
    check((ROLES as readonly string[]).includes(u.role), 'role');
    if (this.db.users.has(u.name)) throw new Error(`user "${u.name}" exists`);
    const row: UserRow = { ...structuredClone(u), id: this.db.nextUserId++ };
    this.db.users.set(u.name, row);
    return structuredClone(row);
  }

  updateUser(name: string, patch: UserPatch): UserRow | undefined {
    this.open();
    const u = this.db.users.get(name);
    if (!u) return undefined;
    if (patch.role !== undefined) check((ROLES as readonly string[]).includes(patch.role), 'role');
    const next: UserRow = { ...u, updatedAt: patch.updatedAt };
    if (patch.displayName !== undefined) next.displayName = patch.displayName;
    if (patch.role !== undefined) next.role = patch.role;
    if (patch.units !== undefined) next.units = [...patch.units];
    if (patch.passwordHash !== undefined) next.passwordHash = patch.passwordHash;
    this.db.users.set(name, next);
    return structuredClone(next);
  }

  deleteUser(name: string): boolean {
    this.open();
    const u = this.db.users.get(name);
    if (!u) return false;
    this.db.users.delete(name);
    // Like ON DELETE CASCADE.
    for (const [k, s] of this.db.sessions) if (s.userId === u.id) this.db.sessions.delete(k);
    return true;
  }

  createSession(s: SessionRow): void {
    this.open();
    if (![...this.db.users.values()].some((u) => u.id === s.userId)) {
      throw new Error('FOREIGN KEY constraint failed: session → user');
    }
    if (this.db.sessions.has(s.tokenHash)) throw new Error('UNIQUE constraint failed: sessions.token_hash');
    this.db.sessions.set(s.tokenHash, { ...s });
  }

  getSession(tokenHash: string): { session: SessionRow; user: UserRow } | undefined {
    this.open();
    const s = this.db.sessions.get(tokenHash);
    const user = s && [...this.db.users.values()].find((u) => u.id === s.userId);
    return s && user ? { session: { ...s }, user: structuredClone(user) } : undefined;
  }

  touchSession(tokenHash: string, lastSeenAt: number): void {
    this.open();
    const s = this.db.sessions.get(tokenHash);
    if (s) s.lastSeenAt = Math.max(s.lastSeenAt, lastSeenAt);
  }

  deleteSession(tokenHash: string): boolean {
    this.open();
    return this.db.sessions.delete(tokenHash);
  }

  deleteUserSessions(userId: number, keep?: string): string[] {
    this.open();
    return this.deleteSessionsWhere((s) => s.userId === userId && s.tokenHash !== keep);
  }

  deleteExpiredSessions(idleBefore: number, createdBefore: number): string[] {
    this.open();
    return this.deleteSessionsWhere((s) => s.lastSeenAt < idleBefore || s.createdAt < createdBefore);
  }

  startRun(at: number): MonitorRunRow {
    this.open();
    const t = Math.round(at);
    const last = this.db.runs[this.db.runs.length - 1];
    const alive = last && (last.stoppedAt ?? last.heartbeatAt);
    const row: MonitorRunRow = {
      id: this.db.runs.length + 1,
      startedAt: t,
      heartbeatAt: t,
      stoppedAt: null,
      gapFrom: alive !== undefined && alive < t ? alive : null,
    };
    this.db.runs.push(row);
    return { ...row };
  }

  heartbeatRun(id: number, at: number): void {
    this.open();
    const r = this.db.runs[id - 1];
    if (r) r.heartbeatAt = Math.max(r.startedAt, Math.round(at));
  }

  stopRun(id: number, at: number): void {
    this.open();
    const r = this.db.runs[id - 1];
    if (!r) return;
    r.stoppedAt = Math.max(r.startedAt, Math.round(at));
    r.heartbeatAt = r.stoppedAt;
  }

  listGaps(from: number, to: number): GapRow[] {
    this.open();
    return this.db.runs
      .filter((r) => r.gapFrom !== null && r.gapFrom < to && r.startedAt > from)
      .sort((a, b) => a.gapFrom! - b.gapFrom! || a.id - b.id)
      .map((r) => ({ from: r.gapFrom!, to: r.startedAt }));
  }

  close(): void {
    this.closed = true;
  }

  private deleteSessionsWhere(pred: (s: SessionRow) => boolean): string[] {
    const out: string[] = [];
    for (const [k, s] of this.db.sessions) {
      if (!pred(s)) continue;
      this.db.sessions.delete(k);
      out.push(k);
    }
    return out;
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
