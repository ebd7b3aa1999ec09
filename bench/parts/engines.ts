// Probe engines side by side: the `ping`-package engine (one ping process per probe), the fping engine
// (long-lived `fping -l` shards parsed in Node) and bare `fping -l` with the same command lines and
// nothing parsing its output (the floor). Each steps up the number of loopback targets at 1 Hz until
// results fall behind or replies go missing (loopback loses nothing when the prober keeps up).
import { spawn, type ChildProcess } from 'node:child_process';
import pino from 'pino';
import { systemClock } from '../../server/clock';
import { createFpingEngine, createPingEngine, fpingLoopArgs, fpingTimeout, planShards } from '../../server/probe';
import type { ProbeEngine, ProbeTarget } from '../../server/probe/types';
import { childPids, procCpuMs, reapedChildrenMs } from '../lib/cpu';
import { loopbackHost } from '../lib/province';
import { climb, msPerThousand, pctOfCore } from '../lib/ladder';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const INTERVAL = 1000;
const logger = pino({ level: 'silent' });

interface Step {
  n: number;
  results: number;
  replies: number;
  cpuMs: number;
  seconds: number;
}

interface Runner {
  /** Starts probing n targets; counts every result and reply through `count`. */
  start(hosts: string[], count: (reply: boolean) => void): void;
  stop(): Promise<void>;
}

function totalCpuMs(): number {
  const u = process.cpuUsage();
  const live = childPids().reduce((sum, p) => sum + procCpuMs(p), 0);
  return (u.user + u.system) / 1000 + reapedChildrenMs() + live;
}

function engineRunner(make: (onResult: (rtt: number | null) => void) => ProbeEngine): Runner {
  let engine: ProbeEngine | null = null;
  return {
    start(hosts, count) {
      engine = make((rtt) => count(rtt !== null));
      engine.setTargets(hosts.map((host): ProbeTarget => ({ host, intervalMs: INTERVAL })));
    },
    async stop() {
      await engine?.close();
    },
  };
}

/** The fping engine's own shards and arguments; stdout is only counted in lines, never parsed. */
function bareRunner(): Runner {
  let children: ChildProcess[] = [];
  return {
    start(hosts, count) {
      let id = 0;
      const shards = planShards(
        [],
        hosts.map((host) => ({ host, intervalMs: INTERVAL })),
        () => `b${id++}`,
      );
      for (const shard of shards) {
        const child = spawn('fping', fpingLoopArgs(shard, fpingTimeout(INTERVAL)), {
          stdio: ['pipe', 'pipe', 'ignore'],
        });
        child.stdin!.end(`${shard.hosts.join('\n')}\n`);
        child.stdout!.on('data', (b: Buffer) => {
          for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) count(true);
        });
        children.push(child);
      }
    },
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.kill('SIGTERM');
            }),
        ),
      );
      children = [];
    },
  };
}

async function step(runner: Runner, n: number, warmS: number, measureS: number): Promise<Step> {
  const hosts = Array.from({ length: n }, (_, i) => loopbackHost(i, 100));
  let results = 0;
  let replies = 0;
  runner.start(hosts, (reply) => {
    results++;
    if (reply) replies++;
  });
  try {
    await new Promise((r) => setTimeout(r, warmS * 1000));
    const r0 = results;
    const p0 = replies;
    const c0 = totalCpuMs();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, measureS * 1000));
    const c1 = totalCpuMs();
    const seconds = (performance.now() - t0) / 1000;
    return { n, results: results - r0, replies: replies - p0, cpuMs: c1 - c0, seconds };
  } finally {
    await runner.stop();
  }
}

/** Keeps up: ≥ 97 % of the expected results arrived, and ≥ 99 % of them were replies. */
const keepsUp = (s: Step): boolean => s.results >= 0.97 * s.n * s.seconds && s.replies >= 0.99 * s.results;

async function ladder(ctx: BenchContext, label: string, make: () => Runner, sizes: number[]): Promise<BenchResult[]> {
  const warm = ctx.quick ? 3 : 5;
  const measure = ctx.quick ? 5 : 15;
  const { best, failed, ref, perK } = await climb(
    sizes,
    (n) => step(make(), n, warm, measure),
    keepsUp,
    (s, ok) =>
      ctx.log(
        `${label} ${s.n}: ${Math.round(s.results / s.seconds)} results/s, ${Math.round(s.replies / s.seconds)} replies/s, ` +
          `${Math.round(s.cpuMs / s.seconds / 10)} % CPU, ${ok ? 'keeps up' : 'falls behind'}`,
      ),
  );
  return [
    {
      name: `engines: ${label}, CPU per 1,000 probes`,
      value: Math.round(msPerThousand(ref) * 10) / 10,
      unit: 'ms',
      note: `at ${ref.n.toLocaleString('en-US')} targets (ms per 1,000 by size: ${perK})`,
    },
    {
      name: `engines: ${label}, targets sustained at 1 Hz`,
      value: best?.n ?? 0,
      unit: 'targets',
      note: failed
        ? `falls behind at ${failed.n.toLocaleString('en-US')}: ${Math.round(failed.results / failed.seconds)} results/s, ${pctOfCore(failed.cpuMs, failed.seconds)} % CPU`
        : `largest size tried (${sizes.length} steps); ${pctOfCore(ref.cpuMs, ref.seconds)} % CPU there`,
    },
  ];
}

export const enginesPart: BenchPart = {
  name: 'engines',
  description:
    'Probe engines at 1 Hz on loopback targets, CPU (Node + child processes, from /proc) per 1,000 probes and the most targets each keeps up with: the `ping`-package engine, the fping engine, bare `fping -l` (same shards, output not parsed).',
  async run(ctx) {
    const quick = ctx.quick;
    const clock = systemClock;
    return [
      ...(await ladder(
        ctx,
        'ping package',
        () => engineRunner((on) => createPingEngine({ clock, logger, onResult: (r) => on(r.rtt) })),
        quick ? [50, 200] : [50, 100, 200, 400, 800, 1600],
      )),
      ...(await ladder(
        ctx,
        'fping engine',
        () => engineRunner((on) => createFpingEngine({ clock, logger, onResult: (r) => on(r.rtt) })),
        quick ? [1000, 5000] : [1000, 5000, 10_000, 20_000, 40_000],
      )),
      ...(await ladder(ctx, 'bare fping -l', bareRunner, quick ? [1000, 5000] : [1000, 5000, 10_000, 20_000, 40_000])),
    ];
  },
};
