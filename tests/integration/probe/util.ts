import { readdirSync, readFileSync } from 'node:fs';
import pino from 'pino';
import type { ProbeEngine, ProbeResult } from '../../../server/probe/types';

export const silent = pino({ level: 'silent' });

/** Records what an engine reports and waits for conditions on it. */
export class Collector {
  readonly results: ProbeResult[] = [];
  readonly gaps: { at: number; hosts: string[] }[] = [];
  readonly onResult = (r: ProbeResult): void => {
    this.results.push(r);
  };
  readonly onGap = (hosts: string[]): void => {
    this.gaps.push({ at: Date.now(), hosts });
  };

  of(host: string): ProbeResult[] {
    return this.results.filter((r) => r.host === host);
  }

  /** Results of `host` that arrived after the first `skip` of them. */
  since(host: string, skip: number): ProbeResult[] {
    return this.of(host).slice(skip);
  }
}

export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Longest run of consecutive lost results. */
export function longestLossRun(results: readonly ProbeResult[]): number {
  let best = 0;
  let run = 0;
  for (const r of results) {
    run = r.rtt === null ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** Pids of this process's children whose command name is `comm` (Linux /proc). */
export function childrenNamed(comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (name === comm && ppid === process.pid) out.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Closes every engine a test opened, even when the test failed. */
export class Engines {
  private readonly open: ProbeEngine[] = [];
  track<E extends ProbeEngine>(e: E): E {
    this.open.push(e);
    return e;
  }
  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((e) => e.close()));
  }
}
