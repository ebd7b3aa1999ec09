// End to end: the real app (fping engine, SQLite file, Socket.IO) with 1,000 / 5,000 / 10,000 loopback
// points at 1 Hz in a live meeting and 100 dashboard clients in a separate process, 60 s per size.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { startTestApp } from '../../tests/helpers/app';
import type { ClientsResult } from '../lib/clients';
import { childPids, cpuBetween, cpuMark, procRss } from '../lib/cpu';
import { liveMeeting, syntheticProvince } from '../lib/province';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const ROOT = join(import.meta.dirname, '..', '..');
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

async function size(ctx: BenchContext, n: number, seconds: number, clients: number): Promise<BenchResult[]> {
  const dir = join(ctx.dir, String(n));
  mkdirSync(dir);
  const { units, points } = syntheticProvince(n, 40);
  const t = await startTestApp({ dir, units, points, meetings: [liveMeeting(MEETING)], engine: 'fping' });
  try {
    const board = t.app.monitor.board;
    const deadline = Date.now() + 60_000;
    while (board.statuses().filter((s) => s.state === 'up').length < n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
    }
    const upBefore = board.statuses().filter((s) => s.state === 'up').length;
    let mark = cpuMark('fping');
    let bytes0 = 0;
    let rows0 = 0;
    let rss = 0;
    const sampler = setInterval(() => {
      const fping = childPids('fping').reduce((sum, p) => sum + procRss(p), 0);
      rss = Math.max(rss, process.memoryUsage().rss + fping);
    }, 1000);
    const r = await runClients(t.url, t.cookie, clients, seconds * 1000, () => {
      mark = cpuMark('fping');
      bytes0 = dbBytes(t.dbFile);
      rows0 = rollupRows(t.dbFile);
      rss = 0;
    });
    const cpu = cpuBetween(mark, cpuMark('fping'));
    clearInterval(sampler);
    const perHour = 3600 / r.seconds;
    const bytesH = (dbBytes(t.dbFile) - bytes0) * perHour;
    const rowsH = (rollupRows(t.dbFile) - rows0) * perHour;
    const up = board.statuses().filter((s) => s.state === 'up').length;
    const label = `e2e ${n.toLocaleString('en-US')} pts`;
    const big = n >= 10_000;
    ctx.log(`${label}: ${JSON.stringify({ cpu, rss, r, up, upBefore })}`);
    return [
      {
        name: `${label}: server CPU (node + fping)`,
        value: Math.round(cpu.cores * 1000) / 10,
        unit: '% of a core',
        target: big ? '< 100 %' : undefined,
        ok: big ? cpu.cores < 1 : undefined,
        note: `node ${Math.round((cpu.selfMs / r.seconds / 10) * 10) / 10} %, fping ${Math.round((cpu.childMs / r.seconds / 10) * 10) / 10} %; ${up.toLocaleString('en-US')} up`,
      },
      {
        name: `${label}: peak RSS (node + fping)`,
        value: Math.round((rss / 2 ** 20) * 10) / 10,
        unit: 'MiB',
        target: big ? '< 400 MB' : undefined,
        ok: big ? rss < 400e6 : undefined,
      },
      {
        name: `${label}: probe→client latency p50`,
        value: r.p50,
        unit: 'ms',
        note: `${r.latencies.toLocaleString('en-US')} deltas, max ${r.max} ms, ${r.gaps} seq gaps`,
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
    await t.dispose();
  }
}

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
