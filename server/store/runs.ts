// The monitor's own run log: a row per start, a heartbeat every few seconds, a stop on a clean
// shutdown. After a crash (SIGKILL, power cut) the next start records the span since the last
// heartbeat as a gap, shown as unknown rather than up or down. A heartbeat that cannot be written
// (disk full) is retried with the latest instant: only the last sign of life matters.
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

  constructor(private readonly o: RunLogOptions) {}

  get current(): MonitorRunRow | null {
    return this.run;
  }

  start(): void {
    this.startedAt = this.o.clock.now();
    this.write();
    this.timer = setInterval(() => this.beat(), this.o.heartbeatMs ?? 5_000);
    this.timer.unref();
  }

  /** One heartbeat now (the timer calls it). */
  beat(): void {
    this.beatPending = true;
    this.write();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.startedAt === null) return;
    try {
      if (!this.run) this.run = this.o.store.startRun(this.startedAt);
      this.o.store.stopRun(this.run.id, this.o.clock.now());
    } catch (err) {
      // The next start will count from the last heartbeat that made it to disk: a slightly longer gap.
      this.o.logger.warn({ err }, 'run log: the stop could not be written');
    }
    this.startedAt = null;
  }

  private write(): void {
    try {
      if (this.startedAt === null) return;
      this.run ??= this.o.store.startRun(this.startedAt);
      if (this.beatPending) this.o.store.heartbeatRun(this.run.id, this.o.clock.now());
      this.beatPending = false;
      this.o.onWrite?.(true, 0);
    } catch (err) {
      this.o.onWrite?.(false, 1, err);
    }
  }
}
