// The monitor lease: of several `serve` instances sharing one PostgreSQL, exactly one runs the monitor.
// An advisory lock on a dedicated session decides who; a table row carries the fencing epoch and the
// holder's heartbeat by PostgreSQL's clock (docs/FAILOVER.md).
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { heartbeats, type LeaseLoss } from './lease-heartbeat';
import { LeaseSession } from './lease-session';

export type { LeaseLoss } from './lease-heartbeat';
import {
  CLAIM_DURABLY_SQL,
  CLAIM_SQL,
  LOCK_CLASS,
  NOTIFY_SQL,
  TAKEOVER_SQL,
  TRY_LOCK_SQL,
  UNLOCK_SQL,
} from './lease-sql';

export type LeaseState = 'active' | 'standby' | 'off';

export interface MonitorLeaseOptions {
  url: string;
  /** This instance's name, written to the row and to the session's application_name. */
  instance: string;
  logger: Logger;
  heartbeatMs?: number;
  retryMs?: number;
  /** A heartbeat older than this (PostgreSQL's clock) lets a standby end the holder's session. */
  ttlMs?: number;
  onAcquired(epoch: number): void;
  onLost(reason: LeaseLoss): void;
}

const now = (): number => performance.now();

export class MonitorLease {
  state: LeaseState = 'off';
  epoch: number | null = null;
  private readonly heartbeatMs: number;
  private readonly retryMs: number;
  private readonly ttlMs: number;
  /** The holder's own limit: ttl less a guard, as its timers can fire late but a standby's not early. */
  private readonly selfMs: number;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wanted = false;
  private session: LeaseSession | null = null;
  private wakeUp: (() => void) | null = null;
  private endHold: (() => void) | null = null;
  private paused = false;
  private pausedWork: Array<() => void> = [];
  private failing = false;
  /** A release was announced while no sleep was there to wake: skip the next wait. */
  private nudged = false;

  constructor(private readonly o: MonitorLeaseOptions) {
    this.heartbeatMs = o.heartbeatMs ?? 1000;
    this.retryMs = o.retryMs ?? 1000;
    this.ttlMs = o.ttlMs ?? 5000;
    if (this.heartbeatMs * 2 > this.ttlMs) throw new Error('ttlMs must be at least twice heartbeatMs');
    this.selfMs = this.ttlMs - Math.min(250, this.heartbeatMs / 4);
  }

  /** The backend pid of the lease's session, while there is one (logs, tests). */
  get backendPid(): number | null {
    return this.session?.pid ?? null;
  }

  /** Becomes a candidate; a start() during a pending stop() begins again once the stop is done. */
  start(): void {
    this.wanted = true;
    if (this.loop) return;
    this.stopping = false;
    this.state = 'standby';
    this.loop = this.run().finally(() => {
      this.loop = null;
      this.state = 'off';
      this.epoch = null;
      if (this.wanted) this.start();
    });
  }

  /** Releases the lease (unlock, announce, close) so a standby takes over at once. Stop the monitor first. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.stopping = true;
    this.resume();
    this.endHold?.();
    this.wakeUp?.();
    await this.loop;
  }

  /** Test hook: freezes heartbeats and reactions, as SIGSTOP or a paused VM would. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const f of this.pausedWork.splice(0)) f();
  }

  private whenAwake(f: () => void): void {
    if (this.paused) this.pausedWork.push(f);
    else f();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let s: LeaseSession | null = null;
      try {
        s = await LeaseSession.open({
          url: this.o.url,
          instance: this.o.instance,
          ttlMs: this.ttlMs,
          onRelease: () => {
            this.nudged = true;
            this.wakeUp?.();
          },
        });
        this.session = s;
        this.nudged = false;
        if (this.failing) this.o.logger.info({ instance: this.o.instance }, 'lease session back');
        this.failing = false;
        await this.candidate(s);
      } catch (err) {
        if (!this.stopping) this.logFailure(err);
      } finally {
        this.session = null;
        await s?.close();
      }
      if (!this.stopping) await this.sleep(this.retryMs, null);
    }
  }

  /** Standby on one session: try the lock, end a stale holder, wait; hold once acquired. */
  private async candidate(s: LeaseSession): Promise<void> {
    while (!this.stopping) {
      const sentAt = now();
      const epoch = await this.tryAcquire(s);
      if (epoch !== null) {
        if (this.stopping) return this.release(s);
        await this.hold(s, epoch, sentAt);
        return; // released or lost: the session is closed and, unless stopping, a new one opened
      }
      if (await this.takeOverIfStale(s)) continue;
      await this.sleep(this.retryMs, s);
      if (s.isEnded) throw new Error(await s.ended);
    }
  }

  private async tryAcquire(s: LeaseSession): Promise<number | null> {
    // The lock is taken inside the transaction that writes the row: a candidate frozen in between is
    // ended by idle_in_transaction_session_timeout, so it cannot sit on the lock without a heartbeat.
    await s.query('BEGIN');
    const ok = (await s.query<{ ok: boolean }>(TRY_LOCK_SQL, [LOCK_CLASS, s.lockKey])).rows[0]?.ok === true;
    if (!ok) {
      await s.query('ROLLBACK');
      return null;
    }
    // From here an error leaves a session lock behind; run() closes the session, which frees it.
    await s.query(CLAIM_DURABLY_SQL);
    const row = (await s.query<{ epoch: string }>(CLAIM_SQL, [this.o.instance])).rows[0];
    await s.query('COMMIT');
    if (row === undefined) throw new Error('monitor_lease has no row');
    return Number(row.epoch);
  }

  /** True when a stuck holder's session was ended, so the lock is worth trying again at once. */
  private async takeOverIfStale(s: LeaseSession): Promise<boolean> {
    const r = await s.query<{ pid: number; terminated: boolean; stale_ms: number }>(TAKEOVER_SQL, [
      LOCK_CLASS,
      s.tableOid,
      this.ttlMs,
    ]);
    const row = r.rows[0];
    if (row === undefined) return false;
    this.o.logger.warn(
      { instance: this.o.instance, pid: row.pid, staleMs: Math.round(row.stale_ms), terminated: row.terminated },
      'lease holder stuck: its session was terminated',
    );
    return row.terminated;
  }

  /** Heartbeats until stopped (then releases) or lost (then tells the owner at once). */
  private async hold(s: LeaseSession, epoch: number, acquireSentAt: number): Promise<void> {
    this.state = 'active';
    this.epoch = epoch;
    this.o.logger.info({ instance: this.o.instance, epoch }, 'monitor lease acquired');
    try {
      this.o.onAcquired(epoch);
    } catch (err) {
      this.o.logger.error({ err }, 'onAcquired threw');
    }
    if (this.stopping) return this.release(s); // stop() called from inside onAcquired
    const outcome = await heartbeats({
      session: s,
      epoch,
      lastOkSentAt: acquireSentAt,
      heartbeatMs: this.heartbeatMs,
      selfMs: this.selfMs,
      whenAwake: (f) => this.whenAwake(f),
      onStop: (end) => (this.endHold = end),
    });
    if (outcome === 'stopped') return this.release(s);
    this.state = 'standby';
    this.epoch = null;
    this.o.logger.warn({ instance: this.o.instance, epoch, ...outcome }, 'monitor lease lost');
    try {
      this.o.onLost(outcome);
    } catch (err) {
      this.o.logger.error({ err }, 'onLost threw');
    }
  }

  /** A clean hand-over: unlock, announce on the channel, and run() closes the session. */
  private async release(s: LeaseSession): Promise<void> {
    const epoch = this.epoch;
    this.state = 'standby';
    this.epoch = null;
    try {
      await s.query(UNLOCK_SQL, [LOCK_CLASS, s.lockKey], 1000);
      await s.query(NOTIFY_SQL, [], 1000);
      this.o.logger.info({ instance: this.o.instance, epoch }, 'monitor lease released');
    } catch (err) {
      this.o.logger.warn({ err, instance: this.o.instance }, 'lease release failed; closing the session frees it');
    }
  }

  /** Waits `ms`, or less when woken (stop, a release announced, the session's end). */
  private async sleep(ms: number, s: LeaseSession | null): Promise<void> {
    if (this.stopping) return;
    if (this.nudged) {
      this.nudged = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const off = s?.onEnd(done);
      function done(): void {
        clearTimeout(timer);
        off?.();
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = null;
  }

  private logFailure(err: unknown): void {
    const e = err instanceof Error ? err.message : String(err);
    // Once per outage at warn; the retries every retryMs stay at debug.
    if (this.failing) this.o.logger.debug({ instance: this.o.instance, err: e }, 'lease session failed again');
    else this.o.logger.warn({ instance: this.o.instance, err: e }, 'lease session failed; retrying');
    this.failing = true;
  }
}
