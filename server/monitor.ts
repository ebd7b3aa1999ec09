// Wires the data flow of docs/ARCHITECTURE.md: inventory → scheduler → probe engine → status board →
// outage recorder (ordered writes, at once) and rollup buffer (batched writes); the hub reads the board.
// This is the pipeline itself; `serve` runs it in a process of its own (server/pipeline/), tests with
// a manual clock or a scripted engine run it here, behind the same MonitorPort.
import { Drain } from './serial';
import type { Logger } from 'pino';
import type { AlertGrouping } from '../shared/alerts';
import type { Meeting } from '../shared/schemas';
import type { TestNowResult } from '../shared/protocol';
import type { WindowConfig } from '../shared/phase';
import type { Clock } from './clock';
import type { Inventory } from './inventory/inventory';
import type { EngineOptions, ProbeEngine } from './probe/types';
import type { TargetResult } from './probe/kinds';
import { ProbeRouter, type ProbeRouterOptions } from './probe/router';
import { defaultKindEngines } from './probe/engines';
import { targetId } from '../shared/targets';
import type { MonitorPort, WriteListener } from './pipeline/port';
import { testPoint } from './pipeline/test-now';
import { ParticipationIndex } from './schedule/participation';
import { Scheduler, type CadenceConfig } from './schedule/scheduler';
import { IncidentEngine } from './alerts/engine';
import { StatsCounter, type MonitorStats } from './metrics/monitor-stats';
import { BlindWatch, type BlindSpan } from './status/blind';
import { StatusBoard } from './status/board';
import { OutageRecorder, type OutageListener } from './status/outages';
import type { StatusConfig } from './status/types';
import { RollupBuffer } from './store/rollup';
import type { Store } from './store/types';
import type { AgentContact, AgentIngest, AgentState } from './agent/contract';
import { AgentDesk } from './agent/desk';
import { AgentLostAlerts } from './agent/lost';

export type EngineFactory = (opts: EngineOptions) => ProbeEngine;

export interface MonitorDeps {
  inventory: Inventory;
  store: Store;
  clock: Clock;
  logger: Logger;
  engine: EngineFactory;
  /** One-off ICMP probes ("test now") use this engine's probeOnce. */
  oneOff: EngineFactory;
  /** The other kinds' engines (TCP, SIP, HTTP, codecs); default: the real ones (server/probe/engines.ts). */
  engines?: ProbeRouterOptions['engines'];
  status?: StatusConfig;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  rollupFlushMs?: number;
  /** [AG7] An agent not heard for this long is silent (default AGENT_SILENT_MS). */
  agentSilentMs?: number;
  /** How outages are grouped into alert incidents (the inventory file's `alerts.grouping`). */
  grouping?: AlertGrouping;
  /**
   * Watch for the monitor's own blind spans (server/status/blind.ts): on by default with the system
   * clock, off with a test's manual clock unless options are given.
   */
  blind?:
    false | { stallMs?: number; tickMs?: number; clockJumps?: boolean; mono?: () => number; unknownAfterMs?: number };
}

export class Monitor implements MonitorPort {
  readonly board: StatusBoard;
  readonly recorder: OutageRecorder;
  readonly rollups: RollupBuffer;
  readonly scheduler: Scheduler;
  /** [TG2] Splits the plan by target kind, one engine each (fping for ICMP). */
  readonly router: ProbeRouter;
  /** Outage events → alert incidents in the outbox, one per real problem (server/alerts/engine.ts). */
  readonly incidents: IncidentEngine;
  private readonly oneOff: ProbeRouter;
  private targetPoint = new Map<string, string>();
  private targetKind = new Map<string, string>();
  /** Point → its primary target's id. */
  private primaryOf = new Map<string, string>();
  private readonly stats = new StatsCounter();
  private readonly statsListeners = new Set<(stats: MonitorStats) => void>();
  private readonly participation = new ParticipationIndex();
  private tickTimer: NodeJS.Timeout | null = null;
  private readonly blind: BlindWatch | null;
  /** Blind spans whose write failed, retried on the next tick (the store may be full for a while). */
  private unsavedSpans: BlindSpan[] = [];
  private readonly savingSpans = new Drain(() => this.saveSpansPass());
  private readonly blindListeners = new Set<(span: BlindSpan) => void>();
  /** [AG1][AG7] The agents' targets, results and link states (server/agent/desk.ts). */
  readonly desk: AgentDesk;
  /** [AG10] An agent lost during a meeting window: one incident. */
  readonly lostAgents: AgentLostAlerts;
  private readonly agentListeners = new Set<() => void>();

  constructor(private readonly d: MonitorDeps) {
    const { clock, logger, store } = d;
    this.board = new StatusBoard({ clock, logger, config: d.status });
    this.desk = new AgentDesk({
      logger,
      silentMs: d.agentSilentMs,
      observe: (r) => this.onAgentResult(r),
      // [AG7] Unknown, never down: at the target's own last probe (a target never heard stays as it is).
      gap: (id, at) => this.board.gap([id], at ?? Number.NaN, 'no-contact'),
      onSilence: (agent, since, now) => {
        // Heard again: its targets stay unknown until their results come, but not for want of contact.
        if (since === null) this.board.clearReason(this.desk.targetsOf(agent), 'no-contact');
        this.lostAgents.changed(agent, since, now);
        this.agentsChanged();
      },
    });
    this.recorder = new OutageRecorder({
      store,
      logger,
      // [AG7] A point an agent probes is judged on its probes' own times, not the monitor's clock.
      observedAt: (code, now) => this.observedAt(code, now),
      meetingsOf: (code) => this.participation.meetingsOf(code),
      meeting: (id): Meeting | undefined => d.inventory.meeting(id),
      severeMinMs: d.status?.severeMinMs,
      windows: d.windows,
    });
    this.rollups = new RollupBuffer({ store, clock, logger });
    // Registered before anyone else hears outages: the incident is in the outbox before the server is told.
    this.incidents = new IncidentEngine({
      sink: { add: (i) => store.alerts.addIncident(i) },
      inventory: d.inventory,
      logger,
      grouping: d.grouping,
    });
    this.recorder.onEvent(this.incidents.onOutage);
    this.lostAgents = new AgentLostAlerts({
      inventory: d.inventory,
      pointsOf: (agent) => this.pointsOfAgent(agent),
      meetingsOf: (code) => this.participation.meetingsOf(code),
      raise: (i) => this.incidents.raise(i),
      logger,
      windows: d.windows,
    });
    this.blind =
      d.blind === false || d.blind === undefined
        ? null
        : new BlindWatch({ clock, ...d.blind, onSpan: (span) => this.blinded(span) });
    // The board catches and logs a listener's error, so a failed write cannot stop probing.
    this.board.onTransition((tr) => this.recorder.onTransition(tr));
    const engines = d.engines ?? defaultKindEngines();
    this.router = new ProbeRouter({
      clock,
      logger,
      icmp: d.engine,
      engines,
      onResult: (r) => this.onResult(r),
      onGap: (ids) => this.board.gap(ids),
    });
    this.oneOff = new ProbeRouter({
      clock,
      logger,
      icmp: d.oneOff,
      engines,
      onResult: () => undefined,
      onGap: () => undefined,
    });
    this.scheduler = new Scheduler({
      clock,
      logger,
      cadence: d.cadence,
      windows: d.windows,
      // [AG1] The schedule plans every target (the agents' windows are the same); the centre probes
      // only those no agent is assigned.
      onPlan: (targets) => this.router.setPlan(targets.filter((t) => !this.desk.isAgentTarget(t.id))),
    });
    d.inventory.onChange(() => {
      this.incidents.inventoryChanged();
      this.reindex();
    });
  }

  onOutage(listener: OutageListener): void {
    this.recorder.onEvent(listener);
  }

  get engineName(): string {
    return this.router.icmp.name;
  }

  onWrite(listener: WriteListener): void {
    this.recorder.onWrite((ok, pending, err) => listener('outages', ok, pending, err));
    this.rollups.onWrite((ok, pending, err) => listener('rollups', ok, pending, err));
  }

  /** Hears each blind span as it is noticed (after the board went unknown). */
  onBlind(listener: (span: BlindSpan) => void): () => void {
    this.blindListeners.add(listener);
    return () => this.blindListeners.delete(listener);
  }

  onStats(listener: (stats: MonitorStats) => void): void {
    this.statsListeners.add(listener);
  }

  async start(): Promise<void> {
    await this.recorder.load();
    // [AL14] Outages still open from before a restart: grouped again, so their recoveries are too.
    this.incidents.resume(this.recorder.openRows());
    this.reindex();
    this.blind?.start();
    this.rollups.start(this.d.rollupFlushMs ?? 10_000);
    this.tickTimer = setInterval(() => {
      try {
        // A stall noticed before the recorder's 10 s rule runs on the states from before it (MG1).
        this.blind?.check();
        this.saveSpans();
        const now = this.d.clock.now();
        this.checkAgents(now);
        this.recorder.tick(now);
        this.recorder.attachToOpenWindows(now);
        this.incidents.tick(now);
      } catch (err) {
        this.d.logger.error({ err }, 'outage recorder tick failed');
      }
      const stats = this.stats.take();
      for (const l of this.statsListeners) l(stats);
    }, 1000);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.blind?.stop();
    this.scheduler.stop();
    await Promise.all([this.router.close(), this.oneOff.close()]);
    await this.rollups.stop();
    await this.recorder.settled();
    await this.savingSpans.idle();
    this.stats.stop();
  }

  pointsOf(meetingId: string): ReadonlySet<string> {
    return this.participation.pointsOf(meetingId);
  }

  meetingsOf(code: string): readonly string[] {
    return this.participation.meetingsOf(code);
  }

  testNow(code: string): Promise<TestNowResult> {
    return testPoint(this.d.inventory, this.oneOff, code);
  }

  /** [AG5][AG9] One agent's batch: contact, then its results on their own times, each once. */
  ingestAgent(batch: AgentIngest): void {
    this.desk.ingest(batch, this.d.clock.now());
    this.agentsChanged();
  }

  agentContact(agent: string, contact: AgentContact): void {
    this.desk.contact(agent, contact, this.d.clock.now());
    this.agentsChanged();
  }

  agents(): AgentState[] {
    return this.desk.states(this.d.clock.now());
  }

  /** Hears the agents' states change (a batch, a contact, silence); the monitor process sends them on. */
  onAgents(listener: () => void): () => void {
    this.agentListeners.add(listener);
    return () => this.agentListeners.delete(listener);
  }

  /** [AG7] Silent agents' targets go unknown; the monitor's tick calls it, tests with a manual clock too. */
  checkAgents(now: number = this.d.clock.now()): void {
    this.desk.check(now);
    this.lostAgents.tick(now);
  }

  /** The points an agent probes (any of their targets), each once, in inventory order. */
  private pointsOfAgent(agent: string): string[] {
    const codes = new Set<string>();
    for (const id of this.desk.targetsOf(agent)) {
      const code = this.targetPoint.get(id);
      if (code !== undefined) codes.add(code);
    }
    return [...codes];
  }

  private agentsChanged(): void {
    for (const l of this.agentListeners) {
      try {
        l();
      } catch (err) {
        this.d.logger.error({ err }, 'agents listener failed');
      }
    }
  }

  /** An agent's result: what the centre's own results go through, without the monitor's blind spans. */
  private onAgentResult(r: TargetResult): void {
    this.board.observe(r);
    this.stats.result(this.targetKind.get(r.target) ?? 'icmp', r.rtt, r.t, Number.NaN);
    const point = this.targetPoint.get(r.target);
    if (point !== undefined) this.rollups.add(point, r.target, r);
  }

  /**
   * The instant a point's state is known up to: the monitor's clock for a point the centre probes, its
   * line's newest probe for one an agent probes (a replay's severe period lasts as long as its probes say).
   */
  private observedAt(code: string, now: number): number {
    const primary = this.primaryOf.get(code);
    if (primary === undefined || !this.desk.isAgentTarget(primary)) return now;
    return Math.min(now, this.board.probedAt(code) ?? now);
  }

  private onResult(r: TargetResult): void {
    // [MG2] A probe sent before the end of a blind span says what the monitor saw while it could not
    // look (the watchdog's "nothing heard", replies that waited in a full pipe): dropped.
    if (this.blind && !this.blind.trusts(r.t)) return;
    this.board.observe(r);
    this.stats.result(this.targetKind.get(r.target) ?? 'icmp', r.rtt, r.t, this.d.clock.now());
    const point = this.targetPoint.get(r.target);
    if (point !== undefined) this.rollups.add(point, r.target, r);
  }

  /**
   * [MG1][MG2][MG3] The span is kept as a monitor gap; from a span of `unknownAfterMs` (3 s: the three
   * live intervals that make a point down) every target is unknown from its start. A shorter one keeps
   * the states (its results are dropped all the same): telling every dashboard that 10,000 points went
   * unknown for a second's GC would cost more than it tells.
   */
  private blinded(span: BlindSpan): void {
    this.d.logger.warn(
      { from: new Date(span.from).toISOString(), to: new Date(span.to).toISOString(), reason: span.reason },
      span.reason === 'stall'
        ? 'monitor stood still: its probes of that span are dropped, targets unknown until fresh results'
        : 'system clock stepped: probes of that span are dropped, targets unknown until fresh results',
    );
    const unknownAfter = (this.d.blind ? this.d.blind.unknownAfterMs : undefined) ?? 3_000;
    // The agents' targets are not the monitor's to doubt: their probes ran elsewhere, on their own clock.
    if (span.to - span.from >= unknownAfter) {
      this.board.gap(
        [...this.board.targetIds()].filter((id) => !this.desk.isAgentTarget(id)),
        span.from,
      );
    }
    this.unsavedSpans.push(span);
    this.saveSpans();
    for (const l of this.blindListeners) {
      try {
        l(span);
      } catch (err) {
        this.d.logger.error({ err }, 'blind span listener failed');
      }
    }
  }

  /** Writes the blind spans in order, one write at a time; a refused one waits for the next tick. */
  private saveSpans(): void {
    if (this.unsavedSpans.length > 0) void this.savingSpans.run();
  }

  private async saveSpansPass(): Promise<void> {
    while (this.unsavedSpans.length > 0) {
      const s = this.unsavedSpans[0]!;
      try {
        await this.d.store.addBlindSpan(s.from, s.to, s.reason);
      } catch (err) {
        this.d.logger.warn({ err, pending: this.unsavedSpans.length }, 'blind span not written yet');
        return;
      }
      this.unsavedSpans.shift();
    }
  }

  private reindex(): void {
    const data = this.d.inventory.data();
    this.targetPoint = new Map(data.points.flatMap((p) => p.targets.map((t) => [targetId(t), p.code] as const)));
    this.targetKind = new Map(data.points.flatMap((p) => p.targets.map((t) => [targetId(t), t.kind] as const)));
    this.primaryOf = new Map(
      data.points.flatMap((p) => {
        const t = p.targets.find((x) => x.role === 'primary');
        return t ? [[p.code, targetId(t)] as const] : [];
      }),
    );
    this.participation.update(data);
    // Before the scheduler plans: its plan is filtered by the agents' assignment.
    this.desk.assign(data.units, data.points);
    this.board.setPoints(data.points);
    this.scheduler.update(data);
    this.agentsChanged();
  }
}
