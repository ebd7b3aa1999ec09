// Two instances (issue 14, docs/CLUSTER.md, docs/FAILOVER.md): `serve --redis --instance A|B` on a
// PostgreSQL database of the run's own and the machine's Redis. A holds the lease and runs the monitor
// process (fping, 1 Hz); B stands by and mirrors the statuses from the Redis stream. Each serves 100
// dashboards (a clients process per instance). Measured over a steady window once the first minute of
// rollups has closed: CPU per process, probe→client latency on each instance's dashboards, and what
// the rollup tables grow by per point-hour.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { login } from '../../tests/helpers/app';
import { SHARED_URL } from '../../tests/helpers/redis';
import { warnings } from '../lib/cluster-logs';
import { clusterDatabase, redisPid, sampleActivity } from '../lib/cluster-pg';
import { spawnClients, spawnServe, type ServeInstance } from '../lib/cluster-procs';
import { clusterRows, type ClusterRun, type CpuMark } from '../lib/cluster-rows';
import { procCpuMs, treeMarkAll, treeRssAll } from '../lib/cpu';
import { liveMeeting, syntheticProvince } from '../lib/province';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const MEETING = 'BENCH';
const PASSWORD = 'mật-khẩu-đo-hiệu-năng-cụm';

/** JSON.stringify's replacer: maps as objects, so the log shows what the notes summarise. */
const plain = (_k: string, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `every` ms until it gives a value; throws after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms: number, every = 1_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`cluster bench: no ${what} within ${ms / 1000} s`);
    await sleep(every);
  }
}

const health = async (i: ServeInstance): Promise<string> =>
  ((await (await fetch(`${i.url}/api/health`)).json()) as { monitor: string }).monitor;

// Prometheus metrics (docs/ALERTS.md) tell the points by state for a few hundred bytes, where
// GET /api/meetings/:id/status is 4 MB at 10,000 points: polled every 2 s, that was load of its own.
const TOKEN = randomBytes(18).toString('hex');

/** `name{labels} value` lines of instance `i`'s /metrics whose name and labels begin with `prefix`. */
async function metrics(i: ServeInstance, prefix: string): Promise<Map<string, number>> {
  const res = await fetch(`${i.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line.startsWith(prefix))
      out.set(line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

/** The meeting's points by state, as instance `i` shows them (only states some point is in). */
async function statesOn(i: ServeInstance): Promise<Record<string, number>> {
  const count: Record<string, number> = {};
  for (const [k, v] of await metrics(i, `diemcau_points{meeting="${MEETING}"`)) {
    const state = /state="(\w+)"/.exec(k)?.[1];
    if (state && v > 0) count[state] = v;
  }
  return count;
}

const upOn = async (i: ServeInstance): Promise<number> => (await statesOn(i)).up ?? 0;

/** Waits until every point is up on `i` or `ms` have passed; logs the states either way. */
async function allUp(ctx: BenchContext, i: ServeInstance, n: number, ms: number, t0: number): Promise<void> {
  const by = Date.now() + ms;
  let states: Record<string, number> = {};
  for (;;) {
    states = await statesOn(i).catch(() => ({}));
    if ((states.up ?? 0) >= n || Date.now() > by) break;
    await sleep(2_000);
  }
  ctx.log(`${i.name} after ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(states)}`);
}

const cpuMark = (a: number, b: number, pids: readonly number[]): CpuMark => ({
  a: treeMarkAll(a),
  b: treeMarkAll(b),
  pids: new Map(pids.map((p) => [p, procCpuMs(p)])),
});

async function measure(ctx: BenchContext, cleanups: (() => Promise<void>)[]): Promise<BenchResult[]> {
  // BENCH_CLUSTER_POINTS=5000 finds where a smaller province stands (the part's figures are at 10,000).
  const n = Number(process.env.BENCH_CLUSTER_POINTS ?? (ctx.quick ? 1_000 : 10_000));
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CLUSTER_POINTS: not a number of points`);
  const perInstance = ctx.quick ? 10 : 100;
  const windowMs = (ctx.quick ? 60 : 300) * 1_000;
  const { db, sizer, vacuum } = await clusterDatabase('dc_bench_cluster', PASSWORD, cleanups);
  const config = join(ctx.dir, 'province.json');
  const { units, points } = syntheticProvince(n, 40);
  writeFileSync(config, JSON.stringify({ units, points, meetings: [liveMeeting(MEETING)] }));

  const serve = async (name: string): Promise<ServeInstance> => {
    const log = join(ctx.dir, `${name}.log`);
    const i = await spawnServe({
      name,
      config,
      db: db.url,
      redis: SHARED_URL,
      log,
      env: { DIEMCAU_METRICS_TOKEN: TOKEN },
    });
    cleanups.push(() => i.stop());
    return i;
  };
  const t0 = Date.now();
  const a = await serve('A');
  await until('active monitor on A', async () => ((await health(a)) === 'active' ? true : undefined), 30_000);
  // Every point up on A before B starts (both starting at once, each applying the 10,000-point file,
  // left fping short of CPU), then on B; or as many as are after 3 minutes and 1 minute: the run goes
  // on, and the points up at the end are a figure of its own.
  await allUp(ctx, a, n, 180_000, t0);
  const b = await serve('B');
  await allUp(ctx, b, n, 60_000, t0);
  const cookies = { a: await login(a.url, 'admin', PASSWORD), b: await login(b.url, 'admin', PASSWORD) };
  // Steady state for the rollups: the first minute has moved from rollup_open to rollup_blocks.
  await until(
    'closed minute of rollups',
    async () => ((await sizer.mark()).blocks.rows > 0 ? true : undefined),
    300_000,
    5_000,
  );
  ctx.log(`first minute of rollups closed after ${Math.round((Date.now() - t0) / 1000)} s; dashboards joining`);

  const clientsA = spawnClients(a.url, cookies.a, MEETING, perInstance, windowMs);
  const clientsB = spawnClients(b.url, cookies.b, MEETING, perInstance, windowMs);
  cleanups.push(clientsA.kill, clientsB.kill);
  const readyAt = await Promise.all([clientsA.ready, clientsB.ready]);
  // The window: every dashboard joined, and none has left yet.
  const end = Math.min(...readyAt) + windowMs - 500;
  const groups = { clients: [clientsA.pid, clientsB.pid], redis: await redisPid(), pg: await sizer.backendPids() };
  const others = [...groups.clients, ...groups.redis, ...groups.pg];
  const load0 = loadavg()[0] ?? 0;
  const cpu0 = cpuMark(a.pid, b.pid, others);
  const activity = await sampleActivity(db.url);
  cleanups.push(() => activity.stop());
  const roll0 = await sizer.mark();
  const outages0 = await sizer.outages();
  const rss = { a: 0, monitor: 0, fping: 0, b: 0 };
  const sampler = setInterval(() => {
    const x = treeRssAll(a.pid);
    rss.a = Math.max(rss.a, x.server);
    rss.monitor = Math.max(rss.monitor, x.monitor);
    rss.fping = Math.max(rss.fping, x.fping);
    rss.b = Math.max(rss.b, treeRssAll(b.pid).total);
  }, 2_000);
  // The open minutes' table, every 30 s: whether its working set holds still (logged, not a figure).
  const open: string[] = [];
  while (end - Date.now() > 31_000) {
    await sleep(30_000);
    const m = await sizer.mark();
    open.push(`${Math.round((m.at - roll0.at) / 1000)} s: ${(m.open.bytes / 2 ** 20).toFixed(1)} MiB`);
  }
  await sleep(Math.max(0, end - Date.now()));
  ctx.log(`rollup_open during the window: ${open.join(', ')}; ${await sizer.openVacuum()}`);
  clearInterval(sampler);
  const cpu1 = cpuMark(a.pid, b.pid, others);
  await activity.stop();
  const roll1 = await sizer.mark();
  const outages1 = await sizer.outages();
  const load1 = loadavg()[0] ?? 0;
  const [active, standby] = await Promise.all([clientsA.result, clientsB.result]);
  const run: ClusterRun = {
    points: n,
    perInstance,
    cpu: [cpu0, cpu1],
    groups,
    rollups: [roll0, roll1],
    rss,
    active,
    standby,
    health: { a: await health(a), b: await health(b) },
    upAtEnd: { a: await upOn(a), b: await upOn(b) },
    vacuum: vacuum && { runs: vacuum.runs, ms: vacuum.ms },
    pgActivity: { ticks: activity.ticks, samples: activity.samples },
    outages: [outages0, outages1],
    warnings: { a: warnings(join(ctx.dir, 'A.log'), roll1.at), b: warnings(join(ctx.dir, 'B.log'), roll1.at) },
    gaps: Object.fromEntries(await metrics(a, 'diemcau_monitor_gaps_total')),
    load: [load0, load1],
  };
  ctx.log(`cluster: ${JSON.stringify({ ...run, cpu: undefined }, plain)}`);
  return clusterRows(run);
}

export const clusterPart: BenchPart = {
  name: 'cluster',
  description:
    'Two instances (`serve --db postgres://… --redis … --instance A|B`) on a PostgreSQL database of their own and the machine’s Redis: 10,000 loopback points at 1 Hz probed by the active instance’s monitor process (fping), 100 dashboards on each instance (socket.io-client, one process per instance); CPU per process from /proc over a 300 s window once every point is up and the first minute of rollups has closed, probe→client latency (`probedAt`) on each instance’s dashboards, PostgreSQL bytes per point-hour of rollups.',
  async run(ctx) {
    const cleanups: (() => Promise<void>)[] = [];
    let cleaned: Promise<void> | null = null;
    // Last in, first out: the clients, the standby (no takeover), the active, then Redis and the database.
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        for (const c of cleanups.toReversed()) {
          await c().catch((err: unknown) => ctx.log(`cleanup: ${(err as Error).message}`));
        }
      })());
    // Ctrl-C during the run: stop every process and drop the database before leaving.
    const onSignal = (): void =>
      void cleanup().finally(() => {
        rmSync(ctx.dir, { recursive: true, force: true }); // the runner's finally will not run
        process.exit(130);
      });
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      return await measure(ctx, cleanups);
    } finally {
      await cleanup();
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
  },
};
