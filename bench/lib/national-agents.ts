// The national bench's agents, in a process of their own so their work is not counted as the centre's:
// one real `Agent` (server/agent/run.ts: the centre's schedule, its scheduler, the outbox on disk, the
// binary batch codec, Socket.IO to `/agent` with the token header, acks honoured) per province, each
// with SIMULATED PROBING (bench/lib/simulated-probing.ts) as its ICMP engine.
// Usage: tsx bench/lib/national-agents.ts <config.json>; prints "started"; a line "go" on stdin starts
// the scripted outages (their times are relative to it); SIGTERM stops every agent (outboxes closed).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { Agent } from '../../server/agent/run';
import { Outbox } from '../../server/agent/outbox';
import { simulatedProbing, type ProbingScript } from './simulated-probing';

export interface AgentsConfig {
  agents: { name: string; server: string; tokenFile: string; outbox: string }[];
  /** Between one agent's start and the next's. */
  staggerMs: number;
  /** Scripted outages, from `at` ms after "go" for `forMs`. */
  downs: { host: string; at: number; forMs: number }[];
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: national-agents.ts config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as AgentsConfig;
  // Warnings and above only, on stderr (the bench keeps them in a file): acks timing out, batches
  // slowed down or refused are what a loaded centre would show here.
  const logger = pino({ level: 'warn', base: { role: 'agents' } }, pino.destination(2));
  const script: ProbingScript = { downs: [] };
  const icmp = simulatedProbing(script);
  const agents = config.agents.map((a) => {
    const outbox = Outbox.open(a.outbox, { logger: logger.child({ agent: a.name }) });
    return new Agent({
      server: a.server,
      tokenFile: a.tokenFile,
      engine: 'fping',
      logger: logger.child({ agent: a.name }),
      outbox,
      icmp,
    });
  });
  // One after another, `staggerMs` apart: 40 links opened in the same second, each followed by a
  // schedule of 1,000 points and a first batch that turns 1,000 unknown points up, starved the centre of
  // this 2-core machine (bench/RESULTS.md, "The national run").
  for (const a of agents) {
    await a.start();
    await new Promise((r) => setTimeout(r, config.staggerMs));
  }
  process.stdout.write('started\n');
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line !== 'go') return;
    const t0 = Date.now();
    script.downs = config.downs.map((d) => ({ host: d.host, from: t0 + d.at, to: t0 + d.at + d.forMs }));
    process.stdout.write(`go ${t0}\n`);
  });
  await new Promise<void>((resolve) => process.once('SIGTERM', resolve));
  await Promise.all(agents.map((a) => a.stop()));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
