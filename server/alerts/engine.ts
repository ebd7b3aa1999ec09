// One incident per real problem (docs/SPEC.md AL10–AL14). Hears the outage recorder's events in the
// monitor's process (the only writer of outages) and decides, with the injected clock, what people are
// told:
// - openings are held `holdMs` and gathered per line group (shared/outage-groups.ts); when the group's
//   hub or most of its points went down together, one `unit` incident names the unit and the affected
//   points; later openings in that unit while it is down join it silently (AL10);
// - otherwise each point is its own `point` incident, as before (AL1's ids: `outage-ID-open`) (AL11);
// - a recovery is sent once every point of the incident has been back `settleMs`: one per incident,
//   grouped as its opening was (AL12);
// - a point losing its line again before its recovery was sent continues its incident; the
//   `flapCount`-th drop within `flapWindowMs` turns it into one `flapping` incident (chập chờn liên
//   tục), which ends after `flapQuietMs` without a drop (AL13).
// Incidents go to the sink in order; what the store refuses waits in a bounded queue and is retried.
// State lives in memory: after a restart of the monitor, the end of an outage it did not see open is
// sent as that outage's own recovery (AL14).
import { Drain } from '../serial';
import type { Logger } from 'pino';
import type { AlertGrouping } from '../../shared/alerts';
import type { Phase, Point, Unit } from '../../shared/schemas';
import { formatDateTime, formatDurationWords } from '../../shared/time';
import type { OutageEvent } from '../status/outages';
import type { OutageRow } from '../store/types';
import { groupingConfig, isGroupFailure, LineGroups, type LineGroup } from '../../shared/outage-groups';
import type { Incident, IncidentGroupKind, IncidentSink } from './incident';
import { incidentPoint, outageIncident, type InventoryLookup } from './source';

export interface EngineInventory extends InventoryLookup {
  listUnits(): Unit[];
  listPoints(): Point[];
}

export interface IncidentEngineOptions {
  sink: IncidentSink;
  inventory: EngineInventory;
  logger: Logger;
  grouping?: AlertGrouping;
  /** Incidents held while the store cannot write; beyond this the oldest are given up (and logged). */
  maxPending?: number;
}

/** The line's down or severe, or the room's endpoint not answering: each its own lane of incidents. */
type OutageKind = 'down' | 'severe' | 'endpoint';

interface Problem {
  kind: IncidentGroupKind;
  type: OutageKind;
  /** The id the incident ids derive from: the first outage's. */
  first: number;
  group: LineGroup | undefined;
  /** Point → its outage ids still open (one per meeting it takes part in). */
  members: Map<string, Set<number>>;
  outages: number[];
  start: number;
  detectedAt: number;
  meeting: string | null;
  phase: Phase | null;
  drops: number;
  /** When the last of its outages ended (the recovery waits from here); null while any is open. */
  clearedAt: number | null;
  /** A unit's line (from its opening on, also once it turned flapping). */
  wide: boolean;
  /** Each of its outages' start. */
  startOf: Map<number, number>;
  /** The latest end of one of its outages. */
  lastEnd: number | null;
  /** `unit`: since when its points still down are no longer the unit's line (AL12's split); else null. */
  partialSince: number | null;
}

interface Bucket {
  group: LineGroup | undefined;
  type: OutageKind;
  first: number;
  rows: OutageRow[];
  /** Outage ids of the bucket already ended, with their end. */
  ended: Map<number, number>;
}

export class IncidentEngine {
  private readonly cfg: Required<AlertGrouping>;
  private groups: LineGroups | null = null;
  private readonly pending: Incident[] = [];
  /** The write in progress, if any: incidents reach the outbox one at a time, in order. */
  private readonly flushing = new Drain(() => this.flushPass());
  private readonly buckets = new Map<string, Bucket>();
  private readonly bucketOf = new Map<number, Bucket>();
  private readonly problemOf = new Map<number, Problem>();
  /** `type:code` → its active problem. */
  private readonly pointProblem = new Map<string, Problem>();
  /** `type:unit` → the unit's active line problem. */
  private readonly unitProblem = new Map<string, Problem>();
  private readonly problems = new Set<Problem>();
  /** `type:code` → starts of its recent drops (the flapping window). */
  private readonly drops = new Map<string, number[]>();

  constructor(private readonly o: IncidentEngineOptions) {
    this.cfg = groupingConfig(o.grouping);
  }

  /** The inventory changed: the groups are rebuilt when next needed. */
  inventoryChanged(): void {
    this.groups = null;
  }

  /** Incidents not yet written (the store failed). */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Openings still held before their incident is decided, and incidents open or awaiting recovery. */
  get activeCount(): number {
    return this.bucketOf.size + this.problems.size;
  }

  /**
   * [AL14] Outages found open when the monitor starts (the recorder continues them): held and grouped
   * as new openings (decided on the next tick), so their recovery is grouped too. An incident already
   * sent before the restart gets the same id when grouped the same way, and the outbox refuses it as
   * a repeat; grouped otherwise (some recovered meanwhile), it is announced again as it now stands.
   */
  resume(rows: readonly OutageRow[]): void {
    // In the order they were opened (ids grow), as the incidents' ids were derived the first time.
    for (const row of [...rows].sort((a, b) => a.id - b.id)) {
      if (row.endedAt !== null || (row.type !== 'down' && row.type !== 'severe')) continue;
      if (this.problemOf.has(row.id) || this.bucketOf.has(row.id)) continue;
      this.opened(row);
    }
  }

  /** The outage recorder's listener: called after the outage row is on disk. */
  readonly onOutage = (e: OutageEvent): void => {
    if (e.row.type !== 'down' && e.row.type !== 'severe') return;
    if (e.kind === 'opened') this.opened(e.row);
    else this.closed(e.row);
    void this.flush();
  };

  /** Decides held openings and due recoveries; call it every second or so with the clock's now. */
  tick(now: number): void {
    for (const [key, b] of this.buckets) {
      if (now - b.first < this.cfg.holdMs) continue;
      this.buckets.delete(key);
      this.decide(b);
    }
    for (const p of this.problems) {
      if (p.clearedAt === null && p.partialSince !== null && now - p.partialSince >= this.cfg.settleMs) {
        this.split(p);
        continue;
      }
      if (p.clearedAt === null) continue;
      const wait = p.kind === 'flapping' ? this.cfg.flapQuietMs : this.cfg.settleMs;
      if (now - p.clearedAt < wait) continue;
      this.retire(p);
      this.emit(this.incident(p, 'recovered'));
    }
    void this.flush();
  }

  /**
   * An incident decided elsewhere (a probe agent lost: server/agent/lost.ts), written through the same
   * queue: in order with the outages' incidents, retried while the store refuses.
   */
  raise(i: Incident): void {
    this.emit(i);
    void this.flush();
  }

  /** Writes what waits, in order; stops at the first failure (retried on the next call). */
  flush(): Promise<void> {
    return this.flushing.run();
  }

  private async flushPass(): Promise<void> {
    while (this.pending.length > 0) {
      const i = this.pending[0]!;
      try {
        await this.o.sink.add(i);
      } catch (err) {
        this.o.logger.warn({ err, incident: i.id, pending: this.pending.length }, 'alert incident not written yet');
        return;
      }
      // The bounded queue may have dropped its head while the write was in flight.
      if (this.pending[0] === i) this.pending.shift();
    }
  }

  private lineGroups(): LineGroups {
    this.groups ??= new LineGroups(this.o.inventory.listUnits(), this.o.inventory.listPoints());
    return this.groups;
  }

  private opened(row: OutageRow): void {
    const type: OutageKind = row.class === 'endpoint' ? 'endpoint' : row.type;
    const key = `${type}:${row.point}`;
    const p = this.pointProblem.get(key);
    if (p) {
      const open = p.members.get(row.point) ?? new Set<number>();
      p.members.set(row.point, open);
      const newDrop = open.size === 0;
      open.add(row.id);
      if (p.partialSince !== null && isGroupFailure(p.group!, this.downOf(p), this.cfg.unitShare))
        p.partialSince = null;
      p.outages.push(row.id);
      p.startOf.set(row.id, row.startedAt);
      this.problemOf.set(row.id, p);
      if (!newDrop) return; // the same loss seen for another meeting of the point
      const n = this.drop(key, row.startedAt);
      if (p.wide) {
        // A unit's line back (all its points up) and lost again before its recovery was sent.
        if (p.clearedAt !== null) p.drops++;
        p.clearedAt = null;
        if (p.kind === 'unit' && p.drops >= this.cfg.flapCount) {
          p.kind = 'flapping';
          p.detectedAt = row.detectedAt;
          this.emit(this.incident(p, 'open'));
        }
        return;
      }
      p.clearedAt = null;
      p.drops = Math.max(p.drops + 1, n);
      if (p.kind === 'point' && n >= this.cfg.flapCount) {
        p.kind = 'flapping';
        p.detectedAt = row.detectedAt;
        this.emit(this.incident(p, 'open'));
      }
      return;
    }
    const group = this.lineGroups().of(row.point);
    const unitKey = `${type}:${group?.unit.id ?? `point:${row.point}`}`;
    const up = this.unitProblem.get(unitKey);
    if (up && up.clearedAt === null) {
      // [AL10] The unit's line is down: this point joins its incident, no message of its own.
      this.join(up, row);
      this.drop(key, row.startedAt);
      return;
    }
    let b = this.buckets.get(unitKey);
    if (!b) this.buckets.set(unitKey, (b = { group, type, first: row.detectedAt, rows: [], ended: new Map() }));
    b.rows.push(row);
    this.bucketOf.set(row.id, b);
  }

  private closed(row: OutageRow): void {
    const end = row.endedAt ?? row.detectedAt;
    const b = this.bucketOf.get(row.id);
    if (b) {
      b.ended.set(row.id, end);
      return;
    }
    const p = this.problemOf.get(row.id);
    if (!p) {
      // [AL14] Opened before this process started: its own recovery, as the outage's.
      this.emit(outageIncident({ kind: 'closed', row }, this.o.inventory));
      return;
    }
    this.problemOf.delete(row.id);
    const open = p.members.get(row.point);
    open?.delete(row.id);
    p.lastEnd = Math.max(p.lastEnd ?? 0, end);
    const down = this.downOf(p);
    if (down.size === 0) {
      p.clearedAt = Math.max(p.clearedAt ?? 0, end);
      p.partialSince = null;
    } else if (p.kind === 'unit' && p.partialSince === null && !isGroupFailure(p.group!, down, this.cfg.unitShare)) {
      p.partialSince = end;
    }
  }

  /** The points of a problem whose line is still lost. */
  private downOf(p: Problem): Set<string> {
    const down = new Set<string>();
    for (const [code, open] of p.members) if (open.size > 0) down.add(code);
    return down;
  }

  /**
   * [AL12] The unit's line is back (its hub and most of its points answer for settleMs) but a few
   * points are still down: the unit's recovery names the points back, and each point still down goes
   * on as its own incident (announced: its own trouble now, not the line's).
   */
  private split(p: Problem): void {
    const down = this.downOf(p);
    const back = [...p.members.keys()].filter((c) => !down.has(c));
    this.retire(p);
    this.emit(this.incident(p, 'recovered', back, [...down]));
    for (const code of down) {
      const ids = [...p.members.get(code)!];
      const q: Problem = {
        ...p,
        kind: 'point',
        first: ids[0]!,
        group: p.group,
        members: new Map([[code, new Set(ids)]]),
        outages: ids,
        start: Math.min(...ids.map((id) => p.startOf.get(id) ?? p.start)),
        drops: 1,
        clearedAt: null,
        wide: false,
        startOf: new Map(ids.map((id) => [id, p.startOf.get(id) ?? p.start])),
        lastEnd: null,
        partialSince: null,
      };
      this.problems.add(q);
      this.pointProblem.set(`${p.type}:${code}`, q);
      for (const id of ids) this.problemOf.set(id, q);
      this.emit(this.incident(q, 'open'));
    }
  }

  private decide(b: Bucket): void {
    const codes = new Set(b.rows.map((r) => r.point));
    for (const r of b.rows) this.bucketOf.delete(r.id);
    if (b.group && isGroupFailure(b.group, codes, this.cfg.unitShare)) {
      const p = this.problem('unit', b.type, b.rows[0]!, b.group);
      for (const r of b.rows) {
        this.join(p, r);
        this.drop(`${b.type}:${r.point}`, r.startedAt);
      }
      this.unitProblem.set(`${b.type}:${b.group.unit.id}`, p);
      this.settleEnded(p, b);
      this.emit(this.incident(p, 'open'));
      return;
    }
    for (const code of codes) {
      const rows = b.rows.filter((r) => r.point === code);
      const key = `${b.type}:${code}`;
      const n = this.drop(key, rows[0]!.startedAt);
      const p = this.problem(n >= this.cfg.flapCount ? 'flapping' : 'point', b.type, rows[0]!, b.group);
      p.drops = p.kind === 'flapping' ? n : 1;
      for (const r of rows) this.join(p, r);
      this.settleEnded(p, b);
      this.emit(this.incident(p, 'open'));
    }
  }

  private problem(kind: IncidentGroupKind, type: OutageKind, row: OutageRow, group: LineGroup | undefined): Problem {
    const p: Problem = {
      kind,
      type,
      first: row.id,
      group,
      members: new Map(),
      outages: [],
      start: row.startedAt,
      detectedAt: row.detectedAt,
      meeting: row.meeting,
      phase: row.phase,
      drops: 1,
      clearedAt: null,
      wide: kind === 'unit',
      startOf: new Map(),
      lastEnd: null,
      partialSince: null,
    };
    this.problems.add(p);
    return p;
  }

  private join(p: Problem, row: OutageRow): void {
    const open = p.members.get(row.point) ?? new Set<number>();
    p.members.set(row.point, open);
    open.add(row.id);
    if (p.partialSince !== null && isGroupFailure(p.group!, this.downOf(p), this.cfg.unitShare)) p.partialSince = null;
    p.startOf.set(row.id, row.startedAt);
    p.outages.push(row.id);
    p.start = Math.min(p.start, row.startedAt);
    this.problemOf.set(row.id, p);
    this.pointProblem.set(`${p.type}:${row.point}`, p);
  }

  /** Outages of the bucket that ended while it was held end now in their problem. */
  private settleEnded(p: Problem, b: Bucket): void {
    for (const [id, end] of b.ended) {
      const row = b.rows.find((r) => r.id === id);
      if (row && p.members.has(row.point)) this.closed({ ...row, endedAt: end });
    }
  }

  /** Records a drop of a point; answers how many fall within the flapping window. */
  private drop(key: string, at: number): number {
    const list = (this.drops.get(key) ?? []).filter((t) => at - t < this.cfg.flapWindowMs);
    list.push(at);
    this.drops.set(key, list);
    return list.length;
  }

  private retire(p: Problem): void {
    this.problems.delete(p);
    for (const code of p.members.keys()) {
      const key = `${p.type}:${code}`;
      if (this.pointProblem.get(key) === p) this.pointProblem.delete(key);
    }
    if (p.group) {
      const key = `${p.type}:${p.group.unit.id}`;
      if (this.unitProblem.get(key) === p) this.unitProblem.delete(key);
    }
    for (const id of p.outages) if (this.problemOf.get(id) === p) this.problemOf.delete(id);
  }

  private emit(i: Incident): void {
    this.pending.push(i);
    const max = this.o.maxPending ?? 10_000;
    if (this.pending.length > max) {
      const lost = this.pending.splice(0, this.pending.length - max);
      this.o.logger.error({ lost: lost.map((x) => x.id) }, 'alert incidents given up: the store refused them too long');
    }
  }

  /** `codes`: the points it names (default: all of it); `stillDown`: points a unit's recovery leaves down. */
  private incident(p: Problem, kind: 'open' | 'recovered', codes?: string[], stillDown: string[] = []): Incident {
    const inv = this.o.inventory;
    const points = (codes ?? [...p.members.keys()]).map((code) => incidentPoint(code, inv));
    const meeting = p.meeting === null ? undefined : inv.meeting(p.meeting);
    const first = points[0]!;
    const wide = p.wide && p.group !== undefined;
    const id =
      p.kind === 'point'
        ? `outage-${p.first}-${kind}`
        : p.kind === 'unit'
          ? `unit-${p.group!.unit.id}-${p.first}-${kind}`
          : `flapping-${wide ? p.group!.unit.id : first.code}-${p.first}-${kind}`;
    const unit = wide ? p.group!.unit : first.unit.id ? first.unit : null;
    const label = wide
      ? `${p.group!.unit.name} (${points.length} điểm cầu: ${points.map((x) => x.name).join(', ')})`
      : first.name;
    const what =
      p.kind === 'flapping'
        ? `chập chờn liên tục (${p.drops} lần mất kết nối trong ${formatDurationWords(this.cfg.flapWindowMs, 'vi')})`
        : p.type === 'down'
          ? 'mất kết nối'
          : p.type === 'endpoint'
            ? 'thiết bị đầu cuối không phản hồi (đường truyền vẫn thông)'
            : 'chập chờn nặng';
    const end = kind === 'recovered' ? (p.clearedAt ?? p.lastEnd) : null;
    const left =
      stillDown.length > 0 ? `; còn mất kết nối: ${stillDown.map((c) => incidentPoint(c, inv).name).join(', ')}` : '';
    const text =
      kind === 'open'
        ? `${label}: ${what} từ ${formatDateTime(p.start)}`
        : `${label}: đã kết nối lại lúc ${formatDateTime(end ?? p.start)}${left}`;
    return {
      id,
      kind,
      severity: p.type === 'severe' ? 'warning' : 'critical',
      type: p.type,
      at: kind === 'open' ? p.detectedAt : (end ?? p.detectedAt),
      start: p.start,
      end,
      meeting: meeting
        ? { id: meeting.id, title: meeting.title }
        : p.meeting === null
          ? null
          : { id: p.meeting, title: p.meeting },
      phase: p.phase,
      outages: [...p.outages],
      points,
      group: { kind: p.kind, unit, drops: p.drops },
      text,
    };
  }
}
