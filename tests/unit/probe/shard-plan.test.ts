import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_PACKETS_PER_SECOND,
  normalizeTargets,
  planShards,
  sameShard,
  sendGapMs,
  shardCapacity,
  type Shard,
} from '../../../server/probe/shard-plan';
import type { ProbeTarget } from '../../../server/probe/types';

const ids = (): (() => string) => {
  let n = 0;
  return () => `s${++n}`;
};
const hosts = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}.${Math.floor(i / 250)}.${i % 250}`);
const targets = (list: string[], intervalMs: number): ProbeTarget[] => list.map((host) => ({ host, intervalMs }));
const byId = (shards: Shard[]): Map<string, Shard> => new Map(shards.map((s) => [s.id, s]));

describe('shard capacity and send gap', () => {
  it('scales capacity with the interval under the packets/s budget', () => {
    expect(DEFAULT_MAX_PACKETS_PER_SECOND).toBeLessThan(6500); // docs/ARCHITECTURE.md: ~6,500/s per process
    expect(shardCapacity(1000)).toBe(DEFAULT_MAX_PACKETS_PER_SECOND);
    expect(shardCapacity(2000, { maxPacketsPerSecond: 6000 })).toBe(12_000);
    expect(shardCapacity(60_000, { maxPacketsPerSecond: 6000, maxHostsPerShard: 20_000 })).toBe(20_000);
    expect(shardCapacity(1, { maxPacketsPerSecond: 10 })).toBe(1);
  });

  it('keeps -i well below the 10 ms default and lets a full round fit in half an interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 10, max: 120_000 }), (n, p) => {
        const gap = sendGapMs(n, p);
        const fits = p / n / 2 < 0.01 || n * gap <= p / 2;
        return gap <= 1 && gap >= 0.01 && fits;
      }),
    );
    expect(sendGapMs(5000, 1000)).toBe(0.1);
  });
});

describe('planShards', () => {
  it('groups by interval and shards each group within capacity', () => {
    const plan = planShards([], [...targets(hosts('10.1', 25), 1000), ...targets(hosts('10.2', 7), 2000)], ids(), {
      maxPacketsPerSecond: 10,
    });
    const one = plan.filter((s) => s.intervalMs === 1000);
    const two = plan.filter((s) => s.intervalMs === 2000);
    expect(one.map((s) => s.hosts.length)).toEqual([10, 10, 5]);
    expect(two.map((s) => s.hosts.length)).toEqual([7]);
    expect(new Set(plan.flatMap((s) => s.hosts)).size).toBe(32);
  });

  it('keeps a host listed twice once, at its shortest interval', () => {
    expect(normalizeTargets([
      { host: 'a', intervalMs: 2000 },
      { host: 'a', intervalMs: 1000 },
      { host: 'b', intervalMs: 60_000 },
    ])).toEqual(new Map([['a', 1000], ['b', 60_000]])); // prettier-ignore
    const plan = planShards(
      [],
      [
        { host: 'a', intervalMs: 2000 },
        { host: 'a', intervalMs: 1000 },
      ],
      ids(),
    );
    expect(plan).toEqual([{ id: 's1', intervalMs: 1000, hosts: ['a'] }]);
  });

  it('leaves shards untouched when nothing changed', () => {
    const newId = ids();
    const t = [...targets(hosts('10.1', 25), 1000), ...targets(hosts('10.2', 7), 2000)];
    const first = planShards([], t, newId, { maxPacketsPerSecond: 10 });
    const again = planShards(first, t.toReversed(), newId, { maxPacketsPerSecond: 10 });
    expect(again).toHaveLength(first.length);
    for (const s of again) expect(sameShard(s, byId(first).get(s.id) as Shard)).toBe(true);
  });

  it('a change in one interval group touches no shard of another', () => {
    const newId = ids();
    const a = targets(hosts('10.1', 25), 1000);
    const b = targets(hosts('10.2', 7), 2000);
    const first = planShards([], [...a, ...b], newId, { maxPacketsPerSecond: 10 });
    const second = planShards(first, [...a, ...b, { host: '10.2.9.9', intervalMs: 2000 }], newId, {
      maxPacketsPerSecond: 10,
    });
    const before = byId(first);
    const changed = second.filter((s) => !before.has(s.id) || !sameShard(s, before.get(s.id) as Shard));
    expect(changed).toHaveLength(1);
    expect(changed[0]?.intervalMs).toBe(2000);
    expect(changed[0]?.hosts).toContain('10.2.9.9');
  });

  it('removing a host restarts only its shard and refills it first', () => {
    const newId = ids();
    const all = hosts('10.1', 30);
    const first = planShards([], targets(all, 1000), newId, { maxPacketsPerSecond: 10 });
    const victim = first[1]?.hosts[3] as string;
    const next = all.filter((h) => h !== victim).concat('10.9.0.1');
    const second = planShards(first, targets(next, 1000), newId, { maxPacketsPerSecond: 10 });
    const before = byId(first);
    const changed = second.filter((s) => !sameShard(s, before.get(s.id) as Shard));
    expect(changed.map((s) => s.id)).toEqual([first[1]?.id]);
    expect(changed[0]?.hosts).toContain('10.9.0.1');
    expect(changed[0]?.hosts).not.toContain(victim);
  });

  it('moving a host to another interval touches its old shard and one of the new group', () => {
    const newId = ids();
    const first = planShards([], [...targets(['a', 'b'], 1000), ...targets(['c'], 2000)], newId);
    const second = planShards(first, [...targets(['a'], 1000), ...targets(['b', 'c'], 2000)], newId);
    expect(second).toEqual([
      { id: first[0]?.id, intervalMs: 1000, hosts: ['a'] },
      { id: first[1]?.id, intervalMs: 2000, hosts: ['c', 'b'] },
    ]);
  });

  it('plans every host exactly once, within capacity, and stays compact under churn (fuzz)', () => {
    const pool = hosts('10.5', 60);
    const step = fc.array(fc.record({ host: fc.constantFrom(...pool), intervalMs: fc.constantFrom(500, 1000, 2000) }), {
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const newId = ids();
        let plan: Shard[] = [];
        for (const t of steps) {
          plan = planShards(plan, t, newId, { maxPacketsPerSecond: 8 });
          const want = normalizeTargets(t);
          const planned = plan.flatMap((s) => s.hosts.map((h) => [h, s.intervalMs] as const));
          expect(new Map(planned)).toEqual(want);
          expect(planned).toHaveLength(want.size);
          for (const s of plan) {
            const cap = shardCapacity(s.intervalMs, { maxPacketsPerSecond: 8 });
            expect(s.hosts.length).toBeGreaterThan(0);
            expect(s.hosts.length).toBeLessThanOrEqual(cap);
          }
          for (const interval of new Set(want.values())) {
            const n = [...want.values()].filter((v) => v === interval).length;
            const cap = shardCapacity(interval, { maxPacketsPerSecond: 8 });
            const shards = plan.filter((s) => s.intervalMs === interval).length;
            expect(shards).toBeLessThanOrEqual(Math.ceil(n / cap) + 1);
          }
          expect(new Set(plan.map((s) => s.id)).size).toBe(plan.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
