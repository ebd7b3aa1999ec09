// The cluster part's figures (bench/parts/cluster.ts) from what one run measured.
import { cpus } from 'node:os';
import type { ClientsResult } from './clients';
import type { RollupMark } from './cluster-pg';
import { warningText } from './cluster-logs';
import { treeCpuBetween, type TreeMark } from './cpu';
import type { BenchResult } from './types';

/** CPU of everything measured, at one moment. */
export interface CpuMark {
  a: TreeMark;
  b: TreeMark;
  /** Other processes by pid: the clients, redis-server, PostgreSQL's backends of the database. */
  pids: Map<number, number>;
}

export interface ClusterRun {
  points: number;
  perInstance: number;
  cpu: [CpuMark, CpuMark];
  /** Pids of the CPU marks' other processes, by what they are. */
  groups: { clients: number[]; redis: number[]; pg: number[] };
  rollups: [RollupMark, RollupMark];
  rss: { a: number; monitor: number; fping: number; b: number };
  active: ClientsResult;
  standby: ClientsResult;
  health: { a: string; b: string };
  upAtEnd: { a: number; b: number };
  /** The active instance's diemcau_monitor_gaps_total by reason (the monitor's stand-stills). */
  gaps: Record<string, number>;
  /** Outages in the log at the window's start and end. */
  outages: [number, number];
  /** Each instance's log (with its monitor process's) at warn and above, from its start to the window's end. */
  warnings: { a: Map<string, number>; b: Map<string, number> };
  /** The bench's own VACUUMs of rollup_open where the server's autovacuum is off (null: it is on). */
  vacuum: { runs: number; ms: number } | null;
  /** Statements seen running on the database, sampled every 500 ms over the window. */
  pgActivity: { ticks: number; samples: Map<string, number> };
  load: [number, number];
}

const pct = (share: number): number => Math.round(share * 1000) / 10;
const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
const kb = (b: number): number => Math.round(b / 100) / 10;

/**
 * What the rollup tables grow by per point-hour (KB of 1,000 bytes). rollup_blocks takes each minute as
 * it closes, so its growth is scaled by the point-minutes the window closed (its new rows) rather than
 * by the wall clock, which would count one minute more or less with the window's phase. rollup_open holds
 * the two minutes being written (docs/STORE.md): a working set that does not grow with time, reported apart.
 */
function rollupRows(label: string, r: ClusterRun): BenchResult[] {
  const [x, y] = r.rollups;
  // One row of rollup_blocks is one target's closed minute; the synthetic province has one target a point.
  const pointMinutes = y.blocks.rows - x.blocks.rows;
  const closed = ((y.blocks.bytes - x.blocks.bytes) / pointMinutes) * 60;
  const both = y.blocks.bytes - x.blocks.bytes + (y.open.bytes - x.open.bytes);
  const wallHours = (y.at - x.at) / 3_600_000;
  return [
    {
      name: `${label}: PostgreSQL rollups per point-hour`,
      value: kb(closed),
      unit: 'KB',
      target: '≤ 20 KB',
      ok: closed <= 20_000,
      note:
        `growth of pg_total_relation_size('rollup_blocks') over the window ÷ the ${pointMinutes.toLocaleString('en-US')} ` +
        `point-minutes it closed (${(pointMinutes / r.points).toFixed(1)} a point) × 60; plus the open minutes' working set ` +
        `(rollup_open, ${(y.open.rows / r.points).toFixed(1)} minutes a point): ${kb(y.open.bytes / r.points)} KB a point, not growing with time`,
    },
    {
      name: `${label}: both rollup tables' growth, by the wall clock`,
      value: kb(both / wallHours / r.points),
      unit: 'KB per point-hour',
      note:
        `rollup_blocks ${mib(x.blocks.bytes)} → ${mib(y.blocks.bytes)} MiB, rollup_open ${mib(x.open.bytes)} → ` +
        `${mib(y.open.bytes)} MiB in ${Math.round((y.at - x.at) / 1000)} s, scaled to an hour; ` +
        (r.vacuum
          ? `autovacuum is off on this server: the bench ran VACUUM rollup_open every 60 s from the start (${r.vacuum.runs} runs, ${Math.round(r.vacuum.ms / Math.max(1, r.vacuum.runs))} ms each)`
          : 'autovacuum on'),
    },
  ];
}

const latencyRows = (label: string, who: string, c: ClientsResult): BenchResult[] => [
  {
    name: `${label}: probe→client p50, dashboards on ${who}`,
    value: c.p50,
    unit: 'ms',
    note: `${c.latencies.toLocaleString('en-US')} deltas to ${c.clients} clients, max ${Math.round(c.max)} ms, ${c.gaps} seq gaps`,
  },
  {
    name: `${label}: probe→client p99, dashboards on ${who}`,
    value: c.p99,
    unit: 'ms',
    // The budget the single-instance e2e part holds 10,000 points to.
    target: '< 500 ms',
    ok: c.p99 < 500,
    note: `${c.bytesPerClientPerSecond < 0 ? 'sockets closed during the window (bytes read went back)' : `${(c.bytesPerClientPerSecond / 1024).toFixed(1)} KiB/s`} and ${c.deltasPerClientPerSecond.toFixed(1)} deltas/s per client; join of ${c.clients}: ${Math.round(c.joinMs)} ms`,
  },
];

const sum = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** The five statements seen running most often, with the share of samples that saw each. */
function activityText(a: ClusterRun['pgActivity']): string {
  const top = [...a.samples].sort((x, y) => y[1] - x[1]).slice(0, 5);
  if (a.ticks === 0 || top.length === 0) return 'nothing seen';
  return top.map(([q, k]) => `${Math.round((k / a.ticks) * 100)} % “${q.trim()}…”`).join('; ');
}

const gapText = (g: Record<string, number>): string =>
  Object.entries(g)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${/reason="(\w+)"/.exec(k)?.[1] ?? k} ${v}`)
    .join(', ') || 'none';

export function clusterRows(r: ClusterRun): BenchResult[] {
  const [c0, c1] = r.cpu;
  const a = treeCpuBetween(c0.a, c1.a);
  const b = treeCpuBetween(c0.b, c1.b);
  const ms = c1.a.at - c0.a.at;
  const share = (pids: readonly number[]): number =>
    pids.reduce((s, p) => s + (c1.pids.get(p)! - c0.pids.get(p)!), 0) / ms;
  const clients = share(r.groups.clients);
  const redis = share(r.groups.redis);
  const pg = share(r.groups.pg);
  const ours = a.total + b.total + clients + redis + pg;
  // The machine's busy share in cores, less what the run accounts for: other work on the machine.
  const other = Math.max(0, a.machine * cpus().length - ours);
  const fpingCount = [...c1.a.parts.values()].filter(([g]) => g === 'fping').length;
  const label = `cluster ${r.points.toLocaleString('en-US')} pts`;
  const seconds = Math.round(ms / 1000);
  return [
    {
      name: `${label}: serve A (active) CPU`,
      value: pct(a.server),
      unit: '% of a core',
      note: `peak RSS ${mib(r.rss.a)} MiB; health "${r.health.a}" at the end; ${seconds} s window`,
    },
    {
      name: `${label}: monitor process (A's) CPU`,
      value: pct(a.monitor),
      unit: '% of a core',
      note: `peak RSS ${mib(r.rss.monitor)} MiB; writes the rollups, publishes on the Redis stream`,
    },
    {
      name: `${label}: fping (A's monitor) CPU`,
      value: pct(a.fping),
      unit: '% of a core',
      note: `${fpingCount} process${fpingCount === 1 ? '' : 'es'}, peak RSS ${mib(r.rss.fping)} MiB`,
    },
    {
      name: `${label}: serve B (standby) CPU`,
      value: pct(b.total),
      unit: '% of a core',
      note: `no monitor process; peak RSS ${mib(r.rss.b)} MiB; health "${r.health.b}" at the end`,
    },
    {
      name: `${label}: diemcau in all (A + monitor + fping + B)`,
      value: pct(a.total + b.total),
      unit: '% of a core',
      note:
        `besides: redis-server ${pct(redis)} %, PostgreSQL (below) ${pct(pg)} %, ` +
        `dashboard clients ${pct(clients)} %; machine ${pct(a.machine)} % of all cores; other work ` +
        `${pct(other)} % of a core; load average ${r.load[0].toFixed(2)} → ${r.load[1].toFixed(2)}`,
    },
    {
      name: `${label}: PostgreSQL backends of the database CPU`,
      value: pct(pg),
      unit: '% of a core',
      note: `${r.groups.pg.length} sessions (the instances' pools and lease sessions); running, sampled every 0.5 s: ${activityText(r.pgActivity)}`,
    },
    ...latencyRows(label, 'A (active)', r.active),
    ...latencyRows(label, 'B (standby)', r.standby),
    ...rollupRows(label, r),
    {
      name: `${label}: points up at the end, A / B`,
      value: Math.min(r.upAtEnd.a, r.upAtEnd.b),
      unit: `of ${r.points.toLocaleString('en-US')}`,
      target: 'all',
      ok: r.upAtEnd.a === r.points && r.upAtEnd.b === r.points,
      note: `A ${r.upAtEnd.a.toLocaleString('en-US')}, B ${r.upAtEnd.b.toLocaleString('en-US')}; monitor gaps since the start: ${gapText(r.gaps)}`,
    },
    {
      name: `${label}: outages written during the window`,
      value: r.outages[1] - r.outages[0],
      unit: '',
      target: '0',
      ok: r.outages[1] === r.outages[0],
      note: `${r.outages[1]} in the log at the end (loopback answers: any outage is false)`,
    },
    {
      name: `${label}: warnings logged, A / B`,
      value: sum(r.warnings.a) + sum(r.warnings.b),
      unit: '',
      note: `from the start to the window's end; A (with its monitor process): ${warningText(r.warnings.a)}; B: ${warningText(r.warnings.b)}`,
    },
  ];
}
