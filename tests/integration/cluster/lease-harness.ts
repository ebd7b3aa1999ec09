// Lease candidates for the tests: each records its active periods (onAcquired → onLost or stop()).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { MonitorLease, type LeaseLoss, type MonitorLeaseOptions } from '../../../server/cluster/lease';
import { waitUntil } from './pg-db';

export interface Period {
  instance: string;
  epoch: number;
  from: number;
  to: number | null;
  end?: 'stopped' | LeaseLoss['code'];
}

export interface Candidate {
  lease: MonitorLease;
  periods: Period[];
  losses: Array<LeaseLoss & { at: number }>;
  /** Ends the open period at the call (the monitor stops first), then releases. */
  stop(): Promise<void>;
  /** Resolves with the epoch of the next acquisition after this call. */
  nextAcquired(timeoutMs: number): Promise<number>;
}

export const silent = pino({ level: process.env.LEASE_LOG ?? 'silent' });

export function candidate(
  url: string,
  instance: string,
  opts: Partial<Pick<MonitorLeaseOptions, 'heartbeatMs' | 'retryMs' | 'ttlMs'>> = {},
  all?: Period[],
): Candidate {
  const periods: Period[] = [];
  const losses: Candidate['losses'] = [];
  const close = (end: Period['end']): void => {
    const open = periods.at(-1);
    if (open && open.to === null) {
      open.to = performance.now();
      open.end = end;
    }
  };
  const lease = new MonitorLease({
    url,
    instance,
    logger: silent.child({ instance }),
    ...opts,
    onAcquired: (epoch) => {
      const p: Period = { instance, epoch, from: performance.now(), to: null };
      periods.push(p);
      all?.push(p);
    },
    onLost: (reason) => {
      close(reason.code);
      losses.push({ ...reason, at: performance.now() });
    },
  });
  return {
    lease,
    periods,
    losses,
    stop: async () => {
      close('stopped');
      await lease.stop();
    },
    nextAcquired: async (timeoutMs) => {
      const before = periods.length;
      return waitUntil(`${instance} to acquire`, () => periods[before]?.epoch, timeoutMs);
    },
  };
}

/** Waits until `c` is active and returns its epoch. */
export async function activeEpoch(c: Candidate, timeoutMs: number): Promise<number> {
  return waitUntil(
    `${c.periods[0]?.instance ?? 'a candidate'} active`,
    () => c.lease.state === 'active' && c.lease.epoch !== null && c.lease.epoch,
    timeoutMs,
  );
}

export interface ChildEvent {
  ev: 'acquired' | 'lost';
  epoch?: number;
  pid?: number | null;
  code?: string;
  at: number;
}

/** A holder in a child process (tests/integration/cluster/lease-child.ts), its events as they come. */
export function childCandidate(url: string, instance: string): { child: ChildProcess; events: ChildEvent[] } {
  const script = join(import.meta.dirname, 'lease-child.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, instance], {
    cwd: join(import.meta.dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: ChildEvent[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      events.push({ ...(JSON.parse(line) as Omit<ChildEvent, 'at'>), at: performance.now() });
    }
  });
  return { child, events };
}
