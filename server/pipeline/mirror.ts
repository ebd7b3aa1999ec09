// The statuses of the monitor process, as the request side reads them: rows applied from its batches.
// The hub drains what changed as it would from the board itself (one reader), and transitions are
// announced in the monitor's order.
import type { Point, PointStatus } from '../../shared/schemas';
import type { Logger } from 'pino';
import {
  roundedStatus,
  type PointFields,
  type PointTransition,
  type PointTransitionListener,
  type TargetRow,
} from '../status/board';
import type { StatusRow } from './messages';
import type { StatusView } from './port';

interface Entry {
  f: PointFields;
  targets: TargetRow[] | null;
  probedAt: number | null;
  knownAt: number | null;
  dirty: boolean;
}

const unknown = (since: number): PointFields => ({
  state: 'unknown',
  rtt: NaN,
  loss: NaN,
  jitter: NaN,
  since,
  backup: null,
  endpoint: null,
  inCall: null,
});

export class MirrorBoard implements StatusView {
  private readonly entries = new Map<string, Entry>();
  private changed: string[] = [];
  private readonly listeners = new Set<PointTransitionListener>();

  constructor(private readonly logger: Logger) {}

  /** The inventory's points: new ones unknown until the monitor says, removed ones forgotten. */
  setPoints(points: readonly Point[]): void {
    const keep = new Set(points.map((p) => p.code));
    for (const code of this.entries.keys()) if (!keep.has(code)) this.entries.delete(code);
    for (const p of points) {
      if (!this.entries.has(p.code)) {
        this.entries.set(p.code, { f: unknown(NaN), targets: null, probedAt: null, knownAt: null, dirty: false });
        this.mark(p.code);
      }
    }
  }

  apply(rows: readonly StatusRow[]): void {
    for (const [code, state, rtt, loss, jitter, since, backup, probedAt, endpoint, inCall, targets, knownAt] of rows) {
      const e = this.entries.get(code);
      // A point the request side removed meanwhile, or added and not yet applied: skip it.
      if (!e) continue;
      e.f.state = state;
      e.f.rtt = rtt;
      e.f.loss = loss;
      e.f.jitter = jitter;
      e.f.since = since;
      e.f.backup = backup;
      e.f.endpoint = endpoint;
      e.f.inCall = inCall;
      e.targets = targets;
      e.probedAt = probedAt;
      e.knownAt = knownAt;
      this.mark(code);
    }
  }

  /** Nobody watches (the monitor stands still or restarts): every point unknown since `at`. */
  allUnknown(at: number): void {
    for (const [code, e] of this.entries) {
      if (e.f.state === 'unknown') continue;
      e.f = unknown(at);
      e.targets = e.targets?.map((t) => ({ ...t, state: 'unknown', rtt: null, call: null })) ?? null;
      this.mark(code);
    }
  }

  emit(t: PointTransition): void {
    for (const l of this.listeners) {
      try {
        l(t);
      } catch (err) {
        this.logger.error({ err, point: t.point, to: t.to }, 'point transition listener failed');
      }
    }
  }

  status(code: string): PointStatus | undefined {
    const e = this.entries.get(code);
    if (!e) return undefined;
    return roundedStatus(code, { ...e.f });
  }

  read(code: string, out: PointFields): PointFields | undefined {
    const e = this.entries.get(code);
    if (!e) return undefined;
    out.state = e.f.state;
    out.rtt = e.f.rtt;
    out.loss = e.f.loss;
    out.jitter = e.f.jitter;
    out.since = e.f.since;
    out.backup = e.f.backup;
    out.endpoint = e.f.endpoint;
    out.inCall = e.f.inCall;
    return out;
  }

  targetRows(code: string): TargetRow[] {
    return this.entries.get(code)?.targets ?? [];
  }

  probedAt(code: string): number | null {
    return this.entries.get(code)?.probedAt ?? null;
  }

  knownAt(code: string): number | null {
    return this.entries.get(code)?.knownAt ?? null;
  }

  statuses(): PointStatus[] {
    return [...this.entries.keys()].map((code) => this.status(code)!);
  }

  drainChanged(): string[] {
    const out = this.changed.filter((code) => {
      const e = this.entries.get(code);
      if (!e) return false;
      e.dirty = false;
      return true;
    });
    this.changed = [];
    return out;
  }

  onTransition(listener: PointTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private mark(code: string): void {
    const e = this.entries.get(code)!;
    if (e.dirty) return;
    e.dirty = true;
    this.changed.push(code);
  }
}
