// The holder's heartbeat loop: one UPDATE every heartbeatMs under its epoch, and a watchdog that gives
// the lease up when no heartbeat was confirmed in time (docs/FAILOVER.md).
import { performance } from 'node:perf_hooks';
import { HEARTBEAT_SQL } from './lease-sql';
import { DeadlineError, type LeaseSession } from './lease-session';

/** Why a holder lost the lease; it must stop its monitor at once. */
export interface LeaseLoss {
  code: 'session-ended' | 'heartbeat-overdue' | 'heartbeat-failed' | 'epoch-changed';
  message: string;
}

export interface HeartbeatOptions {
  session: LeaseSession;
  epoch: number;
  /** When the claim (or last confirmed heartbeat) was sent, by performance.now(). */
  lastOkSentAt: number;
  heartbeatMs: number;
  /** The holder's own limit without a confirmed heartbeat (below the ttl). */
  selfMs: number;
  /** Runs `f` now, or when the lease is resumed (the pause() test hook). */
  whenAwake(f: () => void): void;
  /** Receives the function that ends the loop with 'stopped'. */
  onStop(end: (() => void) | null): void;
}

const now = (): number => performance.now();
const noop = (): void => undefined;

/**
 * Heartbeats until stopped or lost. The deadline is the send time of the last confirmed heartbeat
 * plus selfMs (< ttl): that heartbeat's `heartbeat_at` is no earlier, so no standby can judge it
 * stale sooner, and the server's keepalives give up on a silent holder no sooner either.
 */
export function heartbeats(o: HeartbeatOptions): Promise<'stopped' | LeaseLoss> {
  const { session: s, epoch, heartbeatMs, selfMs, whenAwake } = o;
  let lastOkSentAt = o.lastOkSentAt;
  const overdue = (): LeaseLoss => ({
    code: 'heartbeat-overdue',
    message: `no heartbeat confirmed for ${Math.round(now() - lastOkSentAt)} ms (limit ${selfMs} ms)`,
  });
  return new Promise((resolve) => {
    let beatTimer: NodeJS.Timeout | undefined;
    let dogTimer: NodeJS.Timeout | undefined;
    let done = false;
    let off = noop;
    const finish = (r: 'stopped' | LeaseLoss): void => {
      if (done) return;
      done = true;
      off();
      clearTimeout(beatTimer);
      clearTimeout(dogTimer);
      o.onStop(null);
      resolve(r);
    };
    // The watchdog covers a heartbeat stuck in flight; after a freeze it fires as soon as timers run.
    const armDog = (): void => {
      clearTimeout(dogTimer);
      dogTimer = setTimeout(
        () => whenAwake(() => (now() - lastOkSentAt >= selfMs ? finish(overdue()) : armDog())),
        lastOkSentAt + selfMs - now(),
      );
    };
    const beat = (): void => {
      if (done) return;
      const sentAt = now();
      if (sentAt - lastOkSentAt >= selfMs) return finish(overdue());
      s.query(HEARTBEAT_SQL, [epoch], lastOkSentAt + selfMs - sentAt).then(
        (r) =>
          whenAwake(() => {
            if (done) return;
            if (r.rowCount !== 1) return finish({ code: 'epoch-changed', message: `epoch ${epoch} replaced` });
            lastOkSentAt = sentAt;
            armDog();
            beatTimer = setTimeout(() => whenAwake(beat), heartbeatMs);
          }),
        (err: unknown) => whenAwake(() => finish(lossOf(err, s))),
      );
    };
    o.onStop(() => finish('stopped'));
    off = s.onEnd((why) => whenAwake(() => finish({ code: 'session-ended', message: why })));
    armDog();
    beatTimer = setTimeout(() => whenAwake(beat), heartbeatMs);
  });
}

/** What a failed heartbeat means: no answer in time, a dead session, or an error on a live one. */
function lossOf(err: unknown, s: LeaseSession): LeaseLoss {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof DeadlineError) return { code: 'heartbeat-overdue', message };
  return { code: s.isEnded ? 'session-ended' : 'heartbeat-failed', message };
}
