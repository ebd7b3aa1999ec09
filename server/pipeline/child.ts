// The monitor process: scheduler, probe engines, status board, outage recorder, rollup buffer and the
// run log on an event loop of their own, with a connection of their own to the database. Nothing the
// server's requests do (a report, an upload, a thousand dashboards) can delay it; it tells the server
// what changed in batches (server/pipeline/messages.ts) and stops when told or when the server is gone.
import { systemClock } from '../clock';
import { Inventory } from '../inventory/inventory';
import { makeLogger } from '../logger';
import { Monitor } from '../monitor';
import { createEngine } from '../probe';
import { emptyPointFields } from '../status/board';
import { RunLog } from '../store/runs';
import { FiguresGate, rowKey } from './figures';
import { openStore } from '../store/open';
import { MONITOR_NICE, raiseThisThread } from '../workers/nice';
import {
  FENCED_EXIT,
  FIGURES_MS,
  type FromMonitor,
  type MonitorConfig,
  type PipelineEvent,
  type StatusRow,
  type ToMonitor,
} from './messages';

const config = JSON.parse(process.env.DIEMCAU_MONITOR ?? 'null') as MonitorConfig | null;
if (!config || typeof process.send !== 'function') {
  process.stderr.write('diemcau: the monitor process is started by `diemcau serve`, not by hand\n');
  process.exit(2);
}
const send = (m: FromMonitor): void => {
  if (process.connected) process.send!(m);
};

const logger = makeLogger(config.logLevel, 'monitor');
// First, before fping is spawned (it inherits the value): the probes' reader goes before dashboards.
const nice = raiseThisThread(MONITOR_NICE);
if (nice > MONITOR_NICE) {
  logger.warn(
    { nice, wanted: MONITOR_NICE },
    'monitor process: could not raise its priority (needs LimitNICE=-10 or CAP_SYS_NICE, docs/DEPLOY.md); when the CPU is short, probes may be read late',
  );
} else logger.info({ nice }, 'monitor process: priority raised above the server');
const clock = systemClock;
const store = await openStore(config.db, {
  logger,
  sqlite: { checkpoint: 'none' },
  pgMax: 4,
  fence: config.fence,
  // Another instance's monitor holds the lease now: this one must not go on.
  onFenced: (err) => {
    logger.error({ err }, 'monitor process: fenced off by a newer monitor; exiting');
    process.exit(FENCED_EXIT);
  },
});
const inventory = await Inventory.open(store);
const monitor = new Monitor({
  inventory,
  store,
  clock,
  logger,
  engine: (o) => createEngine({ ...o, kind: config.engine }),
  oneOff: (o) => createEngine({ ...o, kind: 'ping' }),
  status: config.status,
  cadence: config.cadence,
  windows: config.windows,
  rollupFlushMs: config.rollupFlushMs,
  grouping: config.grouping,
  agentSilentMs: config.agentSilentMs,
  blind: { clockJumps: true, ...config.blind },
});

let events: PipelineEvent[] = [];
const message = (err: unknown): string | undefined =>
  err === undefined ? undefined : err instanceof Error ? err.message : String(err);
monitor.board.onTransition((transition) => events.push({ kind: 'transition', transition }));
monitor.onOutage((event) => events.push({ kind: 'outage', event }));
monitor.onWrite((source, ok, pending, err) => events.push({ kind: 'write', source, ok, pending, error: message(err) }));
monitor.onBlind((span) => events.push({ kind: 'blind', span }));
monitor.onStats((stats) => send({ type: 'stats', stats }));
const runs = new RunLog({
  store,
  clock,
  logger,
  heartbeatMs: config.heartbeatMs,
  onWrite: (ok, pending, err) => events.push({ kind: 'write', source: 'runs', ok, pending, error: message(err) }),
});

const scratch = emptyPointFields();
function row(code: string): StatusRow | null {
  const f = monitor.board.read(code, scratch);
  if (!f) return null;
  // Rows only for a point with more than its line: at 1 Hz most points change every second, and the
  // batch for a line-only point stays as allocation-free as its status read.
  const targets = monitor.board.hasMoreTargets(code) ? monitor.board.targetRows(code) : null;
  return [
    code,
    f.state,
    f.rtt,
    f.loss,
    f.jitter,
    f.since,
    f.backup,
    monitor.board.probedAt(code),
    f.endpoint,
    f.inCall,
    targets,
    monitor.board.knownAt(code),
  ];
}

const gate = new FiguresGate(config.figuresMs ?? FIGURES_MS);

let sentSinceAlive = false;
function flush(full: boolean): void {
  const codes = monitor.board.drainChanged();
  const list = full ? inventory.listPoints().map((p) => p.code) : codes;
  const now = Date.now();
  const rows: StatusRow[] = [];
  for (const code of list) {
    const r = row(code);
    if (!r) continue;
    if (full) gate.sentNow(code, rowKey(r), now);
    else if (!gate.admit(code, rowKey(r), now)) continue;
    rows.push(r);
  }
  // The held points that are due, with their figures as they are now.
  for (const code of gate.due(now)) {
    const r = row(code);
    if (!r) continue;
    gate.sentNow(code, rowKey(r), now);
    rows.push(r);
  }
  if (!full && rows.length === 0 && events.length === 0) return;
  send({ type: 'batch', full, rows, events });
  events = [];
  sentSinceAlive = true;
}

// [AG10] The agents' states: on change (at most every agentsMs), and once a second regardless, so the
// server's agents() and their lag stay current without a message per batch.
let agentsDirty = true;
let agentsSentAt = 0;
let agentsEmptySent = false;
monitor.onAgents(() => {
  agentsDirty = true;
});
function sendAgents(force: boolean): void {
  const now = Date.now();
  if (!force && !(agentsDirty && now - agentsSentAt >= (config!.agentsMs ?? 250)) && now - agentsSentAt < 1_000) return;
  agentsDirty = false;
  agentsSentAt = now;
  const agents = monitor.agents();
  // A province without agents: said once (and on a resync), not every second over IPC and the bus.
  if (!force && agents.length === 0 && agentsEmptySent) return;
  agentsEmptySent = agents.length === 0;
  send({ type: 'agents', agents });
}

// [AG9] Agents' batches and contacts in the order posted, taken in a few milliseconds' worth at a time:
// 40 agents' second of results (40,000) in one message would hold this loop ~0.5 s, and the blind-span
// watch would take the monitor's own stand-still for a fault (bench/RESULTS.md, agents).
type AgentWork = Extract<ToMonitor, { type: 'agentIngest' | 'agentContact' }>;
const agentWork: AgentWork[] = [];
let agentHead = 0;
let agentDraining = false;
const AGENT_SLICE_MS = 10;
const AGENT_SLICE_RESULTS = 2_000;
function drainAgents(): void {
  if (agentDraining) return;
  agentDraining = true;
  setImmediate(() => agentPass(AGENT_SLICE_MS));
}
function agentPass(budgetMs: number): void {
  const until = performance.now() + budgetMs;
  while (agentHead < agentWork.length && performance.now() < until) {
    const w = agentWork[agentHead]!;
    if (w.type === 'agentContact') {
      monitor.agentContact(w.agent, w.contact);
      agentHead++;
      continue;
    }
    const b = w.batches[0];
    if (b === undefined) {
      agentHead++;
      continue;
    }
    if (b.results.length <= AGENT_SLICE_RESULTS) {
      monitor.ingestAgent(b);
      w.batches.shift();
    } else {
      // A batch taken in slices is the same batch: its results in order, its contact each time.
      monitor.ingestAgent({ ...b, results: b.results.slice(0, AGENT_SLICE_RESULTS) });
      b.results = b.results.slice(AGENT_SLICE_RESULTS);
    }
  }
  if (agentHead > 0 && agentHead === agentWork.length) {
    agentWork.length = 0;
    agentHead = 0;
  }
  agentDraining = false;
  if (agentHead < agentWork.length) drainAgents();
}

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(batchTimer);
  clearInterval(aliveTimer);
  clearInterval(agentsTimer);
  try {
    // What the server handed over before its "stop" is the monitor's to take in.
    agentPass(Infinity);
    await monitor.stop();
    await runs.stop();
    flush(false);
    await store.close();
  } catch (err) {
    logger.error({ err }, 'monitor process: stop failed');
    code = 1;
  }
  process.exit(code);
}

process.on('message', (m: ToMonitor) => {
  if (m.type === 'inventory') {
    inventory
      .reload()
      .then(() => gate.retain(new Set(inventory.listPoints().map((p) => p.code))))
      .catch((err: unknown) => logger.error({ err }, 'monitor process: inventory reload failed'));
  } else if (m.type === 'fence') {
    store.refence?.(m.epoch);
    logger.info({ epoch: m.epoch }, 'monitor process: writing under the lease taken again');
  } else if (m.type === 'resync') {
    // Whoever asks may never have heard the start (another instance's view): the engine again.
    send({ type: 'ready', engine: monitor.engineName, pid: process.pid });
    flush(true);
    sendAgents(true);
  } else if (m.type === 'agentIngest' || m.type === 'agentContact') {
    agentWork.push(m);
    drainAgents();
  } else if (m.type === 'stop') void shutdown(0);
});
// The server is gone (killed, crashed): nobody is left to read what this process sees.
process.on('disconnect', () => void shutdown(0));
// Ctrl-C reaches the whole process group; the server decides when its monitor stops.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
process.on('uncaughtException', (err) => {
  logger.fatal({ err }, 'monitor process failed');
  send({ type: 'fatal', message: err.message });
  process.exit(1);
});

const batchTimer = setInterval(() => flush(false), config.batchMs ?? 50);
const agentsTimer = setInterval(() => sendAgents(false), Math.min(config.agentsMs ?? 250, 1_000));
const aliveTimer = setInterval(() => {
  if (!sentSinceAlive) send({ type: 'alive' });
  sentSinceAlive = false;
}, config.aliveMs ?? 500);

await runs.start();
await monitor.start();
send({ type: 'ready', engine: monitor.engineName, pid: process.pid });
flush(true);
