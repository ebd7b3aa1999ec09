// The probe router (docs/TARGETS.md TG2–TG4): between the scheduler and the engines. It splits the
// plan by target kind and hands each kind's engine the whole set of its jobs; fping stays the ICMP
// engine (hosts in, results mapped back to target ids). Engines are created when their first target
// appears and closed when their last one goes. One engine's failure is logged and contained: it never
// stops another kind's probing, and a throwing engine's targets go unknown (a gap), never down.
import type { Logger } from 'pino';
import type { Target } from '../../shared/schemas';
import { targetId, type TargetKind } from '../../shared/targets';
import type { Clock } from '../clock';
import type { PlannedTarget } from '../schedule/scheduler';
import { defaultTimeoutMs, type KindEngine, type KindEngineOptions, type ProbeJob, type TargetResult } from './kinds';
import type { EngineOptions, ProbeEngine } from './types';

export type IcmpEngineFactory = (opts: EngineOptions) => ProbeEngine;
export type KindEngineFactory = (opts: KindEngineOptions) => KindEngine;

export interface ProbeRouterOptions {
  clock: Clock;
  logger: Logger;
  onResult(r: TargetResult): void;
  /** These targets can no longer be vouched for (an engine died or failed): unknown until results flow. */
  onGap(targets: string[]): void;
  /** The ICMP engine (fping, or the portable ping engine). */
  icmp: IcmpEngineFactory;
  /** The other kinds' engines, by kind; a kind without an engine has its targets shown unknown. */
  engines?: Partial<Record<Exclude<TargetKind, 'icmp'>, KindEngineFactory>>;
  /** Resolves codec passwords (server/probe/secrets.ts). */
  secret?: KindEngineOptions['secret'];
}

interface Running {
  engine: KindEngine;
  ids: Set<string>;
}

export class ProbeRouter {
  /** The ICMP engine (fping shards, or ping), created at once as before the router: its name is known. */
  readonly icmp: ProbeEngine;
  /** ICMP host as given to the engine → target id. */
  private icmpIds = new Map<string, string>();
  private readonly running = new Map<KindEngineFactory, Running>();
  /** Engines for one-off probes ("test now"), created on first use and kept. */
  private readonly oneOff = new Map<KindEngineFactory, KindEngine>();

  constructor(private readonly o: ProbeRouterOptions) {
    this.icmp = o.icmp({
      clock: o.clock,
      logger: o.logger,
      onResult: (r) => {
        const id = this.icmpIds.get(r.host);
        if (id !== undefined)
          o.onResult({ target: id, t: r.t, rtt: r.rtt, ...(r.rtt === null ? { reason: 'timeout' } : {}) });
      },
      onGap: (hosts) => o.onGap(hosts.flatMap((h) => this.icmpIds.get(h) ?? [])),
    });
  }

  /** Replaces the whole plan; each engine gets its own kind's jobs (the empty set once its last goes). */
  setPlan(plan: readonly PlannedTarget[]): void {
    const icmpTargets: { host: string; intervalMs: number }[] = [];
    const ids = new Map<string, string>();
    const byFactory = new Map<KindEngineFactory, ProbeJob[]>();
    const orphans: string[] = [];
    for (const p of plan) {
      if (p.target.kind === 'icmp') {
        icmpTargets.push({ host: p.target.host, intervalMs: p.intervalMs });
        ids.set(p.target.host, p.id);
        continue;
      }
      const factory = this.o.engines?.[p.target.kind];
      if (!factory) {
        orphans.push(p.id);
        continue;
      }
      let jobs = byFactory.get(factory);
      if (!jobs) byFactory.set(factory, (jobs = []));
      jobs.push(job(p));
    }
    this.icmpIds = ids;
    try {
      this.icmp.setTargets(icmpTargets);
    } catch (err) {
      this.o.logger.error({ err }, 'the ICMP engine refused its targets');
      this.o.onGap([...ids.values()]);
    }
    for (const [factory, jobs] of byFactory) this.deliver(factory, jobs);
    // Kinds whose last target went: their engines are closed.
    for (const [factory, r] of this.running) {
      if (byFactory.has(factory)) continue;
      this.running.delete(factory);
      r.engine.close().catch((err: unknown) => this.o.logger.warn({ err }, 'closing a probe engine failed'));
    }
    if (orphans.length > 0) {
      this.o.logger.warn({ targets: orphans.length }, 'no engine for some target kinds: shown unknown');
      this.o.onGap(orphans);
    }
  }

  /** [TG4] One probe of this target now, by its own kind's engine; never rejects. */
  async probeOnce(target: Target, timeoutMs = 1_000): Promise<TargetResult> {
    const id = targetId(target);
    const t = this.o.clock.now();
    if (target.kind === 'icmp') {
      try {
        const r = await this.icmp.probeOnce(target.host, timeoutMs);
        return { target: id, t: r.t, rtt: r.rtt, ...(r.rtt === null ? { reason: 'timeout' as const } : {}) };
      } catch (err) {
        return { target: id, t, rtt: null, reason: 'error', detail: errText(err) };
      }
    }
    const factory = this.o.engines?.[target.kind];
    if (!factory) return { target: id, t, rtt: null, reason: 'error', detail: `no engine for ${target.kind}` };
    try {
      let engine = this.oneOff.get(factory);
      if (!engine) this.oneOff.set(factory, (engine = factory(this.engineOptions(() => undefined))));
      return await engine.probeOnce({ id, target, intervalMs: timeoutMs, timeoutMs });
    } catch (err) {
      return { target: id, t, rtt: null, reason: 'error', detail: errText(err) };
    }
  }

  async close(): Promise<void> {
    const all: Promise<void>[] = [this.icmp.close()];
    for (const r of this.running.values()) all.push(r.engine.close());
    for (const e of this.oneOff.values()) all.push(e.close());
    this.running.clear();
    this.oneOff.clear();
    const settled = await Promise.allSettled(all);
    for (const s of settled)
      if (s.status === 'rejected') this.o.logger.warn({ err: s.reason }, 'closing a probe engine failed');
  }

  private deliver(factory: KindEngineFactory, jobs: ProbeJob[]): void {
    let r = this.running.get(factory);
    try {
      if (!r) {
        r = { engine: factory(this.engineOptions((res) => this.fromEngine(factory, res))), ids: new Set() };
        this.running.set(factory, r);
      }
      r.ids = new Set(jobs.map((j) => j.id));
      r.engine.setJobs(jobs);
    } catch (err) {
      // A failing engine's targets are unknown; the other kinds go on.
      this.o.logger.error({ err, kinds: jobs[0]?.target.kind }, 'a probe engine failed: its targets are unknown');
      this.o.onGap(jobs.map((j) => j.id));
    }
  }

  /** Results of targets no longer assigned to that engine (a late reply after a re-plan) are dropped. */
  private fromEngine(factory: KindEngineFactory, res: TargetResult): void {
    if (!this.running.get(factory)?.ids.has(res.target)) return;
    this.o.onResult(res);
  }

  private engineOptions(onResult: (r: TargetResult) => void): KindEngineOptions {
    const opts: KindEngineOptions = {
      clock: this.o.clock,
      logger: this.o.logger,
      onResult,
      onGap: (targets) => this.o.onGap(targets),
    };
    if (this.o.secret) opts.secret = this.o.secret;
    return opts;
  }
}

function job(p: PlannedTarget): ProbeJob {
  return { id: p.id, target: p.target, intervalMs: p.intervalMs, timeoutMs: defaultTimeoutMs(p.intervalMs) };
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
