// The agents' results path to the monitor (docs/AGENTS.md AG9): 40 agents × 1,000 results a second,
// each agent a batch a second. (1) Through `serve`'s monitor process: the server's RemoteMonitor posts
// the batches over IPC (structured clone), the monitor process ingests them (dedupe, board, rollups):
// CPU of each side. (2) Over the cluster's command stream: msgpack + XADD on the edge, XREAD + decode
// on the lease holder (both in this process here): CPU and bytes per result.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import pino from 'pino';
import type { Point, Unit } from '../../shared/schemas';
import { targetId } from '../../shared/targets';
import type { AgentContact, AgentIngest } from '../../server/agent/contract';
import { systemClock } from '../../server/clock';
import { CommandReader, sendToMonitor } from '../../server/cluster/commands';
import { closeRedis } from '../../server/cluster/redis';
import { Inventory } from '../../server/inventory/inventory';
import { RemoteMonitor } from '../../server/pipeline/remote';
import { openStore } from '../../server/store/open';
import { dropCluster, ensureRedis, sharedClient, testCluster } from '../../tests/helpers/redis';
import { procCpuMs } from '../lib/cpu';
import { liveMeeting, syntheticProvince } from '../lib/province';
import type { BenchPart, BenchResult } from '../lib/types';

const AGENTS = 40;
const contact: AgentContact = {
  connected: true,
  instance: 'bench',
  version: 'bench',
  outboxDepth: 0,
  clockOffsetMs: 0,
  clockFlagged: false,
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `perAgent` points per agent, each commune unit assigned to agent `a<k>`. */
function province(perAgent: number): { units: Unit[]; points: Point[]; byAgent: string[][] } {
  const { units, points } = syntheticProvince(AGENTS * perAgent, 24);
  const byAgent: string[][] = Array.from({ length: AGENTS }, () => []);
  const agentOf = new Map<string, string>();
  points.forEach((p, i) => {
    const k = i % AGENTS;
    agentOf.set(p.unit, `a${k}`);
    byAgent[k]!.push(targetId(p.targets[0]!));
  });
  return { units: units.map((u) => (agentOf.has(u.id) ? { ...u, agent: agentOf.get(u.id)! } : u)), points, byAgent };
}

/** One second's batches of every agent at `t`: ~2 % lost, RTT 5–30 ms. */
function second(byAgent: string[][], t: number): AgentIngest[] {
  return byAgent.map((targets, k) => ({
    agent: `a${k}`,
    contact,
    results: targets.map((target, i) => {
      const lost = (i * 7 + t / 1000) % 50 === 0;
      return lost
        ? { target, t: t + i, rtt: null, reason: 'timeout' as const }
        : { target, t: t + i, rtt: 5 + (i % 25) };
    }),
  }));
}

export const agentsPart: BenchPart = {
  name: 'agents',
  description: '40 agents × 1,000 results/s to the monitor: over IPC to the monitor process, and over Redis.',
  optional: true,
  async run(ctx) {
    const perAgent = ctx.quick ? 100 : 1_000;
    const seconds = ctx.quick ? 5 : 20;
    const { units, points, byAgent } = province(perAgent);
    const perSecond = AGENTS * perAgent;
    const out: BenchResult[] = [];

    // (1) The monitor process.
    const db = join(ctx.dir, 'agents.sqlite');
    const store = await openStore(db);
    const inventory = await Inventory.open(store);
    await inventory.apply({ upsertUnits: units, upsertPoints: points, upsertMeetings: [liveMeeting('BENCH')] });
    const logger = pino({ level: 'warn' });
    const remote = new RemoteMonitor({
      config: { db, engine: 'ping', logLevel: 'warn' },
      inventory,
      clock: systemClock,
      logger,
    });
    await remote.start();
    try {
      await sleep(2_000);
      const pid = remote.pid!;
      const child0 = procCpuMs(pid);
      const self0 = process.cpuUsage();
      const wall0 = performance.now();
      let t = Date.now();
      for (let s = 0; s < seconds; s++) {
        const start = performance.now();
        for (const b of second(byAgent, t)) remote.ingestAgent(b);
        t += 1_000;
        await sleep(Math.max(0, 1_000 - (performance.now() - start)));
      }
      // Until the monitor has taken the last second in (its agents' lag says so).
      const deadline = Date.now() + 30_000;
      while (
        Date.now() < deadline &&
        !remote.agents().every((a) => a.lastContactAt !== null && (a.lagMs ?? 1e9) < 5_000)
      )
        await sleep(100);
      const wallS = (performance.now() - wall0) / 1000;
      const self = process.cpuUsage(self0);
      const selfMs = (self.user + self.system) / 1000;
      const childMs = procCpuMs(pid) - child0;
      ctx.log(
        `IPC: ${seconds} s, ${(perSecond * seconds).toLocaleString('en-US')} results, wall ${wallS.toFixed(1)} s`,
      );
      out.push(
        {
          name: `agents IPC: server process CPU, ${perSecond.toLocaleString('en-US')} results/s`,
          value: Math.round((selfMs / seconds / 10) * 10) / 10,
          unit: '% core',
        },
        {
          name: 'agents IPC: monitor process CPU (ingest included)',
          value: Math.round((childMs / seconds / 10) * 10) / 10,
          unit: '% core',
        },
        {
          name: 'agents IPC: monitor CPU per 1,000 results',
          value: Math.round((childMs / (perSecond * seconds)) * 1000 * 100) / 100,
          unit: 'ms',
        },
      );
    } finally {
      await remote.stop();
      await store.close();
    }

    // (2) The command stream.
    await ensureRedis();
    const redis = await sharedClient();
    const cluster = testCluster();
    let got = 0;
    const readerRedis = await sharedClient();
    const reader = new CommandReader({
      redis: readerRedis,
      cluster,
      logger,
      onCommand: (cmd) => {
        if (cmd.type === 'agentIngest') for (const b of cmd.batches) got += b.results.length;
      },
      onGap: () => undefined,
    });
    await reader.start();
    try {
      const self0 = process.cpuUsage();
      let t = Date.now();
      let bytes = 0;
      const { encode } = await import('@msgpack/msgpack');
      for (let s = 0; s < seconds; s++) {
        const start = performance.now();
        for (const b of second(byAgent, t)) {
          if (s === 0) bytes += encode({ type: 'agentIngest', batches: [b] }, { ignoreUndefined: true }).byteLength;
          await sendToMonitor(redis, cluster, { type: 'agentIngest', batches: [b] }, 'bench');
        }
        t += 1_000;
        await sleep(Math.max(0, 1_000 - (performance.now() - start)));
      }
      const deadline = Date.now() + 30_000;
      const received = (): number => got;
      const total = perSecond * seconds;
      while (received() < total && Date.now() < deadline) await sleep(50);
      const self = process.cpuUsage(self0);
      const ms = (self.user + self.system) / 1000;
      ctx.log(
        `Redis: ${got.toLocaleString('en-US')} of ${(perSecond * seconds).toLocaleString('en-US')} results read back`,
      );
      out.push(
        {
          name: 'agents Redis: bytes per result (msgpack)',
          value: Math.round((bytes / perSecond) * 10) / 10,
          unit: 'B',
        },
        {
          name: 'agents Redis: send + read CPU (both ends, one process)',
          value: Math.round((ms / seconds / 10) * 10) / 10,
          unit: '% core',
        },
      );
    } finally {
      await reader.stop();
      closeRedis(readerRedis);
      await dropCluster(redis, cluster);
      closeRedis(redis);
    }
    return out;
  },
};
