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
// Silent probes: fping 5.1 in loop mode prints nothing when sendto() fails (local firewall drop,
// no route, unresolvable name). A host that has gone quiet for interval + timeout + grace is
// therefore counted lost once per interval, so a point cannot look frozen-up while unreachable.
//
// Exactly one result per probe: a result whose send instant is within half an interval of the last
// one accounted for that host is the same probe again (an ICMP error followed by fping's timeout
// line for the same echo, or a late line after a silence verdict) and is dropped. This also keeps
// results in order per host.
import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import type { Readable } from 'node:stream';
import type { Clock } from '../clock';
import { hasExited, killAndWait, spawnProbe } from './child';
import { LineSplitter, parseFpingLine } from './fping-parse';
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
  /** Extra wait beyond interval + timeout before a quiet host counts as lost. */
  silenceGraceMs: number;
  /** Time a fresh process gets (name resolution, first round) before silence counts. */
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
 * at most 20 ms later (the hub coalesces over 250 ms anyway). The pipe holds 64 KiB: ~1,000 lines.
 */
export const READ_BATCH_MS = 20;

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

interface HostState {
  /** Wall ms of the last probe accounted for (−∞ before the first). */
  lastSend: number;
  /** Wall ms after which silence means the next probe was lost. */
  deadline: number;
}

export class FpingProcess {
  private child: ChildProcess | null = null;
  private stopped = false;
  private failures = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /**
   * While fping's output is left to gather (READ_BATCH_MS). Never cleared early: the timer starts the
   * pipe again, so an exiting fping's last lines and its end of file are still read.
   */
  private readHold: NodeJS.Timeout | null = null;
  private readonly hosts = new Map<string, HostState>();
  private readonly stderrTail: string[] = [];
  private readonly reported = new Set<string>();

  constructor(
    readonly shard: Shard,
    private readonly deps: FpingProcessDeps,
  ) {}

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
    this.resetHosts();
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
      if (this.readHold === null && child === this.child) {
        this.readHold = holdReads(stdout, this.deps.readBatchMs ?? READ_BATCH_MS, () => (this.readHold = null));
      }
    });
    child.stderr?.on('data', (chunk: string) => err.push(chunk).forEach((l) => this.line(l, true)));
    const tick = Math.min(1000, Math.max(100, shard.intervalMs / 2));
    this.watchdog = setInterval(() => this.checkSilence(), tick);
    log.debug({ pid: child.pid, hosts: shard.hosts.length }, 'fping started');
  }

  /** Stops for good (no gap reported, no restart); resolves when the process has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdog);
    if (this.child) await killAndWait(this.child);
  }

  private resetHosts(): void {
    const gap = sendGapMs(this.shard.hosts.length, this.shard.intervalMs);
    const first = this.startedAt + this.deps.startupGraceMs + this.deps.timeoutMs;
    this.hosts.clear();
    this.shard.hosts.forEach((host, k) => {
      const deadline = first + k * gap + this.deps.silenceGraceMs;
      this.hosts.set(host, { lastSend: Number.NEGATIVE_INFINITY, deadline });
    });
  }

  private line(text: string, fromStderr: boolean): void {
    if (this.stopped) return;
    const parsed = parseFpingLine(text);
    switch (parsed.kind) {
      case 'reply':
        return this.account(parsed.host, stamp(parsed.timestampMs) - parsed.rttMs, parsed.rttMs);
      case 'timeout':
        return this.account(parsed.host, stamp(parsed.timestampMs) - this.deps.timeoutMs, null);
      case 'icmpError':
        return this.account(parsed.host, stamp(parsed.timestampMs), null);
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

  private account(host: string, sendWall: number, rtt: number | null): void {
    const state = this.hosts.get(host);
    if (!state) return;
    if (sendWall <= state.lastSend + this.shard.intervalMs / 2) return;
    state.lastSend = sendWall;
    state.deadline = sendWall + this.shard.intervalMs + this.deps.timeoutMs + this.deps.silenceGraceMs;
    const t = this.deps.clock.now() - Math.max(0, Date.now() - sendWall);
    this.deps.onResult({ host, t, rtt });
  }

  private checkSilence(): void {
    const now = Date.now();
    const wait = this.deps.timeoutMs + this.deps.silenceGraceMs;
    for (const [host, state] of this.hosts) {
      if (now <= state.deadline) continue;
      let send = Number.isFinite(state.lastSend) ? state.lastSend + this.shard.intervalMs : state.deadline - wait;
      // After a stall (suspend, event-loop freeze) count one loss, not every missed interval.
      if (now - wait - send > 3 * this.shard.intervalMs) send = now - wait;
      this.account(host, send, null);
    }
  }

  private died(child: ChildProcess | null, how: string): void {
    if (child !== this.child || this.stopped) return;
    this.child = null;
    clearInterval(this.watchdog);
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
