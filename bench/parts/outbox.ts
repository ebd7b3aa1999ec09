// The outbox part (issue 16, docs/AGENTS.md AG6): an agent's outbox filled with an hour of 1,000 ICMP
// points at 1 Hz (2 % failing with a reason and detail), one batch and one fsync per second as the agent
// does; bytes per result on disk and what 24 hours of it take against the default bound; the append,
// open (scan) and replay (peek + ack) rates; and the batch codec alone on 1,000-result batches, since
// the centre decodes 40 agents × 1,000 results/s.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import pino from 'pino';
import { decodeBatch, encodeBatch } from '../../server/agent/batch-codec';
import type { AgentBatch } from '../../server/agent/contract';
import { DEFAULT_OUTBOX_BYTES, Outbox } from '../../server/agent/outbox';
import type { TargetResult } from '../../server/probe/kinds';
import type { BenchPart, BenchResult } from '../lib/types';

const T0 = Date.parse('2026-12-04T08:00:00+07:00');
const POINTS = 1_000;
const DAY_RESULTS = POINTS * 86_400;
const logger = pino({ level: 'silent' });

/** One second of results: ICMP ids as an agent names them, RTTs to the microsecond, 2 % timeouts. */
function second(s: number, rand: () => number, failAll = false): TargetResult[] {
  const out: TargetResult[] = [];
  for (let i = 0; i < POINTS; i++) {
    const t = T0 + s * 1000 + Math.round(rand() * 1_000_000) / 1000;
    const target = `icmp:10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}@tram-thanh-hoa`;
    if (failAll || rand() < 0.02) out.push({ target, t, rtt: null, reason: 'timeout', detail: 'no answer in 1000 ms' });
    else out.push({ target, t, rtt: Math.round((2 + rand() * 80) * 1000) / 1000 });
  }
  return out;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const mib = (b: number): number => round(b / 1024 ** 2, 1);

export const outboxPart: BenchPart = {
  name: 'outbox',
  description:
    'Agent outbox: 1,000 ICMP points at 1 Hz for an hour (2 % failing), one batch and one fsync a second; bytes per result, 24 h against the default bound, append/open/replay rates; the batch codec on 1,000-result batches (the centre decodes 40 agents × 1,000 results/s).',
  async run(ctx) {
    const seconds = ctx.quick ? 300 : 3_600;
    const rand = seeded(7);
    const out: BenchResult[] = [];

    // ---- fill: one batch and one fsync per simulated second --------------------------------------
    const path = join(ctx.dir, 'ob');
    let ob = Outbox.open(path, { logger });
    let appendMs = 0;
    for (let s = 0; s < seconds; s++) {
      const batch = second(s, rand);
      const a = performance.now();
      ob.append(batch, T0 + s * 1000);
      ob.flush(T0 + s * 1000);
      ob.sync();
      appendMs += performance.now() - a;
    }
    const results = seconds * POINTS;
    const bytes = ob.stats().bytes;
    const perResult = bytes / results;
    ob.close(T0 + seconds * 1000);
    ctx.log(`${results.toLocaleString('en-US')} results, ${mib(bytes)} MiB on disk`);
    out.push(
      {
        name: 'outbox: bytes per result on disk',
        value: round(perResult),
        unit: 'B',
        note: `1,000 ICMP points, 1 s batches, 2 % failing; ${mib(bytes)} MiB for ${seconds} s`,
      },
      {
        name: 'outbox: 24 h of 1,000 points at 1 Hz',
        value: mib(perResult * DAY_RESULTS),
        unit: 'MiB',
        target: `≤ default bound ${mib(DEFAULT_OUTBOX_BYTES)} MiB`,
        ok: perResult * DAY_RESULTS <= DEFAULT_OUTBOX_BYTES,
        note: `the default holds ${round(DEFAULT_OUTBOX_BYTES / (perResult * POINTS) / 3600, 1)} h of it`,
      },
      {
        name: 'outbox: append (batch + fsync each second)',
        value: Math.round(results / (appendMs / 1000)),
        unit: 'results/s',
        note: `${round(appendMs / seconds, 3)} ms per 1,000-result second`,
      },
    );

    // Every probe failing (the heaviest plain form: reason and detail on each result).
    {
      const failPath = join(ctx.dir, 'fail');
      const f = Outbox.open(failPath, { logger });
      const n = 60;
      for (let s = 0; s < n; s++) {
        f.append(second(s, rand, true), T0 + s * 1000);
        f.flush(T0 + s * 1000);
      }
      const failBytes = f.stats().bytes / (n * POINTS);
      f.close(T0 + n * 1000);
      out.push({
        name: 'outbox: bytes per result, every probe failing',
        value: round(failBytes),
        unit: 'B',
        target: `24 h ≤ default bound`,
        ok: failBytes * DAY_RESULTS <= DEFAULT_OUTBOX_BYTES,
        note: `24 h: ${mib(failBytes * DAY_RESULTS)} MiB`,
      });
    }

    // ---- open (scan with CRC) and replay (peek + ack) ---------------------------------------------
    let a = performance.now();
    ob = Outbox.open(path, { logger });
    const openMs = performance.now() - a;
    out.push({
      name: 'outbox: open (read and CRC-check every record)',
      value: Math.round(openMs),
      unit: 'ms',
      note: `${mib(bytes)} MiB: ${Math.round(bytes / 1024 ** 2 / (openMs / 1000))} MiB/s`,
    });
    a = performance.now();
    let replayed = 0;
    for (;;) {
      const batches = ob.peek(20, T0 + 10_000_000);
      if (batches.length === 0) break;
      for (const b of batches) replayed += b.results.length;
      ob.ack(batches.at(-1)!.seq);
    }
    const replayMs = performance.now() - a;
    ob.close(T0 + 10_000_000);
    out.push({
      name: 'outbox: replay (peek decoded + ack)',
      value: Math.round(replayed / (replayMs / 1000)),
      unit: 'results/s',
      note: `${replayed.toLocaleString('en-US')} results in ${Math.round(replayMs)} ms; a day of 1,000 points replays in ${Math.round(DAY_RESULTS / (replayed / (replayMs / 1000)))} s`,
    });

    // ---- the codec alone on 1,000-result batches ----------------------------------------------------
    const rounds = ctx.quick ? 500 : 3_000;
    const batches: AgentBatch[] = Array.from({ length: 50 }, (_, k) => ({
      seq: k + 1,
      sentAt: T0 + k * 1000,
      outboxDepth: 0,
      results: second(k, rand),
    }));
    const bufs = batches.map((b) => encodeBatch(b));
    for (let k = 0; k < 50; k++) decodeBatch(bufs[k]!); // warm-up
    a = performance.now();
    for (let k = 0; k < rounds; k++) encodeBatch(batches[k % 50]!);
    const encMs = performance.now() - a;
    a = performance.now();
    const cpu = process.cpuUsage();
    let refused = 0;
    for (let k = 0; k < rounds; k++) if (!decodeBatch(bufs[k % 50]!).ok) refused++;
    const decMs = performance.now() - a;
    const decCpu = process.cpuUsage(cpu);
    const decCpuMs = (decCpu.user + decCpu.system) / 1000;
    const decRate = (rounds * POINTS) / (decMs / 1000);
    const wire = bufs.reduce((n, b) => n + b.length, 0) / bufs.length;
    out.push(
      {
        name: 'codec: encode 1,000-result batches',
        value: Math.round((rounds * POINTS) / (encMs / 1000)),
        unit: 'results/s',
        note: `${round(encMs / rounds, 3)} ms a batch; ${round(wire / 1024, 1)} KiB on the wire (${round(wire / POINTS, 2)} B a result)`,
      },
      {
        name: 'codec: decode 1,000-result batches',
        value: Math.round(decRate),
        unit: 'results/s',
        note: `${round(decMs / rounds, 3)} ms a batch${refused > 0 ? `; ${refused} refused (bug)` : ''}`,
      },
      {
        name: 'codec: decode CPU at 40 agents × 1,000 results/s',
        value: round(((decCpuMs / (rounds * POINTS)) * 40_000 * 100) / 1000, 2),
        unit: '% of a core',
        target: '< 10 %',
        ok: ((decCpuMs / (rounds * POINTS)) * 40_000) / 1000 < 0.1 && refused === 0,
      },
    );
    return out;
  },
};
