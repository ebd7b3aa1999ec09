// A national meeting at the centre (docs/NATIONAL.md NV6, issue 16): 40 provinces × 1,000 points, each
// province probed by an agent of its own, into two instances (`serve --redis --instance A|B`) on a
// PostgreSQL database of the run's own and the machine's Redis, with 200 dashboards (overviews and
// provinces' grids, half on each instance) and the dashboard in Chromium. The agents are the real agent
// code (server/agent/run.ts) with SIMULATED PROBING (bench/lib/simulated-probing.ts): two cores cannot
// also run 40,000 real probes a second. Measured over a window once every point is known: CPU per
// process, the agents' ingest lag, probe→client latency per dashboard kind, the outages written against
// the scripted ones, the lease holder, and Chromium's first render and main-thread busy share.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentLinkView, AgentView } from '../../shared/agent-view';
import { AgentRegistry } from '../../server/agent/registry';
import { systemClock } from '../../server/clock';
import { openStore } from '../../server/store/open';
import { login } from '../../tests/helpers/app';
import { launchChromium } from '../../tests/helpers/browser';
import { SHARED_URL } from '../../tests/helpers/redis';
import { warnings } from '../lib/cluster-logs';
import { clusterDatabase, redisPid } from '../lib/cluster-pg';
import { spawnServe, type ServeInstance } from '../lib/cluster-procs';
import { procCpuMs, treeMarkAll } from '../lib/cpu';
import type { AgentsConfig } from '../lib/national-agents';
import { measureView } from '../lib/national-browser';
import { NATIONAL_MEETING, nationalInventory } from '../lib/national-inventory';
import { spawnAgents, spawnNationalClients } from '../lib/national-procs';
import { nationalRows, type NationalRun } from '../lib/national-rows';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const PASSWORD = 'mật-khẩu-đo-hiệu-năng-toàn-quốc';
const TOKEN = 'bench-national-metrics-token-0123456789';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The meeting's points by state on instance `i` (Prometheus text, docs/ALERTS.md). */
async function statesOn(i: ServeInstance): Promise<Record<string, number>> {
  const res = await fetch(`${i.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const count: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    if (!line.startsWith(`diemcau_points{meeting="${NATIONAL_MEETING}"`)) continue;
    const state = /state="(\w+)"/.exec(line)?.[1];
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (state && v > 0) count[state] = v;
  }
  return count;
}

const health = async (i: ServeInstance): Promise<string> =>
  ((await (await fetch(`${i.url}/api/health`)).json()) as { monitor: string }).monitor;

/** GET /api/agents on `i`: each agent's ingest lag (ms) and the instance holding its link. */
async function agentLinks(i: ServeInstance, cookie: string): Promise<AgentLinkView[]> {
  const res = await fetch(`${i.url}/api/agents`, { headers: { cookie } });
  if (!res.ok) throw new Error(`GET /api/agents: ${res.status}`);
  return ((await res.json()) as AgentView[]).flatMap((v) => (v.link ? [v.link] : []));
}

async function measure(ctx: BenchContext, cleanups: (() => Promise<void>)[]): Promise<BenchResult[]> {
  const provinces = ctx.quick ? 4 : 40;
  const perProvince = ctx.quick ? 250 : 1_000;
  const n = provinces * perProvince;
  // BENCH_NATIONAL_WINDOW_S=120 for a shorter look (the recorded figures are over 300 s).
  const windowMs = Number(process.env.BENCH_NATIONAL_WINDOW_S ?? (ctx.quick ? 60 : 300)) * 1_000;
  if (!(windowMs >= 30_000)) throw new Error('BENCH_NATIONAL_WINDOW_S: a number of seconds, 30 or more');
  const browserS = ctx.quick ? 10 : 30;
  const { db, sizer } = await clusterDatabase('dc_bench_national', PASSWORD, cleanups);
  const inv = nationalInventory(provinces, perProvince);
  const config = join(ctx.dir, 'national.json');
  writeFileSync(config, JSON.stringify({ units: inv.units, points: inv.points, meetings: inv.meetings }));

  // The agents, registered as `diemcau agent add` does: real tokens, only their hashes kept.
  const tokens = new Map<string, string>();
  const store = await openStore(db.url);
  try {
    const registry = new AgentRegistry({ store, clock: systemClock });
    for (const p of inv.provinces) {
      const file = join(ctx.dir, `${p.agent}.token`);
      writeFileSync(file, `${(await registry.add(p.agent, 'bench', [])).token}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      tokens.set(p.agent, file);
    }
  } finally {
    await store.close();
  }

  const serve = async (name: string): Promise<ServeInstance> => {
    const i = await spawnServe({
      name,
      config,
      db: db.url,
      redis: SHARED_URL,
      log: join(ctx.dir, `${name}.log`),
      env: { DIEMCAU_METRICS_TOKEN: TOKEN },
      // BENCH_NATIONAL_PROFILE=DIR: a V8 CPU profile of each serve process, written when it stops.
      nodeArgs: process.env.BENCH_NATIONAL_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_NATIONAL_PROFILE, name)}`]
        : [],
    });
    cleanups.push(() => i.stop());
    return i;
  };
  const t0 = Date.now();
  const a = await serve('A');
  for (let k = 0; (await health(a).catch(() => '')) !== 'active'; k++) {
    if (k > 60) throw new Error('national bench: A has no active monitor after 60 s');
    await sleep(1_000);
  }
  const b = await serve('B');
  // B loads the 40,000-point inventory after it listens: let it settle before the agents come.
  await sleep(10_000);
  ctx.log(`A active, B listening after ${Math.round((Date.now() - t0) / 1000)} s`);

  // Scripted outages: 8 points in 8 provinces, each down 45–80 s (15 s in a quick run) inside the window.
  const downs: AgentsConfig['downs'] = [];
  const scripted = new Map<string, { at: number; forMs: number }>();
  for (let i = 0; i < 8; i++) {
    const p = inv.provinces[(i * 5 + 3) % provinces]!;
    const j = (i * 137 + 11) % perProvince;
    const at = ctx.quick ? (5 + 4 * i) * 1_000 : (15 + 25 * i) * 1_000;
    const forMs = ctx.quick ? 15_000 : (45 + 5 * i) * 1_000;
    if (scripted.has(p.codes[j]!)) continue;
    downs.push({ host: p.hosts[j]!, at, forMs });
    scripted.set(p.codes[j]!, { at, forMs });
  }
  // Half the agents on each instance: those on B reach A's monitor over the Redis command stream.
  const agentsConfig: AgentsConfig = {
    agents: inv.provinces.map((p, k) => ({
      name: p.agent,
      server: k % 2 === 0 ? a.url : b.url,
      tokenFile: tokens.get(p.agent)!,
      outbox: join(ctx.dir, 'outbox', p.agent),
    })),
    staggerMs: 500,
    downs,
  };
  const agentsFile = join(ctx.dir, 'agents.json');
  writeFileSync(agentsFile, JSON.stringify(agentsConfig));
  const agents = await spawnAgents(agentsFile, join(ctx.dir, 'agents.log'));
  cleanups.push(() => agents.stop());

  // Every point known (up or degraded) on A, or 3 minutes: the run goes on and says what it saw.
  let states: Record<string, number> = {};
  for (const by = Date.now() + 180_000; Date.now() < by; await sleep(2_000)) {
    states = await statesOn(a).catch(() => ({}));
    if ((states.up ?? 0) + (states.degraded ?? 0) >= n) break;
  }
  ctx.log(`points on A after ${Math.round((Date.now() - t0) / 1000)} s: ${JSON.stringify(states)}`);

  const cookies = { a: await login(a.url, 'admin', PASSWORD), b: await login(b.url, 'admin', PASSWORD) };
  // 20 overviews and 2 grids per province on each instance (a quick run: 4 and 1).
  const perSide = { overviews: ctx.quick ? 4 : 20, grids: ctx.quick ? 1 : 2 };
  const units = inv.provinces.flatMap((p) => Array.from({ length: perSide.grids }, () => p.unit));
  const clients = [a, b].map((i) =>
    spawnNationalClients({
      url: i.url,
      cookie: i === a ? cookies.a : cookies.b,
      meeting: NATIONAL_MEETING,
      overviews: perSide.overviews,
      units,
      log: join(ctx.dir, `clients-${i.name}.log`),
    }),
  );
  cleanups.push(...clients.map((c) => () => c.stop()));
  await Promise.all(clients.map((c) => c.ready));
  ctx.log(`dashboards joined after ${Math.round((Date.now() - t0) / 1000)} s; window of ${windowMs / 1000} s`);

  // The window.
  const groups = {
    redis: await redisPid(),
    pg: await sizer.backendPids(),
    agents: [agents.pid],
    clients: clients.map((c) => c.pid),
  };
  const others = [...groups.redis, ...groups.pg, ...groups.agents, ...groups.clients];
  const mark = (): NationalRun['cpu'][0] => ({
    a: treeMarkAll(a.pid),
    b: treeMarkAll(b.pid),
    pids: new Map(others.map((p) => [p, procCpuMs(p)])),
  });
  const outages0 = await sizer.outages();
  for (const c of clients) c.measure();
  agents.send('go');
  const goAt = Number((await agents.line((l) => l.startsWith('go '), 'go')).slice(3));
  const cpu0 = mark();
  const end = Date.now() + windowMs;
  const lags: number[] = [];
  const trace: string[] = [];
  const holders: { at: number; a: string; b: string }[] = [];
  const instances = new Map<string, number>();
  while (Date.now() < end) {
    await sleep(Math.min(5_000, Math.max(0, end - Date.now())));
    const [ha, hb, rows] = await Promise.all([
      health(a).catch(() => 'unreachable'),
      health(b).catch(() => 'unreachable'),
      agentLinks(a, cookies.a).catch(() => []),
    ]);
    const last = holders.at(-1);
    if (!last || last.a !== ha || last.b !== hb) holders.push({ at: Date.now() - goAt, a: ha, b: hb });
    // Growing or a spike: the worst agent's lag at each poll, logged.
    trace.push(
      `${Math.round((Date.now() - goAt) / 1000)} s ${Math.round(Math.max(0, ...rows.map((r) => r.lagMs ?? 0)))}`,
    );
    for (const r of rows) {
      if (r.lagMs !== null) lags.push(r.lagMs);
      if (r.instance) instances.set(r.instance, (instances.get(r.instance) ?? 0) + 1);
    }
  }
  const cpu1 = mark();
  ctx.log(`worst ingest lag (ms) by time into the window: ${trace.join(', ')}`);
  const [onA, onB] = await Promise.all(clients.map((c) => c.report()));
  const statesEnd = await statesOn(a).catch(() => ({}));
  const outageRows = await sizer.outageRows(goAt - 5_000);
  ctx.log(`window over; outages ${JSON.stringify(outageRows)}; holders ${JSON.stringify(holders)}`);

  // Chromium, dashboards and agents still running: the overview, then one province's grid.
  const chromium = await launchChromium();
  let overview, grid;
  try {
    const [name, ...value] = cookies.a.split('=');
    await chromium.context.addCookies([{ name: name ?? '', value: value.join('='), url: a.url }]);
    overview = await measureView({
      context: chromium.context,
      url: a.url,
      path: `/?meeting=${NATIONAL_MEETING}&view=overview`,
      drawn: { kind: 'regions', count: provinces },
      seconds: browserS,
      timeoutMs: 60_000,
    });
    ctx.log(`Chromium overview: ${JSON.stringify(overview)}`);
    const unit = inv.provinces[0]!.unit;
    grid = await measureView({
      context: chromium.context,
      url: a.url,
      path: `/?meeting=${NATIONAL_MEETING}&unit=${unit}`,
      drawn: { kind: 'grid', points: perProvince },
      seconds: browserS,
      timeoutMs: 60_000,
    });
    ctx.log(`Chromium grid ${unit}: ${JSON.stringify(grid)}`);
  } finally {
    await chromium.close();
  }
  const until = Date.now();
  const run: NationalRun = {
    provinces,
    perProvince,
    cpu: [cpu0, cpu1],
    groups,
    lags,
    instances,
    clients: { a: onA!, b: onB! },
    states: statesEnd,
    outages: { before: outages0, rows: outageRows, scripted },
    holders,
    warnings: {
      a: warnings(join(ctx.dir, 'A.log'), until),
      b: warnings(join(ctx.dir, 'B.log'), until),
      agents: warnings(join(ctx.dir, 'agents.log'), until),
    },
    browser: { overview, grid, seconds: browserS },
  };
  return nationalRows(run);
}

export const nationalPart: BenchPart = {
  name: 'national',
  description:
    'A national meeting (docs/NATIONAL.md NV6): 40 provinces × 1,000 points at 1 Hz, each province’s points sent by an agent of its own — the real agent code (server/agent/run.ts: schedule from the centre, outbox, binary batches, acks) with SIMULATED PROBING (bench/lib/simulated-probing.ts: made-up RTTs of 8–68 ms, 1 % of points losing one probe in 40, 0.5 % at 110–150 ms, 8 scripted outages; nothing is probed) — into two instances (`serve --redis --instance A|B`, 20 agents on each) on a PostgreSQL database of their own and the machine’s Redis, with 200 dashboards (20 overviews and 80 provinces’ grids on each instance, socket.io-client); CPU per process over a 300 s window, ingest lag (GET /api/agents), probe→client latency per dashboard kind, outages written against the scripted ones, then the overview and a province’s grid in Chromium. Needs `npx vite build` first.',
  optional: true,
  async run(ctx) {
    const cleanups: (() => Promise<void>)[] = [];
    let cleaned: Promise<void> | null = null;
    const cleanup = (): Promise<void> =>
      (cleaned ??= (async () => {
        for (const c of cleanups.toReversed()) {
          await c().catch((err: unknown) => ctx.log(`cleanup: ${(err as Error).message}`));
        }
      })());
    const onSignal = (): void =>
      void cleanup().finally(() => {
        rmSync(ctx.dir, { recursive: true, force: true });
        process.exit(130);
      });
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      return await measure(ctx, cleanups);
    } finally {
      await cleanup();
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      // The processes' logs outlive the run's directory: the figures' why is in them.
      const keep = join(tmpdir(), 'dc-bench-national-logs');
      rmSync(keep, { recursive: true, force: true });
      mkdirSync(keep);
      for (const f of readdirSync(ctx.dir).filter((name) => name.endsWith('.log')))
        copyFileSync(join(ctx.dir, f), join(keep, f));
      ctx.log(`logs kept in ${keep}`);
    }
  },
};
