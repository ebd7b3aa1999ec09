// The per-host accounting of one fping process (docs/SPEC.md PR1–PR3): which probe of each host was
// sent when, which are settled, and which have outlived their timeout. Pure: every instant is passed
// in (wall ms), so the deadline logic is tested with an injected clock.
//
// Why the engine keeps deadlines itself: fping 5.1 in loop mode prints "timed out" at -t for an echo
// it sent, but prints nothing at all when sendto() fails (local firewall drop, no route): loop mode
// turns off the warning. Such a probe was only found lost by a silence watchdog long after its
// timeout. Here every probe has a deadline, its send instant plus the timeout plus a small grace;
// the process sweeps after each read of fping's output and reports overdue probes lost at once.
//
// Send instants: fping sends each host on a fixed schedule (every -p ms), so the next probe of a host
// is expected one interval after the last one accounted for. A reply gives its exact send instant
// (stamp − rtt); a timeout line a close one (stamp − timeout).

/** Probes caught up at once; beyond this, a silence is a stall (suspend, frozen event loop). */
export const MAX_CATCH_UP = 3;

export interface LedgerTiming {
  intervalMs: number;
  /** fping's -t. */
  timeoutMs: number;
  /** Wait beyond the timeout before the engine calls a probe lost itself. */
  graceMs: number;
}

/** One probe accounted for: host, its send instant (wall ms), rtt or null for lost. */
export type LedgerSink = (host: string, sendWall: number, rtt: number | null) => void;

interface HostState {
  /** Send instant of the last probe accounted for (−∞ before the first). */
  lastSend: number;
  /** When the next probe is (or was) sent. */
  expected: number;
  /** No verdict before this while fping has said nothing of the host (it may still be resolving). */
  notBefore: number;
}

export class ProbeLedger {
  private readonly hosts = new Map<string, HostState>();
  /** At or before the earliest deadline (deadlines mostly move later, so this may be stale-early). */
  private nextDue = Number.POSITIVE_INFINITY;

  constructor(
    private readonly timing: LedgerTiming,
    private readonly emit: LedgerSink,
  ) {}

  /**
   * A fresh process started at `startWall`: host k's first probe goes out about k·gap later (fping
   * sends a round in list order). A host fping has not yet mentioned counts lost only after
   * `startupGraceMs` plus a timeout (names are resolved before the first round); once it has, its
   * probes are judged on their own deadlines.
   */
  reset(hosts: readonly string[], startWall: number, gapMs: number, startupGraceMs: number): void {
    this.hosts.clear();
    const notBefore = startWall + startupGraceMs + this.wait();
    hosts.forEach((host, k) => {
      this.hosts.set(host, { lastSend: Number.NEGATIVE_INFINITY, expected: startWall + k * gapMs, notBefore });
    });
    this.nextDue = hosts.length === 0 ? Number.POSITIVE_INFINITY : notBefore;
  }

  /** When the next sweep can find something overdue (wall ms; +∞: never). */
  get dueAt(): number {
    return this.nextDue;
  }

  /**
   * What fping said about a probe of `host` sent at `sendWall`. A probe already accounted for is
   * not counted again (PR2); probes fping never mentioned before this one are lost (PR3).
   */
  heard(host: string, sendWall: number, rtt: number | null): void {
    const st = this.hosts.get(host);
    if (!st) return;
    const { intervalMs } = this.timing;
    // Within half an interval of the last one: the same probe again — fping's "timed out" after an
    // ICMP error or after our own verdict, or a reply read after the deadline (it stays lost).
    if (sendWall <= st.lastSend + intervalMs / 2) return;
    if (st.notBefore > Number.NEGATIVE_INFINITY) {
      st.notBefore = Number.NEGATIVE_INFINITY; // fping is running for this host: no more start-up hold
      this.nextDue = Math.min(this.nextDue, sendWall + intervalMs + this.wait());
    }
    if (Number.isFinite(st.lastSend)) {
      const missing = Math.round((sendWall - st.lastSend) / intervalMs) - 1;
      if (missing > MAX_CATCH_UP) this.account(host, st, sendWall - intervalMs, null);
      else for (let k = 0; k < missing; k++) this.account(host, st, st.lastSend + intervalMs, null);
    }
    this.account(host, st, sendWall, rtt);
  }

  /** Reports lost every probe whose timeout plus grace has passed by `now` (PR1). */
  sweep(now: number): void {
    if (now <= this.dueAt) return;
    const { intervalMs } = this.timing;
    const wait = this.wait();
    let earliest = Number.POSITIVE_INFINITY;
    for (const [host, st] of this.hosts) {
      const overdue = Math.floor((now - wait - st.expected) / intervalMs) + 1;
      if (overdue > 0 && now > st.notBefore) {
        // After a stall count one loss, at the latest overdue probe, not one per missed interval.
        if (overdue > MAX_CATCH_UP) st.expected += (overdue - 1) * intervalMs;
        while (now > st.expected + wait) this.account(host, st, st.expected, null);
      }
      earliest = Math.min(earliest, Math.max(st.notBefore, st.expected + wait));
    }
    this.nextDue = earliest;
  }

  private wait(): number {
    return this.timing.timeoutMs + this.timing.graceMs;
  }

  private account(host: string, st: HostState, sendWall: number, rtt: number | null): void {
    st.lastSend = sendWall;
    st.expected = sendWall + this.timing.intervalMs;
    this.emit(host, sendWall, rtt);
  }
}
