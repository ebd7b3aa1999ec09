// Keeps a dashboard's copy of a meeting consistent with the server's. Deltas carry consecutive seq
// numbers; the snapshot says which seq it already includes. While a join is in flight, deltas are held
// back and replayed after the snapshot. A missing seq means something was lost: the caller must join
// again for a fresh snapshot.
import type { MeetingDelta } from '../../../shared/protocol';

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

export type SnapshotResult = { ok: true; replay: MeetingDelta[] } | { ok: false };

/** Deltas held while joining; past this the join is hopeless and a gap will force a new one. */
const MAX_HELD = 2_000;

export class DeltaSequencer {
  private meetingId: string | null = null;
  private last: number | null = null;
  private held: MeetingDelta[] = [];

  /** The meeting being joined; deltas are held until `snapshot`. */
  begin(meetingId: string | null): void {
    this.meetingId = meetingId;
    this.last = null;
    this.held = [];
  }

  get current(): string | null {
    return this.meetingId;
  }

  /** The seq applied last, or null while joining. */
  get seq(): number | null {
    return this.last;
  }

  /** The snapshot arrived: the held deltas newer than it, in order, or a gap among them. */
  snapshot(meetingId: string, seq: number): SnapshotResult {
    if (meetingId !== this.meetingId) return { ok: false };
    const newer = this.held.filter((d) => d.seq > seq).sort((a, b) => a.seq - b.seq);
    this.held = [];
    const replay: MeetingDelta[] = [];
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

  delta(d: MeetingDelta): DeltaDecision {
    if (this.meetingId === null || d.meetingId !== this.meetingId) return 'foreign';
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
