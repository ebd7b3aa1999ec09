// The engine of the codec kinds (videoos, roomos) behind the probe router. Codec APIs are slow and
// rate-limited, so each codec is asked at most every `minIntervalMs` whatever the schedule's cadence
// (a live session's 1 s would be 2–4 requests a second per codec), one request chain at a time, the
// codecs' first polls spread over that interval so a province's codecs are not all asked in the same
// instant. A codec that answers is up with its call status; not being in a call is not a failure.
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import type { Target } from '../../../shared/schemas';
import { isCodecKind, type CodecKind } from '../../../shared/targets';
import type { KindEngine, KindEngineOptions, ProbeJob, TargetResult } from '../kinds';
import { resolveSecret } from '../secrets';
import { createRoomOsAdapter } from './roomos';
import type { CodecAdapter, CodecOutcome } from './session';
import { createVideoOsAdapter } from './videoos';

export interface CodecTuning {
  /** A codec is asked at most this often (default 5 s). */
  minIntervalMs?: number;
  /** The whole chain of one poll: login if due, status, calls, statistics (default 4 s). */
  pollTimeoutMs?: number;
  /** First back-off after refused credentials (default 60 s), doubling up to authBackoffMaxMs (10 min). */
  authBackoffMs?: number;
  authBackoffMaxMs?: number;
}

type CodecTarget = Extract<Target, { kind: CodecKind }>;

interface Codec {
  job: ProbeJob & { target: CodecTarget };
  /** The target's configuration as set: a change of host, user or password reference starts a new session. */
  config: string;
  adapter: CodecAdapter;
  timer: NodeJS.Timeout | undefined;
  running: Promise<TargetResult> | undefined;
  /** performance.now() of the last poll's start. */
  lastStart: number;
}

const isCodecJob = (job: ProbeJob): job is ProbeJob & { target: CodecTarget } => isCodecKind(job.target.kind);

/** Where in [0, 1) a codec's first poll falls within the spread: stable per target id. */
const phaseOf = (id: string): number => createHash('sha1').update(id).digest().readUInt32BE(0) / 2 ** 32;

export class CodecEngine implements KindEngine {
  readonly kinds = ['videoos', 'roomos'] as const;
  private readonly codecs = new Map<string, Codec>();
  private readonly closing = new Set<Promise<unknown>>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private readonly minIntervalMs: number;
  private readonly pollTimeoutMs: number;
  private closed = false;

  constructor(private readonly opts: KindEngineOptions & { tuning?: CodecTuning }) {
    this.minIntervalMs = Math.max(100, opts.tuning?.minIntervalMs ?? 5_000);
    this.pollTimeoutMs = Math.max(100, opts.tuning?.pollTimeoutMs ?? 4_000);
  }

  setJobs(jobs: readonly ProbeJob[]): void {
    if (this.closed) return;
    const wanted = new Map<string, ProbeJob & { target: CodecTarget }>();
    for (const job of jobs) {
      if (isCodecJob(job)) wanted.set(job.id, job);
      else this.opts.logger.error({ target: job.id, kind: job.target.kind }, 'codec engine given a non-codec target');
    }
    for (const [id, c] of this.codecs) {
      const next = wanted.get(id);
      if (next && JSON.stringify(next.target) === c.config) continue;
      this.drop(id, c);
    }
    for (const [id, job] of wanted) {
      const c = this.codecs.get(id);
      if (c) {
        const periodChanged = this.period(c.job) !== this.period(job);
        c.job = job;
        if (periodChanged && !c.running)
          this.schedule(c, Math.max(0, c.lastStart + this.period(job) - performance.now()));
        continue;
      }
      const fresh: Codec = {
        job,
        config: JSON.stringify(job.target),
        adapter: this.adapterFor(job.target),
        timer: undefined,
        running: undefined,
        lastStart: Number.NEGATIVE_INFINITY,
      };
      this.codecs.set(id, fresh);
      this.schedule(fresh, phaseOf(id) * Math.min(this.period(job), this.minIntervalMs));
    }
  }

  async probeOnce(job: ProbeJob): Promise<TargetResult> {
    const t = this.opts.clock.now();
    if (!isCodecJob(job)) return { target: job.id, t, rtt: null, reason: 'error', detail: 'not a codec target' };
    const c = this.codecs.get(job.id);
    if (c && c.config === JSON.stringify(job.target)) return this.run(c);
    // Not scheduled: a session of its own for this one poll, ended at once.
    const temp: Codec = {
      job,
      config: '',
      adapter: this.adapterFor(job.target),
      timer: undefined,
      running: undefined,
      lastStart: Number.NEGATIVE_INFINITY,
    };
    try {
      return await this.run(temp);
    } finally {
      await temp.adapter.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, c] of this.codecs) this.drop(id, c);
    for (const [t, wake] of this.sleeps) {
      clearTimeout(t);
      wake();
    }
    this.sleeps.clear();
    await Promise.allSettled(this.closing);
  }

  private period(job: ProbeJob): number {
    return Math.max(job.intervalMs, this.minIntervalMs);
  }

  private adapterFor(target: CodecTarget): CodecAdapter {
    const opts = {
      clock: this.opts.clock,
      logger: this.opts.logger,
      authBackoffMs: this.opts.tuning?.authBackoffMs,
      authBackoffMaxMs: this.opts.tuning?.authBackoffMaxMs,
    };
    return target.kind === 'videoos' ? createVideoOsAdapter(target, opts) : createRoomOsAdapter(target, opts);
  }

  private drop(id: string, c: Codec): void {
    clearTimeout(c.timer);
    c.timer = undefined;
    this.codecs.delete(id);
    // Logs out after the poll in flight, so the session it uses is not pulled from under it.
    const done = Promise.resolve(c.running)
      .then(() => c.adapter.close())
      .finally(() => this.closing.delete(done));
    this.closing.add(done);
  }

  private schedule(c: Codec, delayMs: number): void {
    clearTimeout(c.timer);
    c.timer = setTimeout(() => {
      c.timer = undefined;
      if (this.codecs.get(c.job.id) !== c) return;
      void this.run(c).then((r) => {
        if (this.codecs.get(c.job.id) !== c) return;
        this.opts.onResult(r);
        this.schedule(c, Math.max(0, c.lastStart + this.period(c.job) - performance.now()));
      });
    }, delayMs);
  }

  /** One poll of the codec; joins the one in flight, waits out the minimum interval. Never rejects. */
  private run(c: Codec): Promise<TargetResult> {
    if (c.running) return c.running;
    const p = (async (): Promise<TargetResult> => {
      const wait = c.lastStart + this.minIntervalMs - performance.now();
      if (wait > 0) await this.sleep(wait);
      c.lastStart = performance.now();
      const t = this.opts.clock.now();
      const target = c.job.target;
      const password = (): Promise<string> =>
        this.opts.secret ? this.opts.secret(target) : resolveSecret(target.password);
      try {
        return resultOf(c.job.id, t, await c.adapter.poll(password, this.pollTimeoutMs));
      } catch (err) {
        return { target: c.job.id, t, rtt: null, reason: 'error', detail: (err as Error).message };
      }
    })().finally(() => {
      c.running = undefined;
    });
    c.running = p;
    return p;
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.sleeps.delete(t);
        resolve();
      }, ms);
      this.sleeps.set(t, resolve);
    });
  }
}

function resultOf(target: string, t: number, o: CodecOutcome): TargetResult {
  if (o.ok) return { target, t, rtt: Math.round(o.rtt * 100) / 100, call: o.call };
  return {
    target,
    t,
    rtt: null,
    reason: o.reason,
    detail: o.detail,
    ...(o.code === undefined ? {} : { code: o.code }),
  };
}
