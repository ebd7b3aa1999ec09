// CPU time of this process and of its live child processes (e.g. fping), read from /proc: a child's
// time only reaches cutime once it has been reaped, so live children are summed one by one.
import { readFileSync, readdirSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** Live children of a process (all threads; default this one), optionally only those named `comm`. */
export function childPids(comm?: string, parent: number | 'self' = 'self'): number[] {
  const pids: number[] = [];
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${parent}/task`);
  } catch {
    return pids;
  }
  for (const tid of tids) {
    let text = '';
    try {
      text = readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const p of text.trim().split(/\s+/).filter(Boolean)) {
      const pid = Number(p);
      if (comm === undefined || procComm(pid) === comm) pids.push(pid);
    }
  }
  return pids;
}

function procComm(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return null;
  }
}

/** User + system CPU ms of a process (0 once it has gone). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ")".
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Resident memory of a process in bytes (0 once it has gone). */
export function procRss(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** CPU ms of this process's children that have exited and been reaped (cutime + cstime). */
export function reapedChildrenMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * TICK_MS;
}

/** Every live descendant of a process (children, grandchildren…), with its command name. */
export function descendants(pid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number): void => {
    for (const c of childPids(undefined, p)) {
      out.push({ pid: c, comm: procComm(c) ?? '?' });
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Where a process tree's CPU goes: the server itself, its node children (the monitor), fping. */
export interface TreeMark {
  at: number;
  server: number;
  /** Per descendant pid: [group, CPU ms]. */
  parts: Map<number, ['monitor' | 'fping' | 'other', number]>;
  /** The whole machine from /proc/stat: busy and total jiffies. */
  machine: { busy: number; total: number };
}

function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

export function treeMarkAll(pid: number): TreeMark {
  const parts = new Map<number, ['monitor' | 'fping' | 'other', number]>();
  for (const d of descendants(pid)) {
    const group = d.comm === 'fping' ? 'fping' : d.comm === 'node' ? 'monitor' : 'other';
    parts.set(d.pid, [group, procCpuMs(d.pid)]);
  }
  return { at: performance.now(), server: procCpuMs(pid), parts, machine: machineJiffies() };
}

/** Shares of one core between two marks, per group, and of the whole machine (1 = all its cores). */
export function treeCpuBetween(
  a: TreeMark,
  b: TreeMark,
): { server: number; monitor: number; fping: number; other: number; total: number; machine: number } {
  const ms = b.at - a.at;
  const sum = { monitor: 0, fping: 0, other: 0 };
  for (const [pid, [group, cpu]] of b.parts) sum[group] += cpu - (a.parts.get(pid)?.[1] ?? 0);
  const server = (b.server - a.server) / ms;
  const monitor = sum.monitor / ms;
  const fping = sum.fping / ms;
  const other = sum.other / ms;
  const jiffies = b.machine.total - a.machine.total;
  return {
    server,
    monitor,
    fping,
    other,
    total: server + monitor + fping + other,
    machine: jiffies > 0 ? (b.machine.busy - a.machine.busy) / jiffies : 0,
  };
}

/** Resident memory of a process and all its descendants, per group. */
export function treeRssAll(pid: number): { server: number; monitor: number; fping: number; total: number } {
  const r = { server: procRss(pid), monitor: 0, fping: 0, total: 0 };
  for (const d of descendants(pid)) {
    if (d.comm === 'fping') r.fping += procRss(d.pid);
    else r.monitor += procRss(d.pid);
  }
  r.total = r.server + r.monitor + r.fping;
  return r;
}
