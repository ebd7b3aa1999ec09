// Wires the data flow of docs/ARCHITECTURE.md: inventory → scheduler → probe engine → status board →
// outage recorder (synchronous writes) and rollup buffer (batched writes); the hub reads the board.
import type { Logger } from 'pino';
import type { Meeting } from '../shared/schemas';
import type { TestNowResult } from '../shared/protocol';
import type { WindowConfig } from '../shared/phase';
import type { Clock } from './clock';
import { NotFoundError } from './errors';
import type { Inventory } from './inventory/inventory';
import type { EngineOptions, ProbeEngine, ProbeResult } from './probe/types';
import { participationIndex } from './schedule/participants';
import { Scheduler, type CadenceConfig } from './schedule/scheduler';
import { StatusBoard } from './status/board';
import { OutageRecorder, type OutageListener } from './status/outages';
import type { StatusConfig } from './status/types';
import { RollupBuffer } from './store/rollup';
import type { Store } from './store/types';

export type EngineFactory = (opts: EngineOptions) => ProbeEngine;

export interface MonitorDeps {
  inventory: Inventory;
  store: Store;
  clock: Clock;
  logger: Logger;
  engine: EngineFactory;
  /** One-off probes ("test now") use this engine's probeOnce. */
  oneOff: EngineFactory;
  status?: StatusConfig;
  cadence?: CadenceConfig;
  windows?: WindowConfig;
  rollupFlushMs?: number;
}

const EMPTY: ReadonlySet<string> = new Set();

export class Monitor {
  readonly board: StatusBoard;
  readonly recorder: OutageRecorder;
  readonly rollups: RollupBuffer;
  readonly scheduler: Scheduler;
  readonly engine: ProbeEngine;
  private readonly oneOff: ProbeEngine;
  private hostPoint = new Map<string, string>();
  private byMeeting = new Map<string, Set<string>>();
  private byPoint = new Map<string, string[]>();
  private tickTimer: NodeJS.Timeout | null = null;

  constructor(private readonly d: MonitorDeps) {
    const { clock, logger, store } = d;
    this.board = new StatusBoard({ clock, logger, config: d.status });
    this.recorder = new OutageRecorder({
      store,
      logger,
      meetingsOf: (code) => this.byPoint.get(code) ?? [],
      meeting: (id): Meeting | undefined => d.inventory.meeting(id),
      severeMinMs: d.status?.severeMinMs,
      windows: d.windows,
    });
    this.rollups = new RollupBuffer({ store, clock, logger });
    // The board catches and logs a listener's error, so a failed write cannot stop probing.
    this.board.onTransition((tr) => this.recorder.onTransition(tr));
    this.engine = d.engine({
      clock,
      logger,
      onResult: (r) => this.onResult(r),
      onGap: (hosts) => this.board.gap(hosts),
    });
    this.oneOff = d.oneOff({ clock, logger, onResult: () => undefined });
    this.scheduler = new Scheduler({
      clock,
      logger,
      cadence: d.cadence,
      windows: d.windows,
      onPlan: (targets) => this.engine.setTargets(targets),
    });
    d.inventory.onChange(() => this.reindex());
  }

  onOutage(listener: OutageListener): void {
    this.recorder.onEvent(listener);
  }

  start(): void {
    this.reindex();
    this.rollups.start(this.d.rollupFlushMs ?? 10_000);
    this.tickTimer = setInterval(() => {
      try {
        const now = this.d.clock.now();
        this.recorder.tick(now);
        this.recorder.attachToOpenWindows(now);
      } catch (err) {
        this.d.logger.error({ err }, 'outage recorder tick failed');
      }
    }, 1000);
    this.tickTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.scheduler.stop();
    await Promise.all([this.engine.close(), this.oneOff.close()]);
    this.rollups.stop();
  }

  pointsOf(meetingId: string): ReadonlySet<string> {
    return this.byMeeting.get(meetingId) ?? EMPTY;
  }

  meetingsOf(code: string): readonly string[] {
    return this.byPoint.get(code) ?? [];
  }

  async testNow(code: string): Promise<TestNowResult> {
    const point = this.d.inventory.point(code);
    if (!point) throw new NotFoundError(`no point "${code}"`);
    const results = await Promise.all(
      point.targets.map(async (t) => {
        const r = await this.oneOff.probeOnce(t.host);
        return { host: t.host, role: t.role, alive: r.rtt !== null, rtt: r.rtt };
      }),
    );
    return { code, results };
  }

  private onResult(r: ProbeResult): void {
    this.board.observe(r);
    const point = this.hostPoint.get(r.host);
    if (point !== undefined) this.rollups.add(point, r.host, r);
  }

  private reindex(): void {
    const data = this.d.inventory.data();
    this.hostPoint = new Map(data.points.flatMap((p) => p.targets.map((t) => [t.host, p.code] as const)));
    this.byPoint = participationIndex(data.meetings, data.points, data.units);
    const byMeeting = new Map<string, Set<string>>();
    for (const [code, ids] of this.byPoint) {
      for (const id of ids) {
        let set = byMeeting.get(id);
        if (!set) byMeeting.set(id, (set = new Set()));
        set.add(code);
      }
    }
    this.byMeeting = byMeeting;
    this.board.setPoints(data.points);
    this.scheduler.update(data);
  }
}
