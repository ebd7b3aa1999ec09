// Per-job probe scheduling for engines that probe one target per socket (tcp, http; sip can reuse it):
// every job fires on its own grid (monotonic time), `intervalMs` apart, at a phase taken from its id, so a thousand
// targets at 1 Hz are spread over the second instead of all sent at once, and a job that setJobs
// keeps (or re-adds) stays on the same grid. At most `maxInFlight` probes run; a due job waits in a
// queue that holds each job at most once, so the queue is bounded by the number of jobs.
import type { TargetKind } from '../../shared/targets';
import type { KindEngine, KindEngineOptions, ProbeJob, TargetResult } from './kinds';

export interface SpreadOptions {
  /** Runs one probe; must not reject (engines turn every failure into a result). */
  run(job: ProbeJob): Promise<void>;
  /** Probes running at once (default 1,000). */
  maxInFlight?: number;
}

export interface SpreadStats {
  jobs: number;
  inFlight: number;
  queued: number;
}

interface Entry {
  job: ProbeJob;
  phase: number;
  /** When the timer is due; 0 before the first arming. */
  due: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  queued: boolean;
  live: boolean;
}

/** FNV-1a with murmur3's finaliser: ids that differ in one last character still land far apart. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Where in its interval a job fires: a fraction of the interval from its id's hash. */
export function phaseOf(id: string, intervalMs: number): number {
  return Math.floor((hash(id) / 0x1_0000_0000) * intervalMs);
}

/** The first instant after `now` on the grid `phase + k·interval`. */
export function nextOnGrid(now: number, phase: number, intervalMs: number): number {
  const k = Math.floor((now - phase) / intervalMs) + 1;
  return phase + k * intervalMs;
}

const sameTarget = (a: ProbeJob, b: ProbeJob): boolean => JSON.stringify(a.target) === JSON.stringify(b.target);

export class Spreader {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private inFlight = 0;
  private closed = false;
  private readonly max: number;

  constructor(private readonly opts: SpreadOptions) {
    this.max = Math.max(1, Math.floor(opts.maxInFlight ?? 1_000));
  }

  /** Replaces the job set; a job with the same id, target and interval keeps its timer and phase. */
  setJobs(jobs: readonly ProbeJob[]): void {
    if (this.closed) return;
    const next = new Map<string, ProbeJob>();
    for (const job of jobs) next.set(job.id, job);
    for (const [id, entry] of this.entries) {
      const job = next.get(id);
      if (job && job.intervalMs === entry.job.intervalMs && sameTarget(job, entry.job)) {
        entry.job = job; // a new timeout applies from the next probe on
        next.delete(id);
      } else {
        this.drop(entry);
      }
    }
    for (const job of next.values()) {
      if (!(Number.isFinite(job.intervalMs) && job.intervalMs >= 10)) continue; // refused by the engine first
      const entry: Entry = {
        job,
        phase: phaseOf(job.id, job.intervalMs),
        due: 0,
        timer: null,
        running: false,
        queued: false,
        live: true,
      };
      this.entries.set(job.id, entry);
      this.arm(entry);
    }
  }

  stats(): SpreadStats {
    return { jobs: this.entries.size, inFlight: this.inFlight, queued: this.queue.length };
  }

  /** The phase (ms into its interval) of a scheduled job; for tests and diagnostics. */
  phase(id: string): number | undefined {
    return this.entries.get(id)?.phase;
  }

  /** Stops every timer; probes already running finish on their own timeouts. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const entry of this.entries.values()) {
      entry.queued = false;
      this.drop(entry);
    }
  }

  private drop(entry: Entry): void {
    entry.live = false;
    if (entry.queued) this.queue.splice(this.queue.indexOf(entry), 1);
    entry.queued = false;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    this.entries.delete(entry.job.id);
  }

  private arm(entry: Entry): void {
    // Monotonic: a wall clock stepped back an hour must not hold a job's next probe for an hour.
    const now = performance.now();
    // A timer may fire a millisecond early: count from its due instant, never twice for one slot.
    entry.due = nextOnGrid(Math.max(now, entry.due), entry.phase, entry.job.intervalMs);
    entry.timer = setTimeout(() => this.fire(entry), entry.due - now);
  }

  private fire(entry: Entry): void {
    entry.timer = null;
    if (!entry.live) return;
    this.arm(entry);
    // A probe still running (or waiting for a slot) covers this tick: one probe per job at a time.
    if (entry.running || entry.queued) return;
    if (this.inFlight < this.max) this.start(entry);
    else {
      entry.queued = true;
      this.queue.push(entry);
    }
  }

  private start(entry: Entry): void {
    this.inFlight++;
    entry.running = true;
    // run() must not throw or reject; one that does must still not stop the schedule or leak a slot.
    void Promise.resolve()
      .then(() => this.opts.run(entry.job))
      .catch(() => {})
      .finally(() => {
        this.inFlight--;
        entry.running = false;
        this.pump();
      });
  }

  private pump(): void {
    while (this.inFlight < this.max && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      entry.queued = false;
      this.start(entry);
    }
  }
}

export interface SpreadEngineOptions extends KindEngineOptions {
  /** Probes running at once (default 1,000; each holds a socket, so mind `ulimit -n`). */
  maxInFlight?: number;
}

/** One probe of one job; aborting `signal` ends it at once (close()). Must resolve, never reject. */
export type JobProbe = (job: ProbeJob, signal: AbortSignal) => Promise<TargetResult>;

/**
 * An engine whose probes are one socket each (tcp, http): a Spreader for the cadence, an
 * AbortController per probe so close() ends every socket, and a guard that turns anything a probe
 * throws into a result.
 */
export class SpreadEngine implements KindEngine {
  private readonly spreader: Spreader;
  private readonly running = new Set<AbortController>();
  private readonly settling = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    readonly kinds: readonly TargetKind[],
    private readonly probe: JobProbe,
    private readonly opts: SpreadEngineOptions,
  ) {
    this.spreader = new Spreader({
      maxInFlight: opts.maxInFlight,
      run: async (job) => {
        const r = await this.guarded(job);
        if (!this.closed) this.deliver(r);
      },
    });
  }

  setJobs(jobs: readonly ProbeJob[]): void {
    if (this.closed) return;
    const ok = jobs.filter((job) => {
      const problem = this.jobProblem(job);
      if (problem) this.opts.logger.error({ target: String(job?.id), why: problem }, 'probe job refused');
      return !problem;
    });
    this.spreader.setJobs(ok);
  }

  probeOnce(job: ProbeJob): Promise<TargetResult> {
    return this.guarded(job);
  }

  stats(): SpreadStats {
    return this.spreader.stats();
  }

  /** The phase (ms into its interval) of a scheduled job; for tests and diagnostics. */
  phase(id: string): number | undefined {
    return this.spreader.phase(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.spreader.close();
    for (const ac of this.running) ac.abort();
    await Promise.all(this.settling);
  }

  private jobProblem(job: ProbeJob): string | null {
    if (!job || typeof job.id !== 'string' || !job.target) return 'not a probe job';
    if (!this.kinds.includes(job.target.kind)) return `kind ${String(job.target.kind)} is not ${this.kinds.join('/')}`;
    if (!(Number.isFinite(job.intervalMs) && job.intervalMs >= 10)) return 'interval < 10 ms';
    if (!(Number.isFinite(job.timeoutMs) && job.timeoutMs > 0)) return 'timeout is not a positive number';
    return null;
  }

  private async guarded(job: ProbeJob): Promise<TargetResult> {
    const t = this.opts.clock.now();
    const id = typeof job?.id === 'string' ? job.id : String(job?.id);
    const problem = this.jobProblem(job);
    if (problem) return { target: id, t, rtt: null, reason: 'error', detail: problem };
    if (this.closed) return { target: id, t, rtt: null, reason: 'error', detail: 'engine closed' };
    const ac = new AbortController();
    this.running.add(ac);
    const p = Promise.resolve()
      .then(() => this.probe(job, ac.signal))
      .catch((err: unknown): TargetResult => ({
        target: id,
        t,
        rtt: null,
        reason: 'error',
        detail: String(err),
      }));
    this.settling.add(p);
    try {
      return await p;
    } finally {
      this.running.delete(ac);
      this.settling.delete(p);
    }
  }

  private deliver(r: TargetResult): void {
    try {
      this.opts.onResult(r);
    } catch (err) {
      this.opts.logger.error({ err, target: r.target }, 'probe result handler threw');
    }
  }
}
