// How targets are split over long-lived fping processes. One process probes one interval (fping
// has a single -p per process); a process carries at most what fping sustains in packets/s, so
// large groups are sharded. Planning is stable: a change touches as few shards as it can, because
// every touched shard means a process restart.
import type { ProbeTarget } from './types';

/**
 * One fping process keeps up with ~6,500 packets/s on a fast core (docs/ARCHITECTURE.md, "Measured costs"), but on this project's
 * slower 2-core machine (Xeon, 2.6 GHz) a process of 5,000 hosts at 1 Hz delivered only ~4,850 results
 * a second (its 0.1 ms send gap is not honoured; each host was probed every ~1.03 s). 4,000 keeps up
 * on both, with headroom: 10,000 points are three processes.
 */
export const DEFAULT_MAX_PACKETS_PER_SECOND = 4000;

export interface Shard {
  readonly id: string;
  readonly intervalMs: number;
  readonly hosts: readonly string[];
}

export interface ShardPlanOptions {
  /** Packets per second one process may send (hosts × 1000 / intervalMs). */
  maxPacketsPerSecond?: number;
  /** Hard cap on hosts per process, whatever the interval. */
  maxHostsPerShard?: number;
}

/** Hosts one process may carry at this interval. Always at least 1. */
export function shardCapacity(intervalMs: number, opts: ShardPlanOptions = {}): number {
  const pps = opts.maxPacketsPerSecond ?? DEFAULT_MAX_PACKETS_PER_SECOND;
  const byRate = Math.floor((pps * intervalMs) / 1000);
  const cap = Math.min(byRate, opts.maxHostsPerShard ?? Number.POSITIVE_INFINITY);
  return Math.max(1, cap);
}

/**
 * fping's -i (minimum gap between any two sends of the process), in ms. A round of n hosts must
 * fit in half the interval so sends never fall behind; 1 ms is plenty below that, and the 10 ms
 * default would cap a process at 100 packets/s. (A quarter of the interval cost fping ~20 % less CPU,
 * but it doubles the reply burst, and in that end-to-end run the p99 latency at 10,000 points was
 * 1.2 s against ~0.5 s at a half. Left at a half.)
 */
export function sendGapMs(hostCount: number, intervalMs: number): number {
  const fit = intervalMs / Math.max(1, hostCount) / 2;
  return Math.min(1, Math.max(0.01, Math.floor(fit * 1000) / 1000));
}

/** One host, one interval: a host listed twice keeps its shortest interval. */
export function normalizeTargets(targets: readonly ProbeTarget[]): Map<string, number> {
  const byHost = new Map<string, number>();
  for (const t of targets) {
    const prev = byHost.get(t.host);
    if (prev === undefined || t.intervalMs < prev) byHost.set(t.host, t.intervalMs);
  }
  return byHost;
}

export function sameShard(a: Shard, b: Shard): boolean {
  if (a.intervalMs !== b.intervalMs || a.hosts.length !== b.hosts.length) return false;
  const set = new Set(a.hosts);
  return b.hosts.every((h) => set.has(h));
}

/**
 * Plans shards for `targets`, keeping `prev` shards whose hosts are all still wanted at the same
 * interval untouched (same id, same hosts). Shards that lost hosts take new hosts first; what is
 * left goes to the emptiest untouched shard with room, then to new shards. When churn has still
 * fragmented a group beyond one spare shard, the group is repacked from scratch.
 */
export function planShards(
  prev: readonly Shard[],
  targets: readonly ProbeTarget[],
  newId: () => string,
  opts: ShardPlanOptions = {},
): Shard[] {
  const groups = new Map<number, string[]>();
  for (const [host, interval] of normalizeTargets(targets)) {
    const list = groups.get(interval);
    if (list) list.push(host);
    else groups.set(interval, [host]);
  }
  const out: Shard[] = [];
  for (const [interval, hosts] of [...groups].sort((a, b) => a[0] - b[0])) {
    const capacity = shardCapacity(interval, opts);
    const planned = planGroup(
      prev.filter((s) => s.intervalMs === interval),
      hosts,
      capacity,
      interval,
      newId,
    );
    const minimum = Math.ceil(hosts.length / capacity);
    out.push(...(planned.length > minimum + 1 ? pack(hosts, capacity, interval, newId) : planned));
  }
  return out;
}

function planGroup(
  prev: readonly Shard[],
  hosts: readonly string[],
  capacity: number,
  interval: number,
  newId: () => string,
): Shard[] {
  const wanted = new Set(hosts);
  const placed = new Set<string>();
  const kept: Shard[] = [];
  const changed: { id: string; hosts: string[] }[] = [];
  for (const shard of prev) {
    const still = shard.hosts.filter((h) => wanted.has(h) && !placed.has(h)).slice(0, capacity);
    still.forEach((h) => placed.add(h));
    if (still.length === shard.hosts.length) kept.push(shard);
    else if (still.length > 0) changed.push({ id: shard.id, hosts: still });
  }
  const rest = hosts.filter((h) => !placed.has(h));
  // New hosts go to shards that restart anyway, then to the emptiest untouched one (one more
  // restart beats one more process per change), then to new shards.
  const roomy = kept.filter((s) => s.hosts.length < capacity);
  roomy.sort((a, b) => a.hosts.length - b.hosts.length);
  for (const shard of roomy) {
    if (changed.reduce((n, c) => n + (capacity - c.hosts.length), 0) >= rest.length) break;
    kept.splice(kept.indexOf(shard), 1);
    changed.push({ id: shard.id, hosts: [...shard.hosts] });
  }
  let next = 0;
  for (const shard of changed) {
    while (shard.hosts.length < capacity && next < rest.length) shard.hosts.push(rest[next++] as string);
  }
  rest.splice(0, next);
  return [
    ...kept,
    ...changed.map((s) => ({ id: s.id, intervalMs: interval, hosts: s.hosts })),
    ...pack(rest, capacity, interval, newId),
  ];
}

function pack(hosts: readonly string[], capacity: number, interval: number, newId: () => string): Shard[] {
  const out: Shard[] = [];
  for (let i = 0; i < hosts.length; i += capacity) {
    out.push({ id: newId(), intervalMs: interval, hosts: hosts.slice(i, i + capacity) });
  }
  return out;
}
