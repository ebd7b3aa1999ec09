// End to end: the real app (fping engine, SQLite file, Socket.IO) with 1,000 / 5,000 / 10,000 loopback
// points at 1 Hz in a live meeting and 100 dashboard clients in a separate process, 60 s per size.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import type { ClientsResult } from '../lib/clients';
import { treeCpuBetween, treeMarkAll, treeRssAll } from '../lib/cpu';
import { generateReportData } from './report-data';
import type { ServerInfo } from '../lib/server';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const ROOT = join(import.meta.dirname, '..', '..');
/** The meeting bench/lib/server.ts creates. */
const MEETING = 'BENCH';

function dbBytes(file: string): number {
  let n = 0;
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) n += statSync(f).size;
  return n;
}

function rollupRows(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM rollups').pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Runs the clients process; resolves with its result. `onReady` runs once every client has joined. */
function runClients(url: string, cookie: string, n: number, ms: number, onReady: () => void): Promise<ClientsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'bench/lib/clients.ts'), url, cookie, MEETING, String(n), String(ms)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    let result: ClientsResult | null = null;
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('{')) result = JSON.parse(line) as ClientsResult;
    });
    const kill = setTimeout(() => child.kill('SIGKILL'), ms + 180_000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (result) resolve(result);
      else reject(new Error(`clients exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

interface ServerProcess {
  pid: number;
  info: ServerInfo;
  /** SIGTERM, then resolves with the points still up at the end. */
  stop(): Promise<number>;
}

function startServer(n: number, dir: string): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/server.ts'), String(n), dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let finalUp = -1;
    let started = false;
    let stopping = false;
    // The tail only: a long run's warnings must not grow the harness's memory without bound.
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-16_000)));
    const exited = new Promise<void>((r) =>
      child.once('exit', (code, signal) => {
        // A server that dies in the middle of a run says why (its stderr) instead of a bare ECONNREFUSED.
        if (started && !stopping) {
          process.stderr.write(
            `bench server exited during the run: code ${code} signal ${signal}\n${err.slice(-4000)}\n`,
          );
        }
        r();
      }),
    );
    const kill = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
    void exited.then(() => clearTimeout(kill));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Partial<ServerInfo> & { up: number };
      if (!started && msg.url) {
        started = true;
        resolve({
          pid: child.pid!,
          info: msg as ServerInfo,
          async stop() {
            stopping = true;
            child.kill('SIGTERM');
            await exited;
            return finalUp;
          },
        });
      } else finalUp = msg.up;
    });
    void exited.then(() => {
      if (!started) reject(new Error(`server exited: ${err.slice(-2000)}`));
    });
  });
}

/** Mean RSS of [ms, bytes] samples, in MiB to 0.1. */
const meanMiB = (xs: [number, number][]): number =>
  Math.round((xs.reduce((a, x) => a + x[1], 0) / Math.max(1, xs.length) / 2 ** 20) * 10) / 10;

interface ReportLoad {
  /** The meeting whose 4 h report is asked for during the run. */
  meeting: string;
  rollups: number;
  results: { what: string; status: number; seconds: number; mib: number }[];
}

/** The report, its XLSX and its PDF, one after the other, as a technician would during the meeting. */
async function askReports(url: string, cookie: string, load: ReportLoad): Promise<void> {
  for (const what of ['report', 'report.xlsx', 'report.pdf']) {
    const t = performance.now();
    const get = () => fetch(`${url}/api/meetings/${load.meeting}/${what}`, { headers: { cookie } });
    // A pooled connection the server closed after its keep-alive timeout fails at once: ask again.
    const res = await get()
      .catch(get)
      .catch((err: unknown) => err as Error);
    if (res instanceof Error) {
      // The server is gone: say so in the results (its exit is printed by startServer) and stop asking.
      load.results.push({ what, status: 0, seconds: (performance.now() - t) / 1000, mib: 0 });
      process.stderr.write(`${what}: ${res.message} (${String(res.cause ?? '')})\n`);
      return;
    }
    const body = await res.arrayBuffer();
    load.results.push({
      what,
      status: res.status,
      seconds: (performance.now() - t) / 1000,
      mib: body.byteLength / 2 ** 20,
    });
  }
}

async function outageCount(url: string, cookie: string): Promise<number> {
  const res = await fetch(`${url}/api/outages?meeting=${MEETING}&limit=10000`, { headers: { cookie } });
  return ((await res.json()) as unknown[]).length;
}

const pct = (share: number): number => Math.round(share * 1000) / 10;
const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

/**
 * One size: n points at 1 Hz, `clients` dashboards, measured for `seconds` once every client has joined.
 * With `report`, the database holds a 4 h meeting of `n` other points too, and 10 s into the window its
 * report, XLSX and PDF are asked for while the live meeting goes on.
 */
export async function size(
  ctx: BenchContext,
  n: number,
  seconds: number,
  clients: number,
  opts: { report?: boolean } = {},
): Promise<BenchResult[]> {
  const dir = join(ctx.dir, String(n));
  mkdirSync(dir);
  let load: ReportLoad | null = null;
  if (opts.report) {
    ctx.log(`generating a 4 h report meeting of ${n.toLocaleString('en-US')} points…`);
    const data = generateReportData({
      file: join(dir, 'diemcau.sqlite'),
      points: n,
      sessionHours: 4,
      lineTestMinutes: 60,
    });
    load = { meeting: data.meeting.id, rollups: data.rollups, results: [] };
  }
  const server = await startServer(n, dir);
  try {
    const { pid, info } = server;
    let mark = treeMarkAll(pid);
    let bytes0 = 0;
    let rows0 = 0;
    let rss = 0;
    let rssParts = treeRssAll(pid);
    /** [ms since the clients were ready, RSS] every second; empty until then. */
    let samples: [number, number][] = [];
    let readyAt = 0;
    const sampler = setInterval(() => {
      const now = treeRssAll(pid);
      if (now.total > rss) {
        rss = now.total;
        rssParts = now;
      }
      if (readyAt > 0) samples.push([Date.now() - readyAt, now.total]);
    }, 1000);
    let outages0 = 0;
    let asked: Promise<void> = Promise.resolve();
    const r = await runClients(info.url, info.cookie, clients, seconds * 1000, () => {
      mark = treeMarkAll(pid);
      bytes0 = dbBytes(info.dbFile);
      rows0 = rollupRows(info.dbFile);
      rss = 0;
      samples = [];
      readyAt = Date.now();
      if (load) {
        const l = load;
        asked = outageCount(info.url, info.cookie).then(async (c) => {
          outages0 = c;
          await new Promise((res) => setTimeout(res, 10_000));
          await askReports(info.url, info.cookie, l);
        });
      }
    });
    await asked;
    const cpu = treeCpuBetween(mark, treeMarkAll(pid));
    const outagesAfter = load ? await outageCount(info.url, info.cookie) : 0;
    clearInterval(sampler);
    // RSS over the first and the last minute of the window (the whole window when shorter).
    const lastT = samples.length > 0 ? samples[samples.length - 1]![0] : 0;
    const firstMin = meanMiB(samples.filter(([t]) => t <= 60_000));
    const lastMin = meanMiB(samples.filter(([t]) => t > lastT - 60_000));
    const after = { bytes: dbBytes(info.dbFile), rows: rollupRows(info.dbFile) };
    const up = await server.stop();
    const upBefore = info.up;
    const perHour = 3600 / r.seconds;
    const bytesH = (after.bytes - bytes0) * perHour;
    const rowsH = (after.rows - rows0) * perHour;
    const label = `e2e ${n.toLocaleString('en-US')} pts`;
    const big = n >= 10_000;
    const live = big && !load;
    ctx.log(`${label}: ${JSON.stringify({ cpu, rss, rssParts, r, up, upBefore, load, outages0, outagesAfter })}`);
    const reportRows: BenchResult[] = load
      ? [
          ...load.results.map((x): BenchResult => ({
            name: `${label}: ${x.what} of a 4 h meeting, during the run`,
            value: Math.round(x.seconds * 10) / 10,
            unit: 's',
            ok: x.status === 200,
            target: 'HTTP 200',
            note: `${x.mib.toFixed(1)} MiB, ${load!.rollups.toLocaleString('en-US')} rollups`,
          })),
          {
            name: `${label}: outages written during the run`,
            value: outagesAfter - outages0,
            unit: '',
            target: '0',
            ok: outagesAfter === outages0,
          },
        ]
      : [];
    return [
      {
        name: `${label}: server CPU (both processes + fping)`,
        value: pct(cpu.total),
        unit: '% of a core',
        // The live path's budgets; with a report the server also carries the report's worker (recorded).
        target: live ? '< 100 %' : undefined,
        ok: live ? cpu.total < 1 : undefined,
        note:
          `${load ? 'with the report, XLSX and PDF in the server: ' : ''}server ${pct(cpu.server)} %, monitor ${pct(cpu.monitor)} %, fping ${pct(cpu.fping)} %` +
          `${cpu.other > 0.001 ? `, other ${pct(cpu.other)} %` : ''}; machine ${pct(cpu.machine)} % of all cores; ` +
          `${up.toLocaleString('en-US')} up`,
      },
      {
        name: `${label}: peak RSS (both processes + fping)`,
        value: mib(rss),
        unit: 'MiB',
        target: live ? '< 400 MB' : undefined,
        ok: live ? rss < 400e6 : undefined,
        note:
          `server ${mib(rssParts.server)}, monitor ${mib(rssParts.monitor)}, fping ${mib(rssParts.fping)} MiB at the peak; ` +
          `mean ${firstMin} MiB over the first minute, ${lastMin} MiB over the last`,
      },
      ...reportRows,
      {
        name: `${label}: probe→client latency p50`,
        value: r.p50,
        unit: 'ms',
        note: `${r.latencies.toLocaleString('en-US')} deltas, max ${Math.round(r.max)} ms, ${r.gaps} seq gaps`,
      },
      {
        name: `${label}: probe→client latency p99`,
        value: r.p99,
        unit: 'ms',
        target: big ? '< 500 ms' : undefined,
        ok: big ? r.p99 < 500 : undefined,
        note: `${r.clients} clients`,
      },
      {
        name: `${label}: bytes to each client`,
        value: Math.round((r.bytesPerClientPerSecond / 1024) * 10) / 10,
        unit: 'KiB/s',
        note: `${r.deltasPerClientPerSecond.toFixed(1)} deltas/s, ${Math.round(r.statusesPerClientPerSecond)} statuses/s`,
      },
      {
        name: `${label}: snapshot on the wire`,
        value: Math.round((r.snapshotWireBytes / 1024) * 10) / 10,
        unit: 'KiB',
        target: big ? '< 300 kB' : undefined,
        ok: big ? r.snapshotWireBytes < 300_000 : undefined,
        note: `${Math.round(r.snapshotJsonBytes / 1024)} KiB of JSON; ${r.clients} joins took ${Math.round(r.joinMs)} ms`,
      },
      {
        name: `${label}: database growth`,
        value: Math.round((bytesH / 2 ** 20) * 10) / 10,
        unit: 'MiB/h',
        note: `${Math.round(rowsH).toLocaleString('en-US')} rollup rows/h (file + WAL growth)`,
      },
    ];
  } finally {
    await server.stop();
  }
}

/**
 * The largest size held for 20 minutes (not in a plain `npm run bench`; name it): the 60 s run shows
 * the floor is met, this one that memory stays there — the heap settles and nothing creeps.
 */
export const e2eLongPart: BenchPart = {
  name: 'e2e-long',
  optional: true,
  description:
    'End to end, held: 10,000 loopback points at 1 Hz with 100 dashboard clients for 20 minutes (the e2e setup), RSS every second.',
  async run(ctx) {
    return size(ctx, ctx.quick ? 1_000 : 10_000, ctx.quick ? 60 : 20 * 60, ctx.quick ? 20 : 100);
  },
};

/** The report of a 4 h, 10,000-point meeting with its XLSX and PDF asked for during the live run. */
export const e2eReportPart: BenchPart = {
  name: 'e2e-report',
  optional: true,
  description:
    'End to end with a report: 10,000 loopback points at 1 Hz, 100 dashboards, and 10 s in the report, XLSX and PDF of another 10,000-point 4 h meeting (~18 M rollups) asked for; latency, CPU per process and outages written.',
  async run(ctx) {
    return size(ctx, ctx.quick ? 1_000 : 10_000, ctx.quick ? 30 : 60, ctx.quick ? 20 : 100, { report: true });
  },
};

export const e2ePart: BenchPart = {
  name: 'e2e',
  description:
    'End to end: the real app (fping, SQLite, Socket.IO) with N loopback points at 1 Hz in a live meeting and 100 dashboard clients (socket.io-client, separate process, one session); latency from the probe send time (`probedAt`) to receipt.',
  async run(ctx) {
    const sizes = ctx.quick ? [1_000] : [1_000, 5_000, 10_000];
    const seconds = ctx.quick ? 15 : 60;
    const clients = ctx.quick ? 20 : 100;
    const out: BenchResult[] = [];
    for (const n of sizes) out.push(...(await size(ctx, n, seconds, clients)));
    return out;
  },
};
