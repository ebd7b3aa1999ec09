// The SIP OPTIONS engine at 1 Hz over UDP against a real kamailio on loopback (tests/helpers/sip-peers.ts):
// the engine's CPU per 1,000 probes (this Node process only; kamailio's own CPU in the note) and the
// most targets it keeps up with. Targets are distinct jobs of one kamailio: the engine's work per
// probe does not depend on how many stacks answer.
import pino from 'pino';
import { systemClock } from '../../server/clock';
import type { ProbeJob } from '../../server/probe/kinds';
import { createSipEngine } from '../../server/probe/sip';
import type { Target } from '../../shared/schemas';
import { startKamailio, type SipPeer } from '../../tests/helpers/sip-peers';
import { descendants, procCpuMs } from '../lib/cpu';
import { climb, msPerThousand, pctOfCore as pct, type Ladder } from '../lib/ladder';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const INTERVAL = 1000;
const logger = pino({ level: 'silent' });

interface Step {
  n: number;
  results: number;
  up: number;
  cpuMs: number;
  peerCpuMs: number;
  seconds: number;
}

const nodeCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const treeCpuMs = (pid: number): number =>
  procCpuMs(pid) + descendants(pid).reduce((sum, d) => sum + procCpuMs(d.pid), 0);

async function step(k: SipPeer, n: number, warmS: number, measureS: number): Promise<Step> {
  let results = 0;
  let up = 0;
  const engine = createSipEngine({
    clock: systemClock,
    logger,
    onResult: (r) => {
      results++;
      if (r.code === 200) up++;
    },
  });
  const target: Target = { kind: 'sip', host: k.address, port: k.port, transport: 'udp', role: 'endpoint' };
  const jobs: ProbeJob[] = Array.from({ length: n }, (_, i) => ({
    id: `sip:bench-${i}`,
    target,
    intervalMs: INTERVAL,
    timeoutMs: INTERVAL,
  }));
  engine.setJobs(jobs);
  try {
    await new Promise((r) => setTimeout(r, warmS * 1000));
    const r0 = results;
    const u0 = up;
    const c0 = nodeCpuMs();
    const k0 = treeCpuMs(k.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, measureS * 1000));
    const seconds = (performance.now() - t0) / 1000;
    return {
      n,
      results: results - r0,
      up: up - u0,
      cpuMs: nodeCpuMs() - c0,
      peerCpuMs: treeCpuMs(k.pid) - k0,
      seconds,
    };
  } finally {
    await engine.close();
  }
}

/** Keeps up: ≥ 97 % of the expected results arrived, and ≥ 99 % of them were answers. */
const keepsUp = (s: Step): boolean => s.results >= 0.97 * s.n * s.seconds && s.up >= 0.99 * s.results;

export const sipProbePart: BenchPart = {
  name: 'probe-sip',
  description:
    'SIP OPTIONS engine (server/probe/sip) over UDP at 1 Hz against a real kamailio on loopback (4 UDP workers): CPU of the engine (this Node process) per 1,000 probes and the most targets it keeps up with (≥ 97 % of results, ≥ 99 % of them 200 OK).',
  async run(ctx: BenchContext): Promise<BenchResult[]> {
    const sizes = ctx.quick ? [500, 2000] : [1000, 2000, 5000, 10_000, 20_000];
    const warm = ctx.quick ? 3 : 5;
    const measure = ctx.quick ? 5 : 15;
    const k = await startKamailio({ children: 4 });
    let ladder: Ladder<Step>;
    try {
      ladder = await climb(
        sizes,
        (n) => step(k, n, warm, measure),
        keepsUp,
        (s, ok) =>
          ctx.log(
            `sip ${s.n}: ${Math.round(s.results / s.seconds)} results/s, ${Math.round(s.up / s.seconds)} up/s, ` +
              `engine ${pct(s.cpuMs, s.seconds)} % CPU, kamailio ${pct(s.peerCpuMs, s.seconds)} % CPU, ${ok ? 'keeps up' : 'falls behind'}`,
          ),
      );
    } finally {
      await k.stop();
    }
    const { best, failed, ref, perK } = ladder;
    return [
      {
        name: 'probe-sip: SIP OPTIONS engine (UDP), CPU per 1,000 probes',
        value: Math.round(msPerThousand(ref) * 10) / 10,
        unit: 'ms',
        note: `at ${ref.n.toLocaleString('en-US')} targets (ms per 1,000 by size: ${perK}); kamailio ${pct(ref.peerCpuMs, ref.seconds)} % CPU there`,
      },
      {
        name: 'probe-sip: SIP OPTIONS engine (UDP), targets sustained at 1 Hz',
        value: best?.n ?? 0,
        unit: 'targets',
        note: failed
          ? `falls behind at ${failed.n.toLocaleString('en-US')}: ${Math.round(failed.results / failed.seconds)} results/s, ${Math.round(failed.up / failed.seconds)} up/s, engine ${pct(failed.cpuMs, failed.seconds)} % CPU`
          : `largest size tried; engine ${pct(ref.cpuMs, ref.seconds)} % CPU there`,
      },
    ];
  },
};
