// Every target's tracker, mapped to points (docs/TARGETS.md TG5–TG7): a point's state is its primary
// line's, `backup` its (first) backup line's, `endpoint` the aggregate of its endpoint targets (SIP,
// TCP, HTTP, codec API) and `inCall` what its codec says. Tracks which points changed for the
// coalescing hub and announces point-level transitions — of the line (primary) and of the endpoint —
// to the outage recorder.
import type { Logger } from 'pino';
import type { Point, PointState, PointStatus, Target } from '../../shared/schemas';
import { targetId, type CodecCall, type ProbeReason, type TargetClass, type TargetKind } from '../../shared/targets';
import { toWireInstant } from '../../shared/time';
import type { Clock } from '../clock';
import type { TargetResult } from '../probe/kinds';
import { TargetTracker, emptyFields, nanToNull, type TargetFields } from './tracker';
import { DEFAULT_STATUS, endpointStatus, type StatusConfig, type Transition } from './types';

/** A transition of a point's line (its primary target) or of its endpoint aggregate. */
export interface PointTransition extends Transition {
  point: string;
  /** [TG7] 'line': the primary target's; 'endpoint': the endpoint aggregate's (`target` the one that caused it). */
  class: TargetClass;
  kind: TargetKind;
}

export type PointTransitionListener = (t: PointTransition) => void;

export interface StatusBoardOptions {
  clock: Clock;
  logger: Logger;
  config?: StatusConfig;
}

/** A point's status as plain numbers, NaN for "none" (the allocation-free form of PointStatus). */
export interface PointFields extends TargetFields {
  backup: PointState | null;
  endpoint: PointState | null;
  inCall: boolean | null;
}

export const emptyPointFields = (): PointFields => ({ ...emptyFields(), backup: null, endpoint: null, inCall: null });

/** One target's status row (GET /api/meetings/:id/status `targets`, the point's detail). */
export interface TargetRow {
  id: string;
  kind: TargetKind;
  role: Target['role'];
  state: PointState;
  rtt: number | null;
  reason: ProbeReason | null;
  code: number | null;
  detail: string | null;
  certExpiresAt: number | null;
  call: CodecCall | null;
}

interface PointEntry {
  code: string;
  primary: string;
  backup: string | null;
  endpoints: string[];
  codec: string | null;
  /** The endpoint aggregate as last announced (null: no endpoint targets). */
  endpoint: PointState | null;
  inCall: boolean | null;
  /** An endpoint target is down but the line has not answered since its first lost probe (TG7). */
  pending: boolean;
  /** In `changed` (not yet drained). */
  dirty: boolean;
}

interface Binding {
  entry: PointEntry;
  role: Target['role'];
}

interface TargetEntry {
  id: string;
  kind: TargetKind;
  tracker: TargetTracker;
  bindings: Binding[];
  reason: ProbeReason | null;
  code: number | null;
  detail: string | null;
  certExpiresAt: number | null;
  call: CodecCall | null;
  /** Send times of the latest lost probes in a row (a few), to judge an endpoint afresh after a cut. */
  lost: number[];
}

export class StatusBoard {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly config: StatusConfig;
  private readonly endpointConfig: StatusConfig;
  private readonly targets = new Map<string, TargetEntry>();
  private readonly points = new Map<string, PointEntry>();
  /**
   * Points changed since the last drain, each once (its `dirty` flag); slots beyond `changedCount` are
   * stale. At 1 Hz nearly every point changes every second: a Set cleared four times a second would
   * rebuild its hash table each time, and that garbage lives long enough to reach the old generation.
   */
  private readonly changed: PointEntry[] = [];
  private changedCount = 0;
  private readonly listeners = new Set<PointTransitionListener>();

  constructor(opts: StatusBoardOptions) {
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.config = opts.config ?? DEFAULT_STATUS;
    this.endpointConfig = endpointStatus(this.config);
  }

  /**
   * Replaces the inventory. Trackers of targets still present are kept (their state and windows go on);
   * points that are new or whose targets changed are marked changed.
   */
  setPoints(points: readonly Point[]): void {
    const targets = new Map<string, TargetEntry>();
    const next = new Map<string, PointEntry>();
    for (const p of points) {
      const primaryT = p.targets.find((t) => t.role === 'primary');
      if (primaryT === undefined) continue; // the schema forbids it; be safe with unparsed input
      const primary = targetId(primaryT);
      const backupT = p.targets.find((t) => t.role === 'backup');
      const backup = backupT ? targetId(backupT) : null;
      const endpointTs = p.targets.filter((t) => t.role === 'endpoint');
      const endpoints = endpointTs.map(targetId);
      const codecT = endpointTs.find((t) => t.kind === 'videoos' || t.kind === 'roomos');
      const codec = codecT ? targetId(codecT) : null;
      // The entry is kept (a pending change stays pending); a new or re-targeted point is changed.
      const old = this.points.get(p.code);
      const entry: PointEntry = old ?? {
        code: p.code,
        primary,
        backup,
        endpoints,
        codec,
        endpoint: null,
        inCall: null,
        pending: false,
        dirty: false,
      };
      if (
        !old ||
        old.primary !== primary ||
        old.backup !== backup ||
        old.codec !== codec ||
        old.endpoints.join('\n') !== endpoints.join('\n')
      ) {
        entry.primary = primary;
        entry.backup = backup;
        entry.endpoints = endpoints;
        entry.codec = codec;
        this.mark(entry);
      }
      next.set(p.code, entry);
      for (const t of p.targets) {
        const id = targetId(t);
        let h = targets.get(id);
        if (!h) {
          const kept = this.targets.get(id);
          const cfg = t.role === 'endpoint' ? this.endpointConfig : this.config;
          h = kept
            ? { ...kept, bindings: [] }
            : {
                id,
                kind: t.kind,
                tracker: new TargetTracker(id, cfg),
                bindings: [],
                reason: null,
                code: null,
                detail: null,
                certExpiresAt: null,
                call: null,
                lost: [],
              };
          targets.set(id, h);
        }
        // Only the first backup target is shown; further ones are probed but not bound.
        if (t.role === 'primary' || t.role === 'endpoint' || id === backup) {
          if (!h.bindings.some((b) => b.entry === entry && b.role === t.role)) h.bindings.push({ entry, role: t.role });
        }
      }
    }
    this.targets.clear();
    for (const [k, v] of targets) this.targets.set(k, v);
    this.points.clear();
    for (const [k, v] of next) this.points.set(k, v);
    // Endpoint aggregates of new or re-targeted points, without announcing (no probe caused them).
    for (const e of next.values()) {
      e.endpoint = this.endpointOf(e);
      e.inCall = this.inCallOf(e);
    }
  }

  /** Feeds a probe result; results for targets no longer in the inventory are ignored. */
  observe(r: TargetResult): void {
    const h = this.targets.get(r.target);
    if (!h) return;
    h.reason = r.reason ?? null;
    h.code = r.code ?? null;
    h.detail = r.detail ?? null;
    if (r.certExpiresAt !== undefined) h.certExpiresAt = r.certExpiresAt;
    if (h.kind === 'videoos' || h.kind === 'roomos') h.call = r.call ?? null;
    if (r.rtt !== null) h.lost.length = 0;
    else if (h.kind !== 'icmp' && h.lost.push(r.t) > LOST_KEPT) h.lost.shift();
    this.after(h, h.tracker.observe(r.t, r.rtt), true);
  }

  /**
   * The engine lost these targets (or the monitor could not observe them since `at`): they become
   * unknown (not down) until results flow again.
   */
  gap(ids: Iterable<string>, at: number = this.clock.now(), reason?: ProbeReason): void {
    for (const id of ids) {
      const h = this.targets.get(id);
      if (!h) continue;
      if (reason !== undefined && h.reason !== reason) {
        h.reason = reason;
        for (const bd of h.bindings) this.mark(bd.entry);
      }
      // NaN: never observed, unknown already (only the reason is news).
      if (Number.isNaN(at)) continue;
      h.lost.length = 0;
      this.after(h, h.tracker.gap(at), false);
    }
  }

  /** Forgets `reason` where it stands (an agent heard again: still unknown, but no longer for that). */
  clearReason(ids: Iterable<string>, reason: ProbeReason): void {
    for (const id of ids) {
      const h = this.targets.get(id);
      if (!h || h.reason !== reason) continue;
      h.reason = null;
      for (const bd of h.bindings) this.mark(bd.entry);
    }
  }

  /** Why the target's latest probe failed, or why it is unknown ('no-contact': its agent is not heard). */
  reasonOf(id: string): ProbeReason | null {
    return this.targets.get(id)?.reason ?? null;
  }

  /** Every target id the board tracks (for a gap of them all). */
  targetIds(): IterableIterator<string> {
    return this.targets.keys();
  }

  /** The point's status in wire form, or undefined for an unknown code. */
  status(code: string): PointStatus | undefined {
    const s = this.read(code, SCRATCH);
    return s ? roundedStatus(code, s) : undefined;
  }

  /** The point's targets, each with its own state (the status API's and the detail's rows). */
  /** Whether the point has more than its line (a backup line or endpoint targets): no allocation. */
  hasMoreTargets(code: string): boolean {
    const p = this.points.get(code);
    if (p === undefined) return false;
    // [AG7] A line-only point whose agent is not heard: its row carries the reason to the detail.
    return p.backup !== null || p.endpoints.length > 0 || this.targets.get(p.primary)?.reason === 'no-contact';
  }

  targetRows(code: string): TargetRow[] {
    const p = this.points.get(code);
    if (!p) return [];
    const ids = [p.primary, ...(p.backup ? [p.backup] : []), ...p.endpoints];
    return ids.flatMap((id) => {
      const h = this.targets.get(id);
      if (!h) return [];
      const role = h.bindings.find((b) => b.entry === p)?.role ?? 'backup';
      return [
        {
          id,
          kind: h.kind,
          role,
          state: h.tracker.state,
          rtt: h.tracker.status().rtt,
          reason: h.tracker.state === 'up' ? null : h.reason,
          code: h.code,
          detail: h.detail,
          certExpiresAt: h.certExpiresAt,
          call: h.call,
        },
      ];
    });
  }

  /**
   * The point's status into `out` without allocating (unrounded; NaN where `status` has null), or
   * undefined for an unknown code. The hub's per-tick comparison reads through this.
   */
  read(code: string, out: PointFields): PointFields | undefined {
    const p = this.points.get(code);
    if (!p) return undefined;
    this.targets.get(p.primary)!.tracker.read(out);
    out.backup = p.backup === null ? null : this.targets.get(p.backup)!.tracker.state;
    out.endpoint = p.endpoint;
    out.inCall = p.inCall;
    return out;
  }

  /** Send time of the newest probe of the point's primary target, null before any. */
  probedAt(code: string): number | null {
    const p = this.points.get(code);
    return p === undefined ? null : this.targets.get(p.primary)!.tracker.lastProbeAt;
  }

  /** When the newest probe of the point's primary target was known (TargetTracker.lastKnownAt), null before any. */
  knownAt(code: string): number | null {
    const p = this.points.get(code);
    return p === undefined ? null : this.targets.get(p.primary)!.tracker.lastKnownAt;
  }

  /** Statuses of all points, in inventory order. */
  statuses(): PointStatus[] {
    const out: PointStatus[] = [];
    for (const code of this.points.keys()) out.push(this.status(code)!);
    return out;
  }

  /** Codes whose status changed since the last drain. */
  drainChanged(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.changedCount; i++) {
      const e = this.changed[i]!;
      e.dirty = false;
      // A point removed from the inventory since it changed is not reported.
      if (this.points.get(e.code) === e) out.push(e.code);
    }
    this.changedCount = 0;
    return out;
  }

  /** Listens to point-level transitions; returns the unsubscribe function. */
  onTransition(listener: PointTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * [TG5] The endpoint aggregate: null without endpoint targets; unknown while the line is down (nothing
   * behind a cut line can answer, and the line's outage says it); else up if any endpoint target
   * answers (the device lives: its SIP stack, its call-signalling port or its API), down if none does
   * and one is down, unknown otherwise. A codec API refusing its credentials is not a dead codec while
   * its SIP stack answers.
   */
  private endpointOf(p: PointEntry): PointState | null {
    p.pending = false;
    if (p.endpoints.length === 0) return null;
    const line = this.targets.get(p.primary)!.tracker;
    if (line.state === 'down') return 'unknown';
    let down = false;
    let confirmed = false;
    const lineReply = line.lastReplyAt ?? Number.NEGATIVE_INFINITY;
    for (const id of p.endpoints) {
      const tracker = this.targets.get(id)!.tracker;
      const st = tracker.state;
      if (st === 'up') return 'up';
      if (st !== 'down') continue;
      down = true;
      if (lineReply >= tracker.read(LINE).since) confirmed = true;
    }
    if (!down) return 'unknown';
    if (confirmed) return 'down';
    // [TG7] A cut line drops the endpoint's probes with its own, and the endpoint's third loss may be
    // heard before the line's: down only once the line has answered a probe sent since the endpoint's
    // first lost one. Until then the aggregate stays as it was.
    p.pending = true;
    return p.endpoint ?? 'unknown';
  }

  /** [TG6] What the codec says of the call while it answers; null without one or while it does not. */
  private inCallOf(p: PointEntry): boolean | null {
    if (p.codec === null) return null;
    const h = this.targets.get(p.codec)!;
    return h.tracker.state === 'up' && h.call ? h.call.inCall : null;
  }

  /**
   * A primary's every result changes its point's status (rtt, loss…); a backup's or an endpoint's result
   * matters to the board when its state changes (or, for a codec, what it says of the call).
   */
  private after(h: TargetEntry, tr: Transition | null, dataChanged: boolean): void {
    for (const b of h.bindings) {
      const e = b.entry;
      if (b.role === 'backup') {
        if (tr) this.mark(e);
        continue;
      }
      if (b.role === 'primary') {
        if (dataChanged || tr) this.mark(e);
        if (tr) this.emit({ ...tr, point: e.code, class: 'line', kind: h.kind });
        // [TG7] What the endpoint's probes met behind the cut says nothing of the endpoint: once the line
        // is back they start afresh (unknown), so a stack that answers is up at its first reply and one
        // that does not is down after three lost probes sent over the restored line.
        if (tr && tr.from === 'down') this.afterCut(e, tr.at);
      }
      // The line's transitions change the endpoint aggregate too (down → unknown behind the cut), and
      // its replies confirm an endpoint held back as pending.
      if (tr) this.settleEndpoint(e, tr, h);
      else if (b.role === 'primary' && e.pending) this.settleEndpoint(e, null, h);
      if (b.role === 'endpoint' && e.codec === h.id) {
        const inCall = this.inCallOf(e);
        if (inCall !== e.inCall) {
          e.inCall = inCall;
          this.mark(e);
        }
      }
    }
  }

  /** `tr` null: a line's reply confirmed a pending endpoint (no transition caused it). */
  private settleEndpoint(e: PointEntry, tr: Transition | null, cause: TargetEntry): void {
    const next = this.endpointOf(e);
    const from = e.endpoint;
    if (next === from) return;
    e.endpoint = next;
    this.mark(e);
    if (from === null || next === null) return;
    const target = next === 'down' && (tr === null || cause.id === e.primary) ? this.firstDown(e) : cause.id;
    const detectedAt = tr?.detectedAt ?? this.clock.now();
    // Down since the endpoint target's own first lost probe (after a cut: its first one lost over the
    // restored line, afterCut); never before the line's return (its probes could not pass the cut).
    const own = nanToNull(this.targets.get(target)!.tracker.read(LINE).since);
    const downSince = tr !== null && target === cause.id ? tr.at : (own ?? tr?.at ?? detectedAt);
    const lineSince = nanToNull(this.targets.get(e.primary)!.tracker.read(LINE).since) ?? downSince;
    const at = next === 'down' ? Math.max(downSince, lineSince) : (tr?.at ?? detectedAt);
    const kind = this.targets.get(target)?.kind ?? cause.kind;
    this.emit({ target, from, to: next, at, detectedAt, point: e.code, class: 'endpoint', kind });
  }

  private afterCut(e: PointEntry, at: number): void {
    for (const id of e.endpoints) {
      const t = this.targets.get(id)!;
      if (t.tracker.state === 'down')
        t.tracker.restartAt(
          at,
          t.lost.filter((x) => x >= at),
        );
    }
  }

  private firstDown(e: PointEntry): string {
    return e.endpoints.find((id) => this.targets.get(id)!.tracker.state === 'down') ?? e.endpoints[0]!;
  }

  private mark(e: PointEntry): void {
    if (e.dirty) return;
    e.dirty = true;
    this.changed[this.changedCount++] = e;
  }

  // A failing listener (e.g. a store error) must not stop the probe pipeline feeding the board.
  private emit(t: PointTransition): void {
    for (const l of this.listeners) {
      try {
        l(t);
      } catch (err) {
        this.logger.error({ err, point: t.point, to: t.to }, 'point transition listener failed');
      }
    }
  }
}

const LINE = emptyFields();
/** More than the probes a line takes to be called up again (3 at 1 s and a timeout). */
const LOST_KEPT = 8;
const SCRATCH = emptyPointFields();

/** A point's fields (NaN for none) as the PointStatus the API and the dashboards get. */
export function toPointStatus(code: string, f: PointFields): PointStatus {
  return {
    code,
    state: f.state,
    rtt: nanToNull(f.rtt),
    loss: nanToNull(f.loss),
    jitter: nanToNull(f.jitter),
    since: Number.isNaN(f.since) ? null : toWireInstant(f.since),
    backup: f.backup,
    endpoint: f.endpoint,
    inCall: f.inCall,
  };
}

/** The status as the API gives it: loss to 0.01 %, jitter to the µs. Rounds `f` in place. */
export function roundedStatus(code: string, f: PointFields): PointStatus {
  f.loss = round(f.loss, 2);
  f.jitter = round(f.jitter, 3);
  return toPointStatus(code, f);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
