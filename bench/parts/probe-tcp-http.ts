// The tcp and http engines at 1 Hz against local listeners: CPU of the engine's process per 1,000
// probes and the most targets each keeps up with. The listeners (16 loopback addresses, a net server
// and an http server answering 204 on each) run in a child process, so the engine's figure is its
// own; both share the machine's cores, so the ceiling is the machine's, not the engine's alone.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import pino from 'pino';
import { systemClock } from '../../server/clock';
import { HttpEngine } from '../../server/probe/http';
import type { KindEngine, ProbeJob } from '../../server/probe/kinds';
import { TcpEngine } from '../../server/probe/tcp';
import { climb, msPerThousand, pctOfCore } from '../lib/ladder';
import type { BenchContext, BenchPart, BenchResult } from '../lib/types';

const INTERVAL = 1000;
const ADDRESSES = 16;
const logger = pino({ level: 'silent' });

const LISTENERS = `
const net = require('node:net');
const http = require('node:http');
const n = Number(process.argv[1]);
const ports = [];
let pending = n * 2;
const done = () => { if (--pending === 0) process.stdout.write(JSON.stringify(ports) + '\\n'); };
for (let i = 0; i < n; i++) {
  const host = '127.43.0.' + (i + 1);
  const entry = { host, tcp: 0, http: 0 };
  ports.push(entry);
  const t = net.createServer((s) => { s.on('error', () => {}); s.resume(); });
  t.listen({ host, port: 0, backlog: 4096 }, () => { entry.tcp = t.address().port; done(); });
  const h = http.createServer((q, r) => { r.writeHead(204); r.end(); });
  h.keepAliveTimeout = 1000;
  h.on('clientError', (e, s) => s.destroy());
  h.listen({ host, port: 0, backlog: 4096 }, () => { entry.http = h.address().port; done(); });
}
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

interface Listener {
  host: string;
  tcp: number;
  http: number;
}

async function startListeners(): Promise<{ child: ChildProcess; listeners: Listener[] }> {
  const child = spawn(process.execPath, ['-e', LISTENERS, String(ADDRESSES)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const listeners = await new Promise<Listener[]>((resolve, reject) => {
    let text = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (s: string) => {
      text += s;
      if (text.includes('\n')) resolve(JSON.parse(text) as Listener[]);
    });
    child.once('exit', (code) => reject(new Error(`listeners exited (${code})`)));
  });
  return { child, listeners };
}

async function stopListeners(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin!.end();
  const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(kill);
}

type Kind = 'tcp' | 'http';

function jobs(kind: Kind, n: number, listeners: Listener[]): ProbeJob[] {
  return Array.from({ length: n }, (_, i): ProbeJob => {
    const l = listeners[i % listeners.length]!;
    const target =
      kind === 'tcp'
        ? { kind: 'tcp' as const, host: l.host, port: l.tcp, role: 'endpoint' as const }
        : { kind: 'http' as const, url: `http://${l.host}:${l.http}/`, role: 'endpoint' as const };
    return { id: `${kind}-bench-${i}`, target, intervalMs: INTERVAL, timeoutMs: INTERVAL };
  });
}

interface Step {
  n: number;
  results: number;
  up: number;
  cpuMs: number;
  seconds: number;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function step(kind: Kind, n: number, listeners: Listener[], warmS: number, measureS: number): Promise<Step> {
  let results = 0;
  let up = 0;
  const opts = {
    clock: systemClock,
    logger,
    onResult: (r: { rtt: number | null }) => {
      results++;
      if (r.rtt !== null) up++;
    },
  };
  const engine: KindEngine = kind === 'tcp' ? new TcpEngine(opts) : new HttpEngine(opts);
  try {
    engine.setJobs(jobs(kind, n, listeners));
    await new Promise((r) => setTimeout(r, warmS * 1000));
    const r0 = results;
    const u0 = up;
    const c0 = cpuMs();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, measureS * 1000));
    const c1 = cpuMs();
    return { n, results: results - r0, up: up - u0, cpuMs: c1 - c0, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await engine.close();
  }
}

/** Keeps up: ≥ 97 % of the expected results arrived, and ≥ 99 % of them were up. */
const keepsUp = (s: Step): boolean => s.results >= 0.97 * s.n * s.seconds && s.up >= 0.99 * s.results;

async function ladder(ctx: BenchContext, kind: Kind, listeners: Listener[], sizes: number[]): Promise<BenchResult[]> {
  // Thousands of first connects meet a cold JIT in both processes: ~5 s of backlog before steady state.
  const warm = ctx.quick ? 4 : 8;
  const measure = ctx.quick ? 4 : 10;
  const { best, failed, ref, perK } = await climb(
    sizes,
    (n) => step(kind, n, listeners, warm, measure),
    keepsUp,
    (s, ok) =>
      ctx.log(
        `${kind} ${s.n}: ${Math.round(s.results / s.seconds)} results/s, ${Math.round(s.up / s.seconds)} up/s, ` +
          `${Math.round(s.cpuMs / s.seconds / 10)} % CPU, ${ok ? 'keeps up' : 'falls behind'}`,
      ),
  );
  // Other work on the machine takes the cores the engine waits for: say how busy it was.
  const load = `load average ${loadavg()[0]!.toFixed(1)}`;
  return [
    {
      name: `probe engines: ${kind}, CPU per 1,000 probes`,
      value: Math.round(msPerThousand(ref) * 10) / 10,
      unit: 'ms',
      note: `engine process only, at ${ref.n.toLocaleString('en-US')} targets (ms per 1,000 by size: ${perK}); ${load}`,
    },
    {
      name: `probe engines: ${kind}, targets sustained at 1 Hz`,
      value: best?.n ?? 0,
      unit: 'targets',
      note: failed
        ? `falls behind at ${failed.n.toLocaleString('en-US')}: ${Math.round(failed.results / failed.seconds)} results/s, ${pctOfCore(failed.cpuMs, failed.seconds)} % CPU; ${load}`
        : `largest size tried (${sizes.length} steps); ${pctOfCore(ref.cpuMs, ref.seconds)} % CPU there; ${load}`,
    },
  ];
}

export const tcpHttpProbePart: BenchPart = {
  name: 'probe-tcp-http',
  description:
    'The tcp and http probe engines at 1 Hz against local listeners (a child process, 16 loopback addresses): CPU of the engine process per 1,000 probes and the most targets each keeps up with.',
  async run(ctx) {
    const { child, listeners } = await startListeners();
    try {
      return [
        ...(await ladder(ctx, 'tcp', listeners, ctx.quick ? [500, 2000] : [1000, 2000, 4000, 8000, 16_000])),
        ...(await ladder(ctx, 'http', listeners, ctx.quick ? [250, 1000] : [500, 1000, 2000, 4000, 8000])),
      ];
    } finally {
      await stopListeners(child);
    }
  },
};
