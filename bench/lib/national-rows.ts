// The national part's figures (bench/parts/national.ts) from what one run measured.
import { AGENT_CLOSE_MS } from '../../server/agent/contract';
import { cpus } from 'node:os';
import { warningText } from './cluster-logs';
import type { OutageRow } from './cluster-pg';
import { quantile, treeCpuBetween, type TreeMark } from './cpu';
import type { ViewFigures } from './national-browser';
import type { KindResult, NationalClientsResult } from './national-clients';
import type { BenchResult } from './types';

export interface NationalRun {
  provinces: number;
  perProvince: number;
  cpu: [CpuMark, CpuMark];
  groups: { redis: number[]; pg: number[]; agents: number[]; clients: number[] };
  /** Every agent's ingest lag (GET /api/agents lagMs), sampled every 5 s over the window. */
  lags: number[];
  /** Samples of the agents' links by instance holding them. */
  instances: Map<string, number>;
  clients: { a: NationalClientsResult; b: NationalClientsResult };
  /** The meeting's points by state on A at the window's end. */
  states: Record<string, number>;
  outages: { before: number; rows: OutageRow[]; scripted: Map<string, { at: number; forMs: number }> };
  /** The instances' monitor roles (`/api/health`), each change with its time from the window's start. */
  holders: { at: number; a: string; b: string }[];
  warnings: { a: Map<string, number>; b: Map<string, number>; agents: Map<string, number> };
  browser: { overview: ViewFigures | undefined; grid: ViewFigures | undefined; seconds: number };
}

export interface CpuMark {
  a: TreeMark;
  b: TreeMark;
  pids: Map<number, number>;
}

const pct = (share: number): number => Math.round(share * 1000) / 10;
const ms = (x: number): number => Math.round(x);
const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

function latencyRow(label: string, kind: string, who: string, k: KindResult & { error?: string | null }): BenchResult {
  if (k.error)
    return {
      name: `${label}: probe→client p99 (from the outcome), ${kind} on ${who}`,
      value: NaN,
      unit: 'ms',
      ok: false,
      note: `not measured: ${k.error}`,
    };
  return {
    name: `${label}: probe→client p99 (from the outcome), ${kind} on ${who}`,
    value: ms(k.p99),
    unit: 'ms',
    target: '< 1000 ms',
    ok: k.p99 < 1000,
    note: `p50 ${ms(k.p50)} ms, max ${ms(k.max)} ms (up to the hub's tick: p50 ${ms(k.hubP50)}, p99 ${ms(k.hubP99)} ms; from the probes' send: p50 ${ms(k.sentP50)}, p99 ${ms(k.sentP99)} ms); ${k.latencies.toLocaleString('en-US')} deltas to ${k.clients} clients, ${k.gaps} seq gaps${k.foreign > 0 ? `, ${k.foreign} deltas not for the client` : ''}`,
  };
}

function browserRows(label: string, what: string, v: ViewFigures | undefined, seconds: number): BenchResult[] {
  if (!v)
    return [
      {
        name: `${label}: Chromium ${what}`,
        value: NaN,
        unit: '',
        ok: false,
        note: 'not measured (the run stopped before)',
      },
    ];
  return [
    {
      name: `${label}: Chromium ${what}, first render`,
      value: v.firstRenderMs === null ? NaN : Math.round(v.firstRenderMs / 100) / 10,
      unit: 's',
      ok: v.firstRenderMs === null ? false : undefined,
      note: `${v.firstRenderMs === null ? 'not drawn within 60 s; ' : ''}on the page: ${v.seen}${v.errors.length > 0 ? `; page errors: ${v.errors[0]}` : ''}`,
    },
    {
      name: `${label}: Chromium ${what}, main thread busy`,
      value: pct(v.busy),
      unit: '%',
      // A page that drew nothing is idle: its busy share says nothing about the view.
      target: v.firstRenderMs === null ? undefined : '< 30 %',
      ok: v.firstRenderMs === null ? false : v.busy < 0.3,
      note: `${v.firstRenderMs === null ? 'not measured: the view was not drawn; ' : ''}TaskDuration over ${Math.round(v.seconds)} s (of ${seconds}); ${v.longTasks} long tasks${v.longTasks > 0 ? `, longest ${ms(v.longestTask)} ms` : ''}`,
    },
  ];
}

export function nationalRows(r: NationalRun): BenchResult[] {
  const n = r.provinces * r.perProvince;
  const [c0, c1] = r.cpu;
  const a = treeCpuBetween(c0.a, c1.a);
  const b = treeCpuBetween(c0.b, c1.b);
  const wall = c1.a.at - c0.a.at;
  const share = (pids: readonly number[]): number =>
    // A process gone by the window's end (a pool's backend closed) reads 0: its part is not counted.
    pids.reduce((s, p) => s + Math.max(0, (c1.pids.get(p) ?? 0) - (c0.pids.get(p) ?? 0)), 0) / wall;
  const pg = share(r.groups.pg);
  const redis = share(r.groups.redis);
  const agents = share(r.groups.agents);
  const clients = share(r.groups.clients);
  const centre = a.total + b.total + pg + redis;
  const other = Math.max(0, a.machine * cpus().length - centre - agents - clients);
  const label = `national ${n.toLocaleString('en-US')} pts`;
  const lags = r.lags.toSorted((x, y) => x - y);
  const { scripted, rows } = r.outages;
  const found = new Set(rows.filter((o) => scripted.has(o.point)).map((o) => o.point));
  const falseOnes = rows.filter((o) => !scripted.has(o.point));
  const known = (r.states.up ?? 0) + (r.states.degraded ?? 0);
  const holderText = r.holders.map((h) => `${Math.round(h.at / 1000)} s: A ${h.a}, B ${h.b}`).join('; ');
  return [
    {
      name: `${label}: the centre's CPU (A + monitor + B + PostgreSQL + Redis)`,
      value: pct(centre),
      unit: '% of a core',
      note: `serve A (lease holder) ${pct(a.server)} %, its monitor process ${pct(a.monitor)} %, serve B ${pct(b.total)} %, PostgreSQL backends ${pct(pg)} % (${r.groups.pg.length} sessions), redis-server ${pct(redis)} %; over ${Math.round(wall / 1000)} s`,
    },
    {
      name: `${label}: the centre's CPU per 1,000 points at 1 Hz`,
      value: Math.round((centre / (n / 1000)) * 1000) / 10,
      unit: '% of a core',
      note: `= ${((centre * 1000) / (n / 1000)).toFixed(1)} ms of CPU per 1,000 results`,
    },
    {
      name: `${label}: besides the centre, on the same 2 cores`,
      value: pct(agents + clients),
      unit: '% of a core',
      note: `the 40 synthetic agents' process ${pct(agents)} % (simulated probing, outboxes on disk, batch codec, links), the 200 dashboards' processes ${pct(clients)} %; machine ${pct(a.machine)} % of all cores, other work ${pct(other)} % of a core`,
    },
    {
      name: `${label}: ingest lag p99 (probe → the monitor, GET /api/agents)`,
      value: ms(quantile(lags, 0.99)),
      unit: 'ms',
      note: `p50 ${ms(quantile(lags, 0.5))} ms, max ${ms(lags.at(-1) ?? NaN)} ms over ${lags.length} samples (every agent every 5 s); lagMs is now − the newest probe ingested, so it includes the agent's batching (a batch closes ${AGENT_CLOSE_MS} ms after its first result); links held by ${[...r.instances].map(([i, k]) => `${i} ${k}`).join(', ')} (samples)`,
    },
    latencyRow(label, 'overviews', 'A', r.clients.a.overview),
    latencyRow(label, 'overviews', 'B', r.clients.b.overview),
    latencyRow(label, 'provinces’ grids', 'A', r.clients.a.grid),
    latencyRow(label, 'provinces’ grids', 'B', r.clients.b.grid),
    {
      name: `${label}: overview's problem list`,
      value: r.clients.a.overview.problemTotal,
      unit: 'points in trouble',
      note: `${r.clients.a.overview.regions} regions; per overview client over the window: ${Math.round(r.clients.a.overview.problemsIn)} entries in or changed, ${Math.round(r.clients.a.overview.problemsOut)} out; the grids' deltas carried ${r.clients.a.grid.outages + r.clients.b.grid.outages} outage changes; a grid's snapshot held ${r.clients.a.grid.points.toLocaleString('en-US')} points`,
    },
    {
      name: `${label}: scripted outages written`,
      value: found.size,
      unit: `of ${scripted.size}`,
      target: 'all',
      ok: found.size === scripted.size,
      note: rows
        .filter((o) => scripted.has(o.point))
        .map(
          (o) =>
            `${o.point} ${o.type} ${o.endedAt === null ? 'open' : `${Math.round((o.endedAt - o.startedAt) / 1000)} s`}`,
        )
        .join(', '),
    },
    {
      name: `${label}: false outages`,
      value: falseOnes.length,
      unit: '',
      target: '0',
      ok: falseOnes.length === 0,
      note: `${rows.length} outages started in the window; ${r.outages.before} in the log before it${
        falseOnes.length > 0
          ? `; first: ${falseOnes
              .slice(0, 5)
              .map((o) => `${o.point} ${o.type}`)
              .join(', ')}`
          : ''
      }`,
    },
    {
      name: `${label}: points known at the end (up or degraded) on A`,
      value: known,
      unit: `of ${n.toLocaleString('en-US')}`,
      note: JSON.stringify(r.states),
    },
    {
      name: `${label}: lease holder changes in the window`,
      value: Math.max(0, r.holders.length - 1),
      unit: '',
      target: '0',
      ok: r.holders.length === 1 && [r.holders[0]!.a, r.holders[0]!.b].filter((h) => h === 'active').length === 1,
      note: holderText,
    },
    ...browserRows(label, 'overview', r.browser.overview, r.browser.seconds),
    ...browserRows(
      label,
      `a province’s grid (${r.perProvince.toLocaleString('en-US')} points)`,
      r.browser.grid,
      r.browser.seconds,
    ),
    {
      name: `${label}: warnings logged, A / B / agents`,
      value: sum(r.warnings.a) + sum(r.warnings.b) + sum(r.warnings.agents),
      unit: '',
      note: `A: ${warningText(r.warnings.a)}; B: ${warningText(r.warnings.b)}; agents: ${warningText(r.warnings.agents)}`,
    },
  ];
}
