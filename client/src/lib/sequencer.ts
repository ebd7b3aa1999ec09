// Keeps a dashboard's copy of a meeting consistent with the server's. Deltas carry consecutive seq
// numbers; the snapshot says which seq it already includes. While a join is in flight, deltas are held
// back and replayed after the snapshot. A missing seq means something was lost: the caller must join
// again for a fresh snapshot. The grid's deltas and the overview's (shared/overview.ts) follow the same
// rules; a grid joined for one unit (NV3) takes only the deltas carrying that unit.
import type { MeetingDelta } from '../../../shared/protocol';

/** What the sequencer reads of a delta. */
export interface SequencedDelta {
  meetingId: string;
  /** The unit of a region's grid (NV3); absent for a whole meeting and for the overview. */
  unit?: string;
  seq: number;
}

export type DeltaDecision =
  /** Apply it now. */
  | 'apply'
  /** Already included (duplicate or older than the snapshot): drop it. */
  | 'stale'
  /** Not the meeting being shown: drop it. */
  | 'foreign'
  /** Held until the snapshot arrives. */
  | 'held'
  /** A delta is missing: join again. */
  | 'gap';

export type SnapshotResult<D extends SequencedDelta = MeetingDelta> = { ok: true; replay: D[] } | { ok: false };

/** Deltas held while joining; past this the join is hopeless and a gap will force a new one. */
const MAX_HELD = 2_000;

export class DeltaSequencer<D extends SequencedDelta = MeetingDelta> {
  private meetingId: string | null = null;
  private unitId: string | null = null;
  private last: number | null = null;
  private held: D[] = [];

  /** The meeting (and unit, for a region's grid) being joined; deltas are held until `snapshot`. */
  begin(meetingId: string | null, unit: string | null = null): void {
    this.meetingId = meetingId;
    this.unitId = meetingId === null ? null : unit;
    this.last = null;
    this.held = [];
  }

  get current(): string | null {
    return this.meetingId;
  }

  /** The unit of the region's grid being shown, or null for the whole meeting. */
  get unit(): string | null {
    return this.unitId;
  }

  /** The seq applied last, or null while joining. */
  get seq(): number | null {
    return this.last;
  }

  /** The snapshot arrived: the held deltas newer than it, in order, or a gap among them. */
  snapshot(meetingId: string, seq: number): SnapshotResult<D> {
    if (meetingId !== this.meetingId) return { ok: false };
    const newer = this.held.filter((d) => d.seq > seq).sort((a, b) => a.seq - b.seq);
    this.held = [];
    const replay: D[] = [];
    let last = seq;
    for (const d of newer) {
      if (d.seq === last) continue; // a duplicate among the held ones
      if (d.seq !== last + 1) {
        this.last = null;
        return { ok: false };
      }
      replay.push(d);
      last = d.seq;
    }
    this.last = last;
    return { ok: true, replay };
  }

  delta(d: D): DeltaDecision {
    if (this.meetingId === null || d.meetingId !== this.meetingId || (d.unit ?? null) !== this.unitId) return 'foreign';
    if (this.last === null) {
      if (this.held.length >= MAX_HELD) this.held.shift();
      this.held.push(d);
      return 'held';
    }
    if (d.seq <= this.last) return 'stale';
    if (d.seq !== this.last + 1) {
      this.last = null;
      this.held = [];
      return 'gap';
    }
    this.last = d.seq;
    return 'apply';
  }
}
