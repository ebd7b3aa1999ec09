// The Linux engine: targets grouped by interval and sharded over long-lived `fping -l` processes
// (see shard-plan.ts and fping-process.ts). ~21 µs CPU per probe against ~3 ms for the `ping`
// package, so this one carries a province at 1 Hz.
import type { ChildProcess } from 'node:child_process';
import { hostProblem } from '../../shared/host';
import { hasExited, killAndWait, spawnProbe } from './child';
import { LineSplitter, parseFpingLine } from './fping-parse';
import { FpingProcess, type FpingProcessDeps } from './fping-process';
import { planShards, sameShard, type Shard, type ShardPlanOptions } from './shard-plan';
import type { EngineOptions, ProbeEngine, ProbeResult, ProbeTarget } from './types';

export interface FpingTuning extends ShardPlanOptions {
  /** The fping executable (default "fping", looked up on PATH). */
  fpingPath?: string;
  /** First restart delay after a crash (default 250 ms; doubles while it keeps crashing). */
  restartBaseMs?: number;
  /** Longest restart delay (default 30 s). */
  restartMaxMs?: number;
  /** Uptime after which a crash counts as a first crash again (default 10 s). */
  stableAfterMs?: number;
  /**
   * Wait beyond a probe's timeout before the engine reports it lost itself, for the probes fping says
   * nothing about (failed sends) or says it late (default 100 ms; docs/SPEC.md PR1).
   */
  lossGraceMs?: number;
  /** Time a fresh process gets (name resolution) before a probe counts lost (default 2 s). */
  startupGraceMs?: number;
  /** Pause between reads of fping's output (default READ_BATCH_MS in fping-process.ts; 0: eager). */
  readBatchMs?: number;
}

export type FpingEngineOptions = EngineOptions & FpingTuning;

/**
 * Covers a read batch (READ_BATCH_MS) and the scheduling jitter of fping and of Node; small against
 * the timeout, so a lost probe is known about timeout + 0.1 s after it was sent.
 */
export const DEFAULT_LOSS_GRACE_MS = 100;

export interface ShardInfo {
  id: string;
  intervalMs: number;
  hosts: readonly string[];
  /** Pid of the running fping, undefined while it is (re)starting. */
  pid: number | undefined;
}

/** Keeps only targets that can safely become fping input: the last line of defence. */
export function usableTargets(
  targets: readonly ProbeTarget[],
  refuse: (t: ProbeTarget, why: string) => void,
): ProbeTarget[] {
  const ok: ProbeTarget[] = [];
  for (const t of targets) {
    const problem = typeof t.host === 'string' ? hostProblem(t.host) : 'host is not a string';
    if (problem) refuse(t, problem);
    else if (!Number.isFinite(t.intervalMs) || t.intervalMs < 10) refuse(t, 'interval < 10 ms');
    else ok.push({ host: t.host, intervalMs: Math.round(t.intervalMs) });
  }
  return ok;
}

/**
 * The -t fping gets. A timeout reaching the next send lets the next probe's reply be printed
 * before this probe's "timed out" (seen with -t = -p), so results would leave send order; keep
 * the verdict a little ahead of the next send.
 */
export function fpingTimeout(intervalMs: number, requestedMs?: number): number {
  const wanted = requestedMs ?? Math.min(intervalMs, 1000);
  const margin = Math.max(5, Math.round(intervalMs * 0.25)); // fping 5.1: a later send corrupts its timeout queue
  return Math.max(1, Math.round(Math.min(wanted, intervalMs - margin)));
}

export class FpingEngine implements ProbeEngine {
  readonly name = 'fping' as const;
  private shards: Shard[] = [];
  private readonly procs = new Map<string, FpingProcess>();
  private readonly exiting = new Set<Promise<void>>();
  private readonly oneShots = new Set<ChildProcess>();
  private closed = false;
  private lastId = 0;

  constructor(private readonly opts: FpingEngineOptions) {}

  setTargets(targets: readonly ProbeTarget[]): void {
    if (this.closed) return;
    const usable = usableTargets(targets, (t, why) =>
      this.opts.logger.error({ host: String(t.host), why }, 'probe target refused'),
    );
    const next = planShards(this.shards, usable, () => `fp${++this.lastId}`, this.opts);
    const nextById = new Map(next.map((s) => [s.id, s]));
    for (const old of this.shards) {
      const now = nextById.get(old.id);
      if (now && sameShard(old, now)) continue;
      this.retire(old.id);
    }
    for (const shard of next) {
      if (this.procs.has(shard.id)) continue;
      const proc = new FpingProcess(shard, this.processDeps(shard));
      this.procs.set(shard.id, proc);
      proc.start();
    }
    this.shards = next;
  }

  /** What runs now; for tests, diagnostics and the health page. */
  shardInfo(): ShardInfo[] {
    return this.shards.map((s) => ({
      id: s.id,
      intervalMs: s.intervalMs,
      hosts: s.hosts,
      pid: this.procs.get(s.id)?.pid,
    }));
  }

  probeOnce(host: string, timeoutMs?: number): Promise<ProbeResult> {
    const problem = hostProblem(host);
    if (problem) return Promise.reject(new Error(`probe host refused: ${problem}`));
    if (this.closed) return Promise.reject(new Error('probe engine is closed'));
    const timeout = Math.max(1, Math.round(timeoutMs ?? this.opts.timeoutMs ?? 1000));
    const args = ['-c', '1', '-r', '0', '-D', '-t', String(timeout), '-f', '-'];
    const sentAt = this.opts.clock.now();
    const child = spawnProbe(this.opts.fpingPath ?? 'fping', args);
    this.oneShots.add(child);
    return new Promise((resolve, reject) => {
      let result: ProbeResult = { host, t: sentAt, rtt: null };
      const out = new LineSplitter();
      // Name resolution is outside fping's -t: bound the whole run.
      const guard = setTimeout(() => child.kill('SIGKILL'), timeout + 5000);
      child.stdin?.on('error', () => {});
      child.stdin?.end(host + '\n');
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        for (const line of out.push(chunk)) {
          const p = parseFpingLine(line);
          if (p.kind !== 'reply' || p.host !== host || p.rttMs > timeout) continue;
          const sendWall = (p.timestampMs ?? Date.now()) - p.rttMs;
          const t = this.opts.clock.now() - Math.max(0, Date.now() - sendWall);
          result = { host, t, rtt: p.rttMs };
        }
      });
      child.stderr?.resume();
      child.on('error', (err) => {
        clearTimeout(guard);
        this.oneShots.delete(child);
        reject(err);
      });
      child.on('close', () => {
        clearTimeout(guard);
        this.oneShots.delete(child);
        resolve(result);
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.procs.keys()) this.retire(id); // deleting while iterating a Map is safe
    this.shards = [];
    const oneShots = [...this.oneShots].filter((c) => !hasExited(c)).map((c) => killAndWait(c));
    await Promise.all([...this.exiting, ...oneShots]);
  }

  private retire(id: string): void {
    const proc = this.procs.get(id);
    if (!proc) return;
    this.procs.delete(id);
    const done = proc.stop().finally(() => this.exiting.delete(done));
    this.exiting.add(done);
  }

  private processDeps(shard: Shard): FpingProcessDeps {
    const o = this.opts;
    return {
      fpingPath: o.fpingPath ?? 'fping',
      clock: o.clock,
      logger: o.logger,
      onResult: o.onResult,
      onGap: o.onGap ?? (() => {}),
      timeoutMs: fpingTimeout(shard.intervalMs, o.timeoutMs),
      restartBaseMs: o.restartBaseMs ?? 250,
      restartMaxMs: o.restartMaxMs ?? 30_000,
      stableAfterMs: o.stableAfterMs ?? 10_000,
      lossGraceMs: o.lossGraceMs ?? DEFAULT_LOSS_GRACE_MS,
      startupGraceMs: o.startupGraceMs ?? 2000,
      readBatchMs: o.readBatchMs,
    };
  }
}

export function createFpingEngine(opts: FpingEngineOptions): FpingEngine {
  return new FpingEngine(opts);
}
