// Turns point transitions into outage records (docs/SPEC.md OU1–OU8), written at once and in order
// through the Store, and announced only once written, so an outage the dashboard shows is on disk.
// Open outages found in the store at start are continued, never duplicated. When the store cannot
// write (disk full, PostgreSQL restarting), the writes wait in a bounded queue and are retried in order
// on every tick: the recorder's own state goes on, and an outage reaches the dashboards' log once it is
// on disk.
import { Drain } from '../serial';
import type { Logger } from 'pino';
import { DEFAULT_WINDOWS, phaseAt, windowAt, type WindowConfig } from '../../shared/phase';
import type { Meeting, OutageType } from '../../shared/schemas';
import type { TargetClass, TargetKind } from '../../shared/targets';
import { isStorageFault } from '../store/health';
import type { NewOutage, OutageOp, OutageRow, Store } from '../store/types';
import type { PointTransition } from './board';
import { DEFAULT_STATUS } from './types';

/**
 * Queued writes per transaction: a burst (the centre's own uplink cut: every point down at once) is
 * written in a few transactions, not one round trip per outage.
 */
export const WRITE_BATCH = 500;
/**
 * Writes held while the store fails (or falls behind) before the oldest is given up: a national
 * meeting's every point opening and closing an outage, twice over.
 */
export const MAX_PENDING_WRITES = 200_000;

export type OutageEvent = { kind: 'opened' | 'closed'; row: OutageRow };
export type OutageListener = (e: OutageEvent) => void;

export interface OutageRecorderOptions {
  store: Store;
  logger: Logger;
  /** Ids of the meetings the point takes part in (the lead's participation index). */
  meetingsOf: (code: string) => readonly string[];
  meeting: (id: string) => Meeting | undefined;
  /** A severe period becomes an outage once it has lasted this long (default DEFAULT_STATUS's). */
  severeMinMs?: number;
  windows?: WindowConfig;
  /**
   * The instant up to which a point's state is known (default: `now`). A point a remote agent probes is
   * known up to its line's newest probe: a severe period replayed after a cut lasts as long as its
   * probes say, not until the monitor's clock (docs/AGENTS.md AG7).
   */
  observedAt?: (code: string, now: number) => number;
  /** Writes held while the store fails; beyond this the oldest are given up (and logged). */
  maxPendingWrites?: number;
}

/** After each write attempt (for the storage health): success, writes still queued, the error. */
export type WriteListener = (ok: boolean, pending: number, err?: unknown) => void;

/** An outage the recorder holds open: `row` once written, null while its insert waits in the queue. */
interface Rec {
  data: NewOutage;
  row: OutageRow | null;
  /** Its insert was given up (queue overflow): its close is skipped too. */
  lost: boolean;
}

type Op = { kind: 'open'; rec: Rec } | { kind: 'close'; rec: Rec; endedAt: number };

/** A point's open outages: its line's (down, severe) and its endpoint's (TG7). */
interface Open {
  down: Rec[];
  severe: Rec[];
  endpoint: Rec[];
}

type Slot = keyof Open;

/** The failed target, as the outage records it. */
interface Cause {
  target: string | null;
  kind: TargetKind | null;
}

export class OutageRecorder {
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly severeMinMs: number;
  private readonly windows: WindowConfig;
  private readonly open = new Map<string, Open>();
  /** Points severe since this instant whose severe outage is not yet long enough to record. */
  private readonly pendingSevere = new Map<string, number>();
  /** Each point's latest line transition's target (what a severe outage records as its cause). */
  private readonly causes = new Map<string, Cause>();
  private readonly listeners = new Set<OutageListener>();
  /** Writes not yet on disk, oldest first: the one in flight, then those behind it. */
  private readonly queue: Op[] = [];
  /** Ops at the queue's head being written now. */
  private inFlight = 0;
  private failing = false;
  /** The drain in progress, if any. */
  private readonly draining = new Drain(() => this.drainPass());
  private readonly writeListeners = new Set<WriteListener>();

  constructor(private readonly opts: OutageRecorderOptions) {
    this.store = opts.store;
    this.logger = opts.logger;
    this.severeMinMs = opts.severeMinMs ?? DEFAULT_STATUS.severeMinMs;
    this.windows = opts.windows ?? DEFAULT_WINDOWS;
  }

  /** Continues the outages the store holds open (OU7: after a restart, never a duplicate). */
  async load(): Promise<void> {
    for (const row of await this.store.openOutages()) {
      const { id: _id, endedAt: _endedAt, ...data } = row;
      this.entry(row.point)[row.class === 'endpoint' ? 'endpoint' : row.type].push({ data, row, lost: false });
    }
  }

  /** Writes waiting for the store. */
  get pendingWrites(): number {
    return this.queue.length;
  }

  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  onEvent(listener: OutageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open outage rows, of one point or of all. */
  openRows(code?: string): OutageRow[] {
    const entries = code === undefined ? [...this.open.values()] : [this.open.get(code)].filter((e) => !!e);
    return entries.flatMap((e) => [...e.down, ...e.severe, ...e.endpoint]).flatMap((r) => (r.row ? [r.row] : []));
  }

  onTransition(tr: PointTransition): void {
    const code = tr.point;
    const cause: Cause = { target: tr.target, kind: tr.kind };
    if (tr.class === 'endpoint') {
      // [TG7] The endpoint's outage: down opens it, back up ends it; unknown (the line went down, the
      // monitor could not look) settles nothing — a line outage ends it below, at its own start.
      if (tr.to === 'down') this.openUnlessOpen(code, 'endpoint', tr.at, tr.detectedAt, cause);
      else if (tr.to !== 'unknown') this.closeAll(code, 'endpoint', tr.at);
      return;
    }
    this.causes.set(code, cause);
    switch (tr.to) {
      case 'down':
        this.endSevere(code, tr.at, tr.detectedAt);
        // A line cut is a line outage only: an endpoint outage open until then ends where it begins.
        this.closeAll(code, 'endpoint', tr.at);
        this.openUnlessOpen(code, 'down', tr.at, tr.detectedAt, cause);
        return;
      case 'unknown':
        // OU5/OU6: nothing is known to have ended; a long-enough severe period is still recorded.
        this.settleSevere(code, tr.at, tr.detectedAt);
        return;
      default:
        this.closeAll(code, 'down', tr.at);
        if (tr.to !== 'severe') this.endSevere(code, tr.at, tr.detectedAt);
        else if (!this.open.get(code)?.severe.length && !this.pendingSevere.has(code)) {
          this.pendingSevere.set(code, tr.at);
        }
    }
  }

  /** Records severe periods that have now lasted severeMinMs (OU3); call it every second or so. */
  tick(now: number): void {
    this.retryPending();
    for (const [code, since] of this.pendingSevere) {
      const at = this.opts.observedAt ? this.opts.observedAt(code, now) : now;
      if (at - since < this.severeMinMs) continue;
      this.pendingSevere.delete(code);
      this.openUnlessOpen(code, 'severe', since, now, this.causeOf(code));
    }
  }

  /**
   * OU9: an outage already open when a meeting's window opens belongs to that meeting's log too —
   * a point down since the morning is the first thing the line test must show. Cheap: it walks the
   * open outages only. Call it every second or so, with tick().
   */
  attachToOpenWindows(now: number): void {
    for (const [code, e] of this.open) {
      for (const slot of ['down', 'severe', 'endpoint'] as const) {
        const rows = e[slot];
        const first = rows[0]?.data;
        if (!first) continue;
        for (const id of this.opts.meetingsOf(code)) {
          const m = this.opts.meeting(id);
          if (!m || rows.some((r) => r.data.meeting === id) || windowAt(m, now, this.windows) === null) continue;
          const rec: Rec = {
            data: {
              point: code,
              meeting: id,
              type: first.type,
              class: first.class,
              target: first.target,
              kind: first.kind,
              phase: phaseAt(m, first.startedAt),
              startedAt: first.startedAt,
              detectedAt: first.detectedAt,
            },
            row: null,
            lost: false,
          };
          rows.push(rec);
          this.write({ kind: 'open', rec });
        }
      }
    }
  }

  /**
   * [OU9] An outage that began before a meeting's window and ends inside it belongs to that meeting too.
   * The tick attaches it while it is open; an outage replayed by an agent after a cut (docs/AGENTS.md
   * AG7) opens and ends within one batch, so the tick never saw it open: attached here, at its end.
   */
  private attachOnClose(code: string, rows: Rec[], at: number): void {
    const first = rows[0]?.data;
    if (!first) return;
    for (const id of this.opts.meetingsOf(code)) {
      const m = this.opts.meeting(id);
      if (!m || rows.some((r) => r.data.meeting === id) || windowAt(m, at, this.windows) === null) continue;
      const rec: Rec = {
        data: { ...first, meeting: id, phase: phaseAt(m, first.startedAt) },
        row: null,
        lost: false,
      };
      rows.push(rec);
      this.write({ kind: 'open', rec });
    }
  }

  private settleSevere(code: string, at: number, detectedAt: number): void {
    const since = this.pendingSevere.get(code);
    if (since === undefined) return;
    this.pendingSevere.delete(code);
    if (at - since >= this.severeMinMs) this.openUnlessOpen(code, 'severe', since, detectedAt, this.causeOf(code));
  }

  private endSevere(code: string, at: number, detectedAt: number): void {
    this.settleSevere(code, at, detectedAt);
    this.closeAll(code, 'severe', at);
  }

  private openUnlessOpen(code: string, slot: Slot, startedAt: number, detectedAt: number, cause: Cause): void {
    const rows = this.entry(code)[slot];
    if (rows.length > 0) return; // OU5/OU7: continue the open outage, no duplicate
    const type: OutageType = slot === 'severe' ? 'severe' : 'down';
    const kind: TargetClass = slot === 'endpoint' ? 'endpoint' : 'line';
    for (const data of this.attribute(code, type, kind, cause, startedAt, Math.max(detectedAt, startedAt))) {
      const rec: Rec = { data, row: null, lost: false };
      rows.push(rec);
      this.write({ kind: 'open', rec });
    }
  }

  /** OU4: one record per meeting whose monitoring window is open at startedAt, else one without. */
  private attribute(
    code: string,
    type: OutageType,
    cls: TargetClass,
    cause: Cause,
    startedAt: number,
    detectedAt: number,
  ): NewOutage[] {
    const out: NewOutage[] = [];
    const base = { point: code, type, class: cls, target: cause.target, kind: cause.kind };
    for (const id of this.opts.meetingsOf(code)) {
      const m = this.opts.meeting(id);
      if (!m || windowAt(m, startedAt, this.windows) === null) continue;
      out.push({ ...base, meeting: id, phase: phaseAt(m, startedAt), startedAt, detectedAt });
    }
    if (out.length === 0) out.push({ ...base, meeting: null, phase: null, startedAt, detectedAt });
    return out;
  }

  /** The line's target of a point's latest line transition (a severe period's cause). */
  private causeOf(code: string): Cause {
    return this.causes.get(code) ?? { target: null, kind: null };
  }

  private closeAll(code: string, slot: Slot, at: number): void {
    const e = this.open.get(code);
    const rows = e?.[slot];
    if (!e || !rows?.length) return;
    this.attachOnClose(code, rows, at);
    while (rows.length > 0) {
      const rec = rows.shift()!;
      // OU8: a clock jump must not produce a negative duration.
      this.write({ kind: 'close', rec, endedAt: Math.max(at, rec.data.startedAt) });
    }
    if (!e.down.length && !e.severe.length && !e.endpoint.length) this.open.delete(code);
  }

  /** Retries the queued writes (after the store refused one); call it every second or so. */
  retryPending(): void {
    if (this.failing) void this.drain();
  }

  /** Settles once every write queued so far has been written, given up, or refused for now. */
  settled(): Promise<void> {
    return this.draining.idle();
  }

  /** Queue the write behind the ones before it, so the store sees them in order, and drain. */
  private write(op: Op): void {
    this.enqueue(op);
    if (this.failing) this.wrote(false, this.queue.length);
    else void this.drain();
  }

  /** Writes the queue in order, stopping at the first write the store refuses (retried on a tick). */
  private drain(): Promise<void> {
    return this.draining.run();
  }

  private async drainPass(): Promise<void> {
    const wasFailing = this.failing;
    let written = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, WRITE_BATCH);
      this.inFlight = batch.length;
      try {
        await this.writeBatch(batch);
      } catch (err) {
        if (isStorageFault(err)) {
          this.refused(err);
          return;
        }
        // One of them is rejected on its merits (retrying cannot help): written one by one, that one is
        // given up and the others go on.
        for (const op of batch) {
          try {
            await this.exec(op);
          } catch (err1) {
            if (isStorageFault(err1)) {
              this.refused(err1);
              this.dequeue(batch.slice(0, batch.indexOf(op)));
              return;
            }
            this.logger.error(
              { err: err1, op: op.kind, point: op.rec.data.point },
              'outages: a write was rejected; dropped',
            );
          }
        }
      } finally {
        this.inFlight = 0;
      }
      this.dequeue(batch);
      written += batch.length;
    }
    this.failing = false;
    if (wasFailing) this.logger.info({ written }, 'outages: queued writes are on disk');
    this.wrote(true, 0);
  }

  /** The ops written are the queue's head (nothing in flight is dropped by an overflow). */
  private dequeue(done: readonly Op[]): void {
    this.queue.splice(0, done.length);
  }

  /** Writes `batch` in one transaction of the store (writeOutages), then tells the listeners in order. */
  private async writeBatch(batch: readonly Op[]): Promise<void> {
    const ops: OutageOp[] = [];
    /** Each batch entry's index in `ops`, -1 for one skipped (its open was given up). */
    const at: number[] = [];
    const opened = new Map<Rec, number>();
    for (const op of batch) {
      const { rec } = op;
      if (rec.lost) {
        at.push(-1);
      } else if (op.kind === 'open') {
        opened.set(rec, ops.length);
        at.push(ops.length);
        ops.push({ kind: 'open', outage: rec.data });
      } else {
        const ref = opened.get(rec);
        if (ref !== undefined) {
          at.push(ops.length);
          ops.push({ kind: 'close', ref, endedAt: op.endedAt });
        } else if (rec.row) {
          at.push(ops.length);
          ops.push({ kind: 'close', id: rec.row.id, endedAt: op.endedAt });
        } else at.push(-1);
      }
    }
    const rows = await this.store.writeOutages(ops);
    for (let k = 0; k < batch.length; k++) {
      const i = at[k]!;
      const op = batch[k]!;
      if (i < 0) continue;
      if (op.kind === 'open') {
        op.rec.row = rows[i]!;
        this.emit({ kind: 'opened', row: op.rec.row });
      } else this.emit({ kind: 'closed', row: { ...op.rec.row!, endedAt: op.endedAt } });
    }
  }

  private async exec(op: Op): Promise<void> {
    const { rec } = op;
    if (op.kind === 'open') {
      if (rec.lost) return;
      rec.row = await this.store.openOutage(rec.data);
      this.emit({ kind: 'opened', row: rec.row });
      return;
    }
    if (rec.lost || !rec.row) return;
    await this.store.closeOutage(rec.row.id, op.endedAt);
    this.emit({ kind: 'closed', row: { ...rec.row, endedAt: op.endedAt } });
  }

  private enqueue(op: Op): void {
    this.queue.push(op);
    const max = this.opts.maxPendingWrites ?? MAX_PENDING_WRITES;
    // The oldest write not in flight is given up (one in flight may be on disk already).
    if (this.queue.length <= max || this.queue.length <= this.inFlight) return;
    const dropped = this.queue.splice(this.inFlight, 1)[0]!;
    dropped.rec.lost = true;
    this.logger.error(
      { point: dropped.rec.data.point, op: dropped.kind, pending: this.queue.length },
      'outages: write queue full; the oldest queued write is lost',
    );
  }

  private refused(err: unknown): void {
    if (!this.failing) {
      this.failing = true;
      this.logger.error({ err, pending: this.queue.length }, 'outages: the store refuses writes; queued for retry');
    }
    this.wrote(false, this.queue.length, err);
  }

  private entry(code: string): Open {
    let e = this.open.get(code);
    if (!e) {
      e = { down: [], severe: [], endpoint: [] };
      this.open.set(code, e);
    }
    return e;
  }

  private wrote(ok: boolean, pending: number, err?: unknown): void {
    for (const l of this.writeListeners) l(ok, pending, err);
  }

  private emit(e: OutageEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.logger.error({ err, outage: e.row.id }, 'outage listener failed');
      }
    }
  }
}
