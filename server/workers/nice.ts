// Heavy request work yields the CPU to the live path. On Linux the nice value is per thread (NPTL:
// setpriority(PRIO_PROCESS, 0) changes the calling thread only), so a pool worker lowers its own
// thread and nothing else: when the two cores are short, the scheduler gives the monitor, fping and the
// server's dashboards their share first and the report, XLSX, PDF or upload parse the rest; when they
// are not short, a nice thread runs as fast as any other.
import { getPriority, setPriority } from 'node:os';

/** The nice value of pool workers: the lowest priority there is. */
export const WORKER_NICE = 19;

/** Lowers the calling thread to `nice` (never raises it); false where the system refuses. */
export function lowerThisThread(nice = WORKER_NICE): boolean {
  try {
    if (getPriority(0) >= nice) return true;
    setPriority(0, nice);
    return true;
  } catch {
    return false;
  }
}

/**
 * The monitor process's nice value: above everything else of diemcau's (and the dashboards' clients on
 * the same machine), so that when the cores are short fping's replies are read on time and the state
 * machine does not take a starved reader for lost probes (bench/RESULTS.md, cluster).
 */
export const MONITOR_NICE = -10;

/**
 * Raises the calling thread (and what it spawns later: fping inherits it) to `nice`. Allowed to root,
 * with CAP_SYS_NICE, or within RLIMIT_NICE (systemd's LimitNICE=, deploy/diemcau.service); returns the
 * nice value in force afterwards.
 */
export function raiseThisThread(nice = MONITOR_NICE): number {
  try {
    if (getPriority(0) > nice) setPriority(0, nice);
  } catch {
    // Not allowed: the value stays as it was.
  }
  return getPriority(0);
}
