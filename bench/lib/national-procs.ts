// The national bench's own processes besides `serve` (bench/lib/cluster-procs.ts): the synthetic agents
// (bench/lib/national-agents.ts) and the dashboards (bench/lib/national-clients.ts), each driven by
// lines on its stdin and answering on its stdout; killed with what they started when the run ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { terminate } from './cluster-procs';
import type { NationalClientsResult } from './national-clients';

const ROOT = join(import.meta.dirname, '..', '..');

export interface LineProcess {
  pid: number;
  /** Resolves with the first stdout line `match` accepts (rejects if the process exits first). */
  line(match: (line: string) => boolean, what: string): Promise<string>;
  send(line: string): void;
  stop(): Promise<void>;
}

/** `node --import tsx <script> …args`, stderr into `log` (and its tail kept for errors). */
function spawnScript(script: string, args: string[], log: string): LineProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  const file = createWriteStream(log, { flags: 'a' });
  child.stderr!.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-4_000);
    file.write(b);
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting = new Set<{ match: (l: string) => boolean; resolve: (l: string) => void }>();
  lines.on('line', (l) => {
    for (const w of waiting) {
      if (w.match(l)) {
        waiting.delete(w);
        w.resolve(l);
      }
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    line: (match, what) =>
      new Promise((resolve, reject) => {
        waiting.add({ match, resolve });
        void exited.then(() => reject(new Error(`${script} exited before ${what}: ${err.slice(-2_000)}`)));
      }),
    send: (l) => void child.stdin!.write(`${l}\n`),
    async stop() {
      await terminate(child, 20_000);
      file.end();
    },
  };
}

/** The synthetic agents (config: bench/lib/national-agents.ts AgentsConfig); resolves once started. */
export async function spawnAgents(config: string, log: string): Promise<LineProcess> {
  const p = spawnScript('bench/lib/national-agents.ts', [config], log);
  try {
    await p.line((l) => l === 'started', 'starting');
  } catch (err) {
    await p.stop();
    throw err;
  }
  return p;
}

export interface ClientsHandle {
  pid: number;
  ready: Promise<string>;
  measure(): void;
  report(): Promise<NationalClientsResult>;
  stop(): Promise<void>;
}

/** `overviews` overview dashboards and one grid per entry of `units` on `url` (bench/lib/national-clients.ts). */
export function spawnNationalClients(o: {
  url: string;
  cookie: string;
  meeting: string;
  overviews: number;
  units: readonly string[];
  log: string;
}): ClientsHandle {
  const p = spawnScript(
    'bench/lib/national-clients.ts',
    [o.url, o.cookie, o.meeting, String(o.overviews), o.units.join(',')],
    o.log,
  );
  const ready = p.line((l) => l === 'ready', 'joining');
  ready.catch(() => {});
  return {
    pid: p.pid,
    ready,
    measure: () => p.send('measure'),
    async report() {
      const line = p.line((l) => l.startsWith('{'), 'reporting');
      p.send('report');
      return JSON.parse(await line) as NationalClientsResult;
    },
    stop: () => p.stop(),
  };
}
