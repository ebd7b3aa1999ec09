// The monitor process seen from the server: it forks server/pipeline/child.ts, mirrors its statuses
// (server/pipeline/mirror.ts), forwards its transitions, outages, write reports and blind spans, and
// restarts it if it dies. While it is silent (stopped, stuck) or restarting, every point is shown
// unknown: the dashboard never says "up" for a time nobody watched.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { TestNowResult } from '../../shared/protocol';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import { createEngine } from '../probe';
import { defaultKindEngines } from '../probe/engines';
import { ProbeRouter } from '../probe/router';
import { ParticipationIndex } from '../schedule/participation';
import type { BlindSpan } from '../status/blind';
import type { OutageListener } from '../status/outages';
import { FENCED_EXIT, type FromMonitor, type MonitorConfig, type ToMonitor } from './messages';

type AgentWork = Extract<ToMonitor, { type: 'agentIngest' | 'agentContact' }>;

/**
 * [AG9] Agents' results held while no monitor listens (its process restarting, a failover under way),
 * posted once one does; beyond this many the oldest batches are dropped, counted and logged. 200,000
 * results: 5 s of 40 agents × 1,000 points at 1 Hz, some 60 MB.
 */
export const MAX_HELD_RESULTS = 200_000;
import type { MonitorStats } from '../metrics/monitor-stats';
import { MirrorBoard } from './mirror';
import type { MonitorPort, WriteListener } from './port';
import { testPoint } from './test-now';
import type { AgentContact, AgentIngest, AgentState } from '../agent/contract';

const ENTRY = join(import.meta.dirname, 'child-entry.mjs');

export interface RemoteMonitorOptions {
  config: MonitorConfig;
  inventory: Inventory;
  clock: Clock;
  logger: Logger;
  /** Silence longer than this shows every point unknown (default 3 s; the process says "alive" twice a second). */
  silentMs?: number;
  /** How long the process may take to start (default 30 s). */
  startMs?: number;
  /** Restart backoff: 1 s, doubling, at most this (default 30 s). */
  restartMaxMs?: number;
  /**
   * Where the monitor's messages come from: the process this forks (default), or another instance's
   * monitor whose messages are handed to receive() (server/cluster/monitor.ts), commands going to `send`.
   */
  external?: { send(m: ToMonitor): void };
  /** Every message of the forked process, as it arrives (the active monitor's bus publisher). */
  relay?: (m: FromMonitor) => void;
  /** The process exited fenced off (FENCED_EXIT): it is not restarted; the cluster decides what follows. */
  onFenced?: () => void;
}

export class RemoteMonitor implements MonitorPort {
  readonly board: MirrorBoard;
  private readonly participation = new ParticipationIndex();
  private readonly oneOff: ProbeRouter;
  private child: ChildProcess | null = null;
  private engine = 'unknown';
  private lastHeard = 0;
  private lastCheck = 0;
  private silent = false;
  private stopping = false;
  private failures = 0;
  private readyAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly outageListeners = new Set<OutageListener>();
  private readonly writeListeners = new Set<WriteListener>();
  private readonly blindListeners = new Set<(span: BlindSpan) => void>();
  private readonly statsListeners = new Set<(stats: MonitorStats) => void>();
  /** [AG9] Agents' batches not yet posted: gathered over one turn of the event loop into one message. */
  private agentBatches: AgentIngest[] = [];
  private agentPost: NodeJS.Immediate | undefined;
  /** Agents' work held while no monitor listens, in order. */
  private held: AgentWork[] = [];
  private heldResults = 0;
  private heldDropped = 0;
  /** The forked process said "ready" (it listens to messages from then on). */
  private childReady = false;
  /** [AG10] The agents' states as the monitor last sent them. */
  private agentStates: AgentState[] = [];

  constructor(private readonly o: RemoteMonitorOptions) {
    this.board = new MirrorBoard(o.logger);
    this.oneOff = new ProbeRouter({
      clock: o.clock,
      logger: o.logger,
      icmp: (e) => createEngine({ ...e, kind: 'ping' }),
      engines: defaultKindEngines(),
      onResult: () => undefined,
      onGap: () => undefined,
    });
    o.inventory.onChange(() => {
      this.reindex();
      this.post({ type: 'inventory' });
    });
    this.reindex();
  }

  get engineName(): string {
    return this.engine;
  }

  /** The monitor process's pid while it runs (tests stop it on its own). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  pointsOf(meetingId: string): ReadonlySet<string> {
    return this.participation.pointsOf(meetingId);
  }

  meetingsOf(code: string): readonly string[] {
    return this.participation.meetingsOf(code);
  }

  onOutage(listener: OutageListener): void {
    this.outageListeners.add(listener);
  }

  onWrite(listener: WriteListener): void {
    this.writeListeners.add(listener);
  }

  onBlind(listener: (span: BlindSpan) => void): () => void {
    this.blindListeners.add(listener);
    return () => this.blindListeners.delete(listener);
  }

  onStats(listener: (stats: MonitorStats) => void): void {
    this.statsListeners.add(listener);
  }

  /**
   * [AG9] Posted to the monitor (its process, or over the command stream to the lease holder) with the
   * other batches of this turn of the event loop: one message for many agents' batches.
   */
  ingestAgent(batch: AgentIngest): void {
    this.agentBatches.push(batch);
    this.agentPost ??= setImmediate(() => this.postAgentBatches());
  }

  agentContact(agent: string, contact: AgentContact): void {
    // After the batches handed over before it: the monitor hears them in the order they came.
    this.postAgentBatches();
    this.postAgent({ type: 'agentContact', agent, contact });
  }

  /**
   * A command from another instance (the cluster's command stream, on the lease holder): agents' work is
   * held until the monitor process listens (it may be starting), the rest posted as it comes.
   */
  deliver(m: Exclude<ToMonitor, { type: 'stop' }>): void {
    if (m.type === 'agentIngest' || m.type === 'agentContact') this.postAgent(m);
    else this.post(m);
  }

  /** Results held while no monitor listens (a failover, a restart), and those given up since start. */
  get heldAgentResults(): { held: number; dropped: number } {
    return { held: this.heldResults, dropped: this.heldDropped };
  }

  /** The agents' states as the monitor last sent them (once a second at least, and on change). */
  agents(): AgentState[] {
    return this.agentStates;
  }

  private postAgentBatches(): void {
    if (this.agentPost) clearImmediate(this.agentPost);
    this.agentPost = undefined;
    if (this.agentBatches.length === 0) return;
    const batches = this.agentBatches;
    this.agentBatches = [];
    this.postAgent({ type: 'agentIngest', batches });
  }

  /**
   * Whether a monitor hears what is posted now: the forked process once ready; another instance's
   * monitor while it speaks (a command sent while none holds the lease is read by nobody: the next
   * holder reads the command stream from its end).
   */
  private listening(): boolean {
    if (this.o.external) return !this.silent && this.lastHeard !== 0;
    return this.childReady && this.child?.connected === true;
  }

  private postAgent(m: AgentWork): void {
    if (this.held.length === 0 && this.listening()) {
      this.post(m);
      return;
    }
    this.held.push(m);
    if (m.type === 'agentIngest') for (const b of m.batches) this.heldResults += b.results.length;
    // Oldest first out, whole batches; contacts are kept (they are few and say who is connected).
    let dropped = 0;
    for (let i = 0; i < this.held.length && this.heldResults > MAX_HELD_RESULTS; i++) {
      const h = this.held[i]!;
      if (h.type !== 'agentIngest') continue;
      while (h.batches.length > 0 && this.heldResults > MAX_HELD_RESULTS) {
        const n = h.batches.shift()!.results.length;
        this.heldResults -= n;
        dropped += n;
      }
    }
    if (dropped > 0) {
      if (this.heldDropped === 0)
        this.o.logger.error({ dropped }, 'agents: no monitor listens; the oldest held results are given up');
      this.heldDropped += dropped;
    }
  }

  /** A monitor listens again: what was held goes to it, in order. */
  private releaseHeld(): void {
    if (this.held.length === 0 || !this.listening()) return;
    const held = this.held;
    this.o.logger.info({ results: this.heldResults }, 'agents: held results posted to the monitor');
    this.held = [];
    this.heldResults = 0;
    for (const m of held) this.post(m);
  }

  testNow(code: string): Promise<TestNowResult> {
    return testPoint(this.o.inventory, this.oneOff, code);
  }

  /** Resolves once the process probes (its engine known); rejects if it cannot start. */
  start(): Promise<void> {
    this.stopping = false;
    this.watchdog = setInterval(() => this.checkSilence(), 250);
    this.watchdog.unref();
    if (this.o.external) {
      // Nothing heard yet: unknown until the active monitor speaks (checkSilence's rule, at once).
      this.lastHeard = 0;
      return Promise.resolve();
    }
    return this.spawn();
  }

  /** A message of the monitor, from wherever it runs (the external source). */
  receive(m: FromMonitor): void {
    this.heard();
    if (m.type === 'ready') this.engine = m.engine;
    else this.handle(m);
  }

  /** Asks the monitor for every status (a reader that may have missed messages). */
  resync(): void {
    this.post({ type: 'resync' });
  }

  /** Ends the forked process at once (the lease is lost: its successor writes now). */
  kill(): void {
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  async stop(): Promise<void> {
    // Batches handed over before the stop reach the monitor before its "stop".
    this.postAgentBatches();
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      // A stopped process cannot hear "stop": wake it first.
      child.kill('SIGCONT');
      this.post({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    this.child = null;
    await this.oneOff.close();
  }

  private spawn(): Promise<void> {
    const child = fork(ENTRY, [], {
      env: { ...process.env, DIEMCAU_MONITOR: JSON.stringify(this.o.config) },
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    this.lastHeard = Date.now();
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (ready) return;
        child.kill('SIGKILL');
        reject(new Error(`the monitor process did not start within ${(this.o.startMs ?? 30_000) / 1000} s`));
      }, this.o.startMs ?? 30_000);
      child.on('message', (m: FromMonitor) => {
        this.heard();
        this.o.relay?.(m);
        if (m.type === 'ready') {
          if (ready) return; // said again on a resync
          ready = true;
          this.childReady = true;
          this.releaseHeld();
          this.readyAt = Date.now();
          clearTimeout(timer);
          this.engine = m.engine;
          this.o.logger.info({ pid: m.pid, engine: m.engine }, 'monitor process running');
          resolve();
        } else this.handle(m);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.child === child) {
          this.child = null;
          this.childReady = false;
        }
        if (!ready) {
          reject(new Error(`the monitor process exited before it started (code ${code}, signal ${signal})`));
          return;
        }
        if (code === FENCED_EXIT) {
          this.o.logger.warn('monitor process fenced off by a newer epoch');
          this.board.allUnknown(this.o.clock.now());
          this.o.onFenced?.();
          return;
        }
        if (!this.stopping) this.died(code, signal);
      });
    });
  }

  private handle(m: Exclude<FromMonitor, { type: 'ready' }>): void {
    if (m.type === 'batch') this.batch(m);
    else if (m.type === 'stats') for (const l of this.statsListeners) l(m.stats);
    else if (m.type === 'agents') this.agentStates = m.agents;
    else if (m.type === 'fatal') this.o.logger.error({ message: m.message }, 'monitor process failed');
  }

  private batch(m: Extract<FromMonitor, { type: 'batch' }>): void {
    this.board.apply(m.rows);
    for (const e of m.events) {
      try {
        if (e.kind === 'transition') this.board.emit(e.transition);
        else if (e.kind === 'outage') for (const l of this.outageListeners) l(e.event);
        else if (e.kind === 'write') {
          const err = e.error === undefined ? undefined : new Error(e.error);
          for (const l of this.writeListeners) l(e.source, e.ok, e.pending, err);
        } else for (const l of this.blindListeners) l(e.span);
      } catch (err) {
        this.o.logger.error({ err, kind: e.kind }, 'monitor event listener failed');
      }
    }
  }

  private heard(): void {
    this.lastHeard = Date.now();
    if (this.silent) {
      this.silent = false;
      this.o.logger.info('monitor process heard again: resynchronising');
      this.post({ type: 'resync' });
    }
    this.releaseHeld();
  }

  private checkSilence(): void {
    const now = Date.now();
    const late = now - this.lastCheck > 1_000;
    this.lastCheck = now;
    // This loop stood still itself (a burst of joins, a GC): the monitor's messages may be waiting in
    // the pipe behind this very timer. Judge at the next check, once they have been read.
    if (late || this.silent || (this.child === null && !this.o.external)) return;
    if (now - this.lastHeard <= (this.o.silentMs ?? 3_000)) return;
    this.silent = true;
    // Never heard (an external view that just started): unknown from now, not since 1970.
    const silentMs = this.lastHeard === 0 ? 0 : now - this.lastHeard;
    if (this.lastHeard === 0) this.o.logger.warn('monitor process not heard yet: points shown unknown');
    else this.o.logger.warn({ silentMs }, 'monitor process silent: points shown unknown');
    this.board.allUnknown(this.o.clock.now() - silentMs);
  }

  private died(code: number | null, signal: NodeJS.Signals | null): void {
    // A process that ran a minute failed afresh; one that dies at once backs off further each time.
    this.failures = Date.now() - this.readyAt > 60_000 ? 1 : this.failures + 1;
    const delay = Math.min(this.o.restartMaxMs ?? 30_000, 1_000 * 2 ** (this.failures - 1));
    this.o.logger.error({ code, signal, restartInMs: delay }, 'monitor process exited; restarting');
    this.board.allUnknown(this.o.clock.now());
    this.restartTimer = setTimeout(() => {
      this.spawn().catch((err: unknown) => {
        this.o.logger.error({ err }, 'monitor process did not restart');
        if (!this.stopping) this.died(null, null);
      });
    }, delay);
  }

  /** A command to the monitor (an inventory change, a resync). */
  post(m: ToMonitor): void {
    if (this.o.external) this.o.external.send(m);
    else if (this.child?.connected) this.child.send(m);
  }

  private reindex(): void {
    const data = this.o.inventory.data();
    this.participation.update(data);
    this.board.setPoints(data.points);
  }
}
