// One long-lived `fping -l` process for one shard: spawn, parse its output into ProbeResults,
// account for probes fping never reports, and restart it (with backoff) when it dies.
//
// Send instants: `-D` stamps every line with the wall time fping printed it. A reply was sent rtt
// before its stamp, a timeout `timeoutMs` before its stamp. The engine runs on real time but
// results carry the injected clock, so a send instant is mapped by how long ago it was:
//   t = clock.now() − (Date.now() − sendWall)
// An ICMP error (stderr, no stamp) comes back about one rtt after the send, so its send instant
// is taken as its arrival.
//
// Lost probes are reported when their timeout expires (docs/SPEC.md PR1–PR3, loss-ledger.ts): fping
// prints "timed out" at -t, but nothing when sendto() fails (local firewall drop, no route), so the
// engine keeps every probe's deadline itself and sweeps right after each read of fping's output.
// Exactly one result per probe, in send order per host: what fping says later about a probe already
// accounted for (its own "timed out", a reply read after the deadline) is dropped.
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { Readable } from 'node:stream';
import type { Clock } from '../clock';
import { hasExited, killAndWait, spawnProbe } from './child';
import { LineSplitter, parseFpingLine } from './fping-parse';
import { ProbeLedger } from './loss-ledger';
import { sendGapMs, type Shard } from './shard-plan';
import type { ProbeSink } from './types';

export interface FpingProcessDeps {
  fpingPath: string;
  clock: Clock;
  logger: Logger;
  onResult: ProbeSink;
  onGap: (hosts: string[]) => void;
  /** Per-probe timeout, already kept below the interval (fpingTimeout). */
  timeoutMs: number;
  /** First restart delay after an unexpected exit; doubles while the process keeps dying. */
  restartBaseMs: number;
  restartMaxMs: number;
  /** A process that ran this long before dying was healthy: backoff starts over. */
  stableAfterMs: number;
  /** Wait beyond a probe's timeout before the engine reports it lost itself (PR1). */
  lossGraceMs: number;
  /** Time a fresh process gets (name resolution, first round) before a probe counts lost. */
  startupGraceMs: number;
  /** Pause between reads of fping's output (default READ_BATCH_MS; 0: read as it comes). */
  readBatchMs?: number;
}

/** Arguments of a loop-mode fping; hosts come on stdin (`-f -`), never on the command line. */
export function fpingLoopArgs(shard: Shard, timeoutMs: number): string[] {
  const gap = sendGapMs(shard.hosts.length, shard.intervalMs);
  return [
    '-l', '-D', '-r', '0',
    '-p', String(shard.intervalMs),
    '-t', String(timeoutMs),
    '-i', String(gap),
    '-f', '-',
  ]; // prettier-ignore
}

/**
 * How long fping's output is left to gather in the pipe between two reads. fping writes one line per
 * result (10,000 a second at province scale); reading each as it comes wakes Node — and makes fping
 * pay for the wake-up — thousands of times a second. Read every 20 ms instead: a few hundred lines per
 * read; at 10,000 points Node went from ~43 to ~18 % of a core (bench/RESULTS.md, issue 8), and results
 * at most 20 ms later (the hub coalesces over 150 ms anyway). The pipe holds 64 KiB: ~1,000 lines.
 */
export const READ_BATCH_MS = 20;

/**
 * A read this large means fping's output had piled up (the pipe holds 64 KiB; at 4,000 results/s a
 * 20 ms batch is ~6 KiB): fping may have been blocked writing, its replies late through no fault of
 * the hosts. Reads then stay eager until the pipe is drained, and no probe is judged meanwhile.
 */
const BACKLOG_CHARS = 32 * 1024;

interface PipeHandle {
  readStop?: () => number;
  readStart?: () => number;
}

/** Node's libuv handle behind a net.Socket (not public API; checked before use). */
const HANDLE = '_handle';
const handleOf = (stream: Readable): PipeHandle | null | undefined =>
  (stream as unknown as Record<string, PipeHandle | null | undefined>)[HANDLE];

/**
 * Stops reading `stream`'s pipe for `ms`, then starts it again (the lines gather in the pipe). Done at
 * the handle: a paused stream keeps reading until its buffer fills, and net.Socket restarts a handle
 * it believes stopped, so the handle's `reading` flag is left as it is. Where the handle is not as
 * expected, reading stays eager. Returns the timer, or null when nothing was stopped.
 */
function holdReads(stream: Readable, ms: number, resumed: () => void): NodeJS.Timeout | null {
  const handle = handleOf(stream);
  if (ms <= 0 || !handle || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function') {
    return null;
  }
  handle.readStop();
  return setTimeout(() => {
    resumed();
    if (!stream.destroyed && handleOf(stream) === handle) handle.readStart!();
  }, ms);
}

/** The -D stamp of a line, or now for lines fping prints without one (ICMP errors). */
function stamp(ts: number | null): number {
  return ts ?? Date.now();
}

export class FpingProcess {
  private child: ChildProcess | null = null;
  private stopped = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Set for the ledger's next deadline, `armedFor`. */
  private sweepTimer: NodeJS.Timeout | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private sweepQueued = false;
  /** The last read was a backlog (BACKLOG_CHARS): no verdict until the pipe is drained. */
  private backlogged = false;
  /**
   * While fping's output is left to gather (READ_BATCH_MS). Never cleared early: the timer starts the
   * pipe again, so an exiting fping's last lines and its end of file are still read.
   */
  private readHold: NodeJS.Timeout | null = null;
  private readonly ledger: ProbeLedger;
  private readonly stderrTail: string[] = [];
  private readonly reported = new Set<string>();

  constructor(
    readonly shard: Shard,
    private readonly deps: FpingProcessDeps,
  ) {
    const timing = { intervalMs: shard.intervalMs, timeoutMs: deps.timeoutMs, graceMs: deps.lossGraceMs };
    this.ledger = new ProbeLedger(timing, (host, sendWall, rtt) => {
      const t = deps.clock.now() - Math.max(0, Date.now() - sendWall);
      deps.onResult({ host, t, rtt });
    });
  }

  get pid(): number | undefined {
    return this.child && !hasExited(this.child) ? this.child.pid : undefined;
  }

  start(): void {
    if (this.stopped) return;
    const { shard, deps } = this;
    const log = deps.logger.child({ shard: shard.id, intervalMs: shard.intervalMs });
    let child: ChildProcess;
    try {
      child = spawnProbe(deps.fpingPath, fpingLoopArgs(shard, deps.timeoutMs));
    } catch (err) {
      log.error({ err }, 'fping could not be spawned');
      this.died(null, 'spawn failed');
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    const gap = sendGapMs(shard.hosts.length, shard.intervalMs);
    this.ledger.reset(shard.hosts, this.startedAt, gap, deps.startupGraceMs);
    child.on('error', (err) => this.died(child, `error: ${err.message}`));
    child.once('exit', (code, signal) => this.died(child, `exit code ${code} signal ${signal}`));
    child.stdin?.on('error', () => {}); // EPIPE when fping dies first: the exit handler reports it
    child.stdin?.end(shard.hosts.join('\n') + '\n');
    const out = new LineSplitter();
    const err = new LineSplitter();
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    const stdout = child.stdout;
    stdout?.on('data', (chunk: string) => {
      out.push(chunk).forEach((l) => this.line(l, false));
      this.rearm();
      this.backlogged = chunk.length >= BACKLOG_CHARS;
      if (this.readHold === null && child === this.child && !this.backlogged) {
        this.readHold = holdReads(stdout, this.deps.readBatchMs ?? READ_BATCH_MS, () => {
          this.readHold = null;
          if (Date.now() > this.ledger.dueAt && !this.backlogged) this.sweepSoon();
        });
      }
    });
    child.stderr?.on('data', (chunk: string) => {
      err.push(chunk).forEach((l) => this.line(l, true));
      this.rearm();
    });
    this.armSweep();
    log.debug({ pid: child.pid, hosts: shard.hosts.length }, 'fping started');
  }

  /** Stops for good (no gap reported, no restart); resolves when the process has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.sweepTimer);
    if (this.child) await killAndWait(this.child);
  }

  /**
   * Wakes at the ledger's next deadline. While reads are held the unread output may hold the answer,
   * so the sweep waits for the hold to end (≤ READ_BATCH_MS); otherwise it runs after one more poll.
   */
  private armSweep(): void {
    clearTimeout(this.sweepTimer);
    const due = this.ledger.dueAt;
    this.armedFor = due;
    if (!Number.isFinite(due)) return;
    this.sweepTimer = setTimeout(() => this.sweepDue(), Math.max(0, due - Date.now()) + 1);
  }

  /** A host's first word ends its start-up hold: its deadline may now come before the timer. */
  private rearm(): void {
    if (this.ledger.dueAt < this.armedFor) this.armSweep();
  }

  private sweepDue(): void {
    if (this.readHold !== null) return; // the hold's end sweeps
    if (!this.backlogged) return this.sweepSoon();
    // Still catching up on a backlog: sweep once a read batch has passed with the pipe drained.
    this.backlogged = false;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => this.sweepDue(), READ_BATCH_MS);
  }

  /**
   * Sweeps in setImmediate, i.e. after the event loop's next poll: anything fping has already
   * written is read (and accounted for) first, so a timely reply waiting in the pipe is never
   * called lost.
   */
  private sweepSoon(): void {
    if (this.sweepQueued) return;
    this.sweepQueued = true;
    const child = this.child;
    setImmediate(() => {
      this.sweepQueued = false;
      if (this.stopped || child === null || child !== this.child) return;
      if (this.backlogged) return this.armSweep(); // a backlog came in with this poll
      this.ledger.sweep(Date.now());
      this.armSweep();
    });
  }

  private line(text: string, fromStderr: boolean): void {
    if (this.stopped) return;
    const parsed = parseFpingLine(text);
    switch (parsed.kind) {
      case 'reply':
        return this.ledger.heard(parsed.host, stamp(parsed.timestampMs) - parsed.rttMs, parsed.rttMs);
      case 'timeout':
        return this.ledger.heard(parsed.host, stamp(parsed.timestampMs) - this.deps.timeoutMs, null);
      case 'icmpError':
        return this.ledger.heard(parsed.host, stamp(parsed.timestampMs), null);
      case 'ignored':
        if (parsed.reason === 'blank') return;
        break;
      case 'garbage':
        break;
    }
    if (fromStderr) this.stderrTail.push(text);
    if (this.stderrTail.length > 10) this.stderrTail.shift();
    // Each distinct oddity once per process lifetime: enough to diagnose, never a log flood.
    if (this.reported.size < 50 && !this.reported.has(text)) {
      this.reported.add(text);
      this.deps.logger.warn({ shard: this.shard.id, pid: this.pid, line: text }, 'fping said');
    }
  }

  private died(child: ChildProcess | null, how: string): void {
    if (child !== this.child || this.stopped) return;
    this.child = null;
    clearTimeout(this.sweepTimer);
    // An 'error' can come from a live process (e.g. a failed signal): never leave it orphaned.
    if (child && !hasExited(child)) child.kill('SIGKILL');
    const uptimeMs = child ? Date.now() - this.startedAt : 0;
    this.failures = uptimeMs >= this.deps.stableAfterMs ? 1 : this.failures + 1;
    const delay = Math.min(this.deps.restartMaxMs, this.deps.restartBaseMs * 2 ** (this.failures - 1));
    this.deps.logger.warn(
      {
        shard: this.shard.id,
        pid: child?.pid,
        how,
        uptimeMs,
        failures: this.failures,
        restartInMs: delay,
        stderr: this.stderrTail.slice(),
      },
      'fping exited unexpectedly; restarting',
    );
    this.deps.onGap([...this.shard.hosts]);
    this.restartTimer = setTimeout(() => this.start(), delay);
  }
}
