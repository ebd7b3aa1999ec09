// The monitor as an instance of a failover pair sees it (docs/FAILOVER.md, docs/CLUSTER.md). Every
// instance mirrors the statuses from the monitor bus (Redis), whichever instance runs the monitor, so
// every dashboard sees the same seq of changes; while no monitor speaks (none active yet, a takeover
// under way) every point is unknown. An instance that stands as a candidate holds the lease when it
// can: it then forks the monitor process with the lease's epoch (its writes are fenced: a monitor that
// lost the lease writes nothing more), publishes what the process says and hands it the commands other
// instances send (an inventory change, a resync). Losing the lease kills the process at once.
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { Inventory } from '../inventory/inventory';
import type { FromMonitor, MonitorConfig, ToMonitor } from '../pipeline/messages';
import { RemoteMonitor } from '../pipeline/remote';
import { BusPublisher, BusReader } from './bus';
import { CommandReader, sendToMonitor } from './commands';
import { MonitorLease, type LeaseState } from './lease';
import { closeRedis, duplicateRedis, type Redis } from './redis';

export type ClusterRole = 'all' | 'edge' | 'monitor';

export interface ClusterMonitorOptions {
  redis: Redis;
  cluster: string;
  instance: string;
  /** `edge` never runs the monitor; `all` and `monitor` stand as candidates. */
  role: ClusterRole;
  /** The PostgreSQL database the lease lives in (the store's). */
  leaseUrl: string;
  ttlMs?: number;
  /** The monitor process's configuration (its `fence` is set when it takes office). */
  config: MonitorConfig;
  inventory: Inventory;
  clock: Clock;
  logger: Logger;
  silentMs?: number;
}

/** The view of the monitor (a MonitorPort fed by the bus) plus, on a candidate, the lease. */
export class ClusterMonitor {
  readonly view: RemoteMonitor;
  private readonly reader: BusReader;
  private readonly lease: MonitorLease | null;
  private readonly busRedis: Redis;
  private runner: RemoteMonitor | null = null;
  private commands: { reader: CommandReader; redis: Redis } | null = null;
  private publisher: BusPublisher | null = null;
  private grace: NodeJS.Timeout | undefined;
  private office: Promise<void> = Promise.resolve();

  constructor(private readonly o: ClusterMonitorOptions) {
    const send = (m: ToMonitor): void => {
      if (m.type === 'stop') return;
      void sendToMonitor(o.redis, o.cluster, m, o.instance);
    };
    this.view = new RemoteMonitor({
      config: o.config,
      inventory: o.inventory,
      clock: o.clock,
      logger: o.logger,
      silentMs: o.silentMs,
      external: { send },
    });
    // A blocking reader needs a connection of its own.
    this.busRedis = duplicateRedis(o.redis, { logger: o.logger, name: 'monitor bus reader' });
    this.reader = new BusReader({
      redis: this.busRedis,
      cluster: o.cluster,
      logger: o.logger,
      onMessage: (m) => this.view.receive(m),
      // Perhaps something was missed: ask the monitor for every status.
      onGap: () => this.view.resync(),
    });
    this.lease =
      o.role === 'edge'
        ? null
        : new MonitorLease({
            url: o.leaseUrl,
            instance: o.instance,
            logger: o.logger,
            ttlMs: o.ttlMs,
            onAcquired: (epoch) => this.serialise(() => this.takeOffice(epoch)),
            onLost: (reason) => this.serialise(() => this.lost(reason)),
          });
  }

  /** `active` while this instance runs the monitor, `standby` while it waits to, `off` for an edge. */
  get state(): LeaseState {
    return this.lease?.state ?? 'off';
  }

  async start(): Promise<void> {
    await this.view.start();
    await this.reader.start();
    this.lease?.start();
  }

  async stop(): Promise<void> {
    // The monitor first, cleanly (its buffers written), then the lease: the next holder takes over at once.
    this.serialise(() => this.leaveOffice(false));
    await this.office;
    await this.lease?.stop();
    await this.reader.stop();
    closeRedis(this.busRedis);
    await this.view.stop();
  }

  private serialise(step: () => Promise<void>): void {
    this.office = this.office.then(step).catch((err: unknown) => {
      this.o.logger.error({ err }, 'cluster: monitor office change failed');
    });
  }

  /**
   * The lease's session ended (PostgreSQL restarting, a network cut) or a successor took it. The monitor
   * process goes on for a grace period: its writes wait (a storage fault) or, should nobody else have
   * taken the lease, land under the old epoch, which is still the lease's; if this instance takes the
   * lease again, the process writes under the new epoch and nothing was lost. A successor's epoch
   * fences it off at its first write (it exits); the grace's end stops it in any case.
   */
  private async lost(reason: unknown): Promise<void> {
    if (!this.runner) return;
    const graceMs = (this.o.ttlMs ?? 5_000) * 2;
    this.o.logger.warn({ reason, graceMs }, 'cluster: monitor lease lost; the monitor goes on while it is taken again');
    clearTimeout(this.grace);
    this.grace = setTimeout(() => {
      this.o.logger.error('cluster: the lease was not taken again; this instance stops its monitor');
      this.serialise(() => this.leaveOffice(true));
    }, graceMs);
  }

  private async takeOffice(epoch: number): Promise<void> {
    const { o } = this;
    clearTimeout(this.grace);
    // A monitor process fenced off meanwhile has exited: start afresh.
    if (this.runner && this.runner.pid === null) await this.leaveOffice(true);
    if (this.runner) {
      // Taken again by this instance, its monitor still running: it writes under the new epoch.
      o.logger.info({ epoch }, "cluster: the lease is this instance's again; its monitor goes on");
      this.runner.post({ type: 'fence', epoch });
      this.publisher?.setEpoch(epoch);
      return;
    }
    o.logger.info({ epoch, instance: o.instance }, 'cluster: this instance runs the monitor');
    const publisher = (this.publisher = new BusPublisher({
      redis: o.redis,
      cluster: o.cluster,
      epoch,
      instance: o.instance,
      logger: o.logger,
    }));
    const runner = new RemoteMonitor({
      config: { ...o.config, fence: { epoch, ttlMs: o.ttlMs ?? 5_000 } },
      inventory: o.inventory,
      clock: o.clock,
      logger: o.logger,
      relay: (m: FromMonitor) => void publisher.publish(m),
      onFenced: () => this.serialise(() => this.fenced(runner)),
    });
    this.runner = runner;
    // Listening before the process starts: a command sent while it starts is not lost.
    const redis = duplicateRedis(o.redis, { logger: o.logger, name: 'monitor commands reader' });
    const reader = new CommandReader({
      redis,
      cluster: o.cluster,
      logger: o.logger,
      onCommand: (cmd) => runner.deliver(cmd),
      onGap: () => {
        runner.post({ type: 'inventory' });
        runner.post({ type: 'resync' });
      },
    });
    this.commands = { reader, redis };
    await reader.start();
    await runner.start();
  }

  /**
   * The monitor process exited fenced off. Usually another instance holds the lease (lost() runs its
   * grace). But when this instance took the lease again while its process still wrote under the old
   * epoch — the `fence` message of takeOffice raced a write — the process was fenced by this instance's
   * own newer epoch, and the instance would hold the lease with no monitor at all (all points unknown
   * until the lease changes hands: seen for 8 minutes in the national bench). Start a fresh process
   * under the lease's epoch.
   */
  private async fenced(runner: RemoteMonitor): Promise<void> {
    if (this.runner !== runner) return;
    const epoch = this.lease?.state === 'active' ? this.lease.epoch : null;
    if (epoch === null) return;
    this.o.logger.warn(
      { epoch },
      "cluster: the monitor process was fenced by this instance's own epoch; starting it again",
    );
    await this.leaveOffice(true);
    await this.takeOffice(epoch);
  }

  private async leaveOffice(lost: boolean): Promise<void> {
    clearTimeout(this.grace);
    const runner = this.runner;
    this.runner = null;
    this.publisher = null;
    if (runner) {
      if (lost) runner.kill();
      else await runner.stop();
    }
    const commands = this.commands;
    this.commands = null;
    if (commands) {
      await commands.reader.stop();
      closeRedis(commands.redis);
    }
  }
}
