// What the dashboards are told about a point: its status with figures rounded to what a person reads
// (RTT and jitter to 0.1 ms below 10 ms, to 1 ms above; loss to 0.1 %). At 1 Hz nearly every probe
// moves the raw RTT by a few µs; rounding first lets the hub send only what visibly changed, which
// keeps a delta for 10,000 points small instead of listing every point every second.
import type { PointStatus } from '../../shared/schemas';

export function roundMs(x: number | null): number | null {
  if (x === null) return null;
  return x < 10 ? Math.round(x * 10) / 10 : Math.round(x);
}

export function wireStatus(s: PointStatus): PointStatus {
  return {
    code: s.code,
    state: s.state,
    rtt: roundMs(s.rtt),
    loss: s.loss === null ? null : Math.round(s.loss * 10) / 10,
    jitter: roundMs(s.jitter),
    since: s.since,
    backup: s.backup,
  };
}

export function sameWireStatus(a: PointStatus, b: PointStatus): boolean {
  return (
    a.state === b.state &&
    a.rtt === b.rtt &&
    a.loss === b.loss &&
    a.jitter === b.jitter &&
    a.since === b.since &&
    a.backup === b.backup
  );
}

/**
 * Each point's status as last published (rounded): deltas carry only points that differ from it, and
 * snapshots give it, so a client that joined between two ticks holds what the next delta builds on
 * (its seq) and never misses a change back to the published value.
 */
export class Published {
  private readonly last = new Map<string, PointStatus>();

  constructor(private readonly current: (code: string) => PointStatus | undefined) {}

  /** The statuses (rounded) of `codes` that differ from what was last published; now published. */
  publish(codes: readonly string[]): PointStatus[] {
    const out: PointStatus[] = [];
    for (const code of codes) {
      const raw = this.current(code);
      if (!raw) {
        this.last.delete(code);
        continue;
      }
      const next = wireStatus(raw);
      const prev = this.last.get(code);
      if (prev && sameWireStatus(prev, next)) continue;
      this.last.set(code, next);
      out.push(next);
    }
    return out;
  }

  /** A point's published status; one never published yet is published now (nobody has another). */
  status(code: string): PointStatus | undefined {
    const known = this.last.get(code);
    if (known) return known;
    const raw = this.current(code);
    if (!raw) return undefined;
    const s = wireStatus(raw);
    this.last.set(code, s);
    return s;
  }
}
