// The monitor's own run log: a row per start, a heartbeat every few seconds, a stop on a clean
// shutdown. After a crash (SIGKILL, power cut) the next start records the span since the last
// heartbeat as a gap, shown as unknown rather than up or down. A heartbeat that cannot be written
// (disk full) is retried with the latest instant: only the last sign of life matters.
import { Drain } from '../serial';
import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { MonitorRunRow, Store } from './types';

export interface RunLogOptions {
  store: Pick<Store, 'startRun' | 'heartbeatRun' | 'stopRun'>;
  clock: Clock;
  logger: Logger;
  /** Default 5 s: the precision of a gap's start after a crash. */
  heartbeatMs?: number;
  /** After each write attempt: whether it succeeded and whether anything is still unwritten. */
  onWrite?: (ok: boolean, pending: number, err?: unknown) => void;
}

export class RunLog {
  private run: MonitorRunRow | null = null;
  private startedAt: number | null = null;
  private beatPending = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new Drain(() => this.writePass());

  constructor(private readonly o: RunLogOptions) {}

  get current(): MonitorRunRow | null {
    return this.run;
  }

  /** Records the start (awaitable: the run's row, once written; a failed write is retried by the beats). */
  start(): Promise<void> {
    this.startedAt = this.o.clock.now();
    this.timer = setInterval(() => void this.beat(), this.o.heartbeatMs ?? 5_000);
    this.timer.unref();
    return this.write();
  }

  /** One heartbeat now (the timer calls it). */
  beat(): Promise<void> {
    this.beatPending = true;
    return this.write();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.startedAt === null) return;
    const startedAt = this.startedAt;
    this.startedAt = null;
    await this.writing.idle();
    try {
      this.run ??= await this.o.store.startRun(startedAt);
      await this.o.store.stopRun(this.run.id, this.o.clock.now());
    } catch (err) {
      // The next start will count from the last heartbeat that made it to disk: a slightly longer gap.
      this.o.logger.warn({ err }, 'run log: the stop could not be written');
    }
  }

  /** One write at a time: a beat while one is in flight is carried by the next (only the last counts). */
  private write(): Promise<void> {
    return this.writing.run();
  }

  private async writePass(): Promise<void> {
    try {
      if (this.startedAt === null) return;
      this.run ??= await this.o.store.startRun(this.startedAt);
      if (this.beatPending) {
        this.beatPending = false;
        await this.o.store.heartbeatRun(this.run.id, this.o.clock.now());
      }
      this.o.onWrite?.(true, 0);
    } catch (err) {
      this.beatPending = true;
      this.o.onWrite?.(false, 1, err);
    }
  }
}
