// What the dashboards are told about a point: its status with figures rounded to what a person reads
// (RTT and jitter to 0.1 ms below 10 ms, to 1 ms above; loss to 0.1 %). At 1 Hz nearly every probe
// moves the raw RTT by a few µs; rounding first lets the hub send only what visibly changed, which
// keeps a delta for 10,000 points small instead of listing every point every second.
import type { PointStatus } from '../../shared/schemas';
import { emptyPointFields, toPointStatus, type PointFields } from '../status/board';

/** RTT or jitter as shown: 0.1 ms below 10 ms, 1 ms above (NaN stays NaN). */
const roundMsValue = (x: number): number => (x < 10 ? Math.round(x * 10) / 10 : Math.round(x));
/** Loss as shown: 0.1 %. */
const roundLoss = (x: number): number => Math.round(x * 10) / 10;

export function roundMs(x: number | null): number | null {
  return x === null ? null : roundMsValue(x);
}

export function wireStatus(s: PointStatus): PointStatus {
  return {
    code: s.code,
    state: s.state,
    rtt: roundMs(s.rtt),
    loss: s.loss === null ? null : roundLoss(s.loss),
    jitter: roundMs(s.jitter),
    since: s.since,
    backup: s.backup,
    endpoint: s.endpoint,
    inCall: s.inCall,
  };
}

export function sameWireStatus(a: PointStatus, b: PointStatus): boolean {
  return (
    a.state === b.state &&
    a.rtt === b.rtt &&
    a.loss === b.loss &&
    a.jitter === b.jitter &&
    a.since === b.since &&
    a.backup === b.backup &&
    a.endpoint === b.endpoint &&
    a.inCall === b.inCall
  );
}

/** Reads a point's current status, unrounded, into `out` (NaN for "none"); undefined: unknown code. */
export type ReadStatus = (code: string, out: PointFields) => PointFields | undefined;

/** A ReadStatus over a source that only gives PointStatus objects (tests, small sources). */
export function readFromStatus(status: (code: string) => PointStatus | undefined): ReadStatus {
  return (code, out) => {
    const s = status(code);
    if (!s) return undefined;
    out.state = s.state;
    out.rtt = s.rtt ?? NaN;
    out.loss = s.loss ?? NaN;
    out.jitter = s.jitter ?? NaN;
    out.since = s.since === null ? NaN : Date.parse(s.since);
    out.backup = s.backup;
    out.endpoint = s.endpoint;
    out.inCall = s.inCall;
    return out;
  };
}

const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

/** Rounds `f` in place to what a person reads (as wireStatus does). */
function roundFields(f: PointFields): void {
  f.rtt = roundMsValue(f.rtt);
  f.loss = roundLoss(f.loss);
  f.jitter = roundMsValue(f.jitter);
}

/**
 * Each point's status as last published (rounded): deltas carry only points that differ from it, and
 * snapshots give it, so a client that joined between two ticks holds what the next delta builds on
 * (its seq) and never misses a change back to the published value.
 *
 * It runs for every point every second at 1 Hz, so it compares plain numbers read into one scratch
 * record with records updated in place, and allocates only the statuses it sends.
 */
export class Published {
  /** What was last published per point: records updated in place (NaN for null). */
  private readonly last = new Map<string, PointFields>();
  private readonly scratch = emptyPointFields();

  constructor(private readonly read: ReadStatus) {}

  /** The statuses (rounded) of `codes` that differ from what was last published; now published. */
  publish(codes: readonly string[]): PointStatus[] {
    const out: PointStatus[] = [];
    for (const code of codes) {
      const f = this.read(code, this.scratch);
      if (!f) {
        this.last.delete(code);
        continue;
      }
      roundFields(f);
      let e = this.last.get(code);
      if (
        e &&
        e.state === f.state &&
        e.backup === f.backup &&
        e.endpoint === f.endpoint &&
        e.inCall === f.inCall &&
        same(e.rtt, f.rtt) &&
        same(e.loss, f.loss) &&
        same(e.jitter, f.jitter) &&
        same(e.since, f.since)
      ) {
        continue;
      }
      if (!e) this.last.set(code, (e = emptyPointFields()));
      copy(f, e);
      out.push(toPointStatus(code, e));
    }
    return out;
  }

  /** A point's published status; one never published yet is published now (nobody has another). */
  status(code: string): PointStatus | undefined {
    let e = this.last.get(code);
    if (!e) {
      const f = this.read(code, this.scratch);
      if (!f) return undefined;
      roundFields(f);
      this.last.set(code, (e = emptyPointFields()));
      copy(f, e);
    }
    return toPointStatus(code, e);
  }
}

function copy(f: PointFields, e: PointFields): void {
  e.state = f.state;
  e.rtt = f.rtt;
  e.loss = f.loss;
  e.jitter = f.jitter;
  e.since = f.since;
  e.backup = f.backup;
  e.endpoint = f.endpoint;
  e.inCall = f.inCall;
}
