// Found by the accuracy test: fping 5.1 in loop mode keeps 1 + ⌊timeout / interval⌋ timeout events
// per host and re-queues that slot at the next send without taking it out of the queue. With
// -t 950 at -p 1000, fping sending a probe more than 50 ms late (a busy machine) corrupts its timeout
// queue: the lost probes of a silent host are no longer printed, results come only from the engine's
// silence fallback (~2 s late, some never), and an outage starts late or is missed. fpingTimeout now
// leaves a quarter of the interval. Here fping is stalled (SIGSTOP) for 200 ms a few times while a
// lab host is powered off; every lost probe must still be reported promptly, in order.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock';
import { labDown } from '../../../server/lab/cleanup';
import { Lab } from '../../../server/lab/lab';
import { parseScenario } from '../../../server/lab/scenario';
import { FpingEngine } from '../../../server/probe/fping-engine';
import type { ProbeResult } from '../../../server/probe/types';
import { isRoot } from './helpers';

const NAME = 'tf';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!isRoot)('fping engine under a stall, against a silent lab host (root)', () => {
  let lab: Lab;
  let engine: FpingEngine | undefined;

  beforeAll(async () => {
    await labDown(NAME);
    lab = await Lab.up(parseScenario({ hubs: [{ id: 'fs', hosts: [{ id: 'fs-01' }, { id: 'fs-02' }] }] }), {
      name: NAME,
      base: 155,
    });
  });
  afterAll(async () => {
    await engine?.close();
    await labDown(NAME);
  });

  it('reports every lost probe of a silent host within interval + 0.5 s, stalls or not', async () => {
    const silent = lab.host('fs-02').address;
    await lab.apply({ action: 'host-down', host: 'fs-02' });
    const results: (ProbeResult & { at: number })[] = [];
    engine = new FpingEngine({
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      onResult: (r) => {
        if (r.host === silent) results.push({ ...r, at: Date.now() });
      },
    });
    engine.setTargets(lab.plan.hosts.map((h) => ({ host: h.address, intervalMs: 1000 })));
    await sleep(2500);
    const pid = engine.shardInfo()[0]?.pid;
    expect(pid).toBeGreaterThan(0);
    const from = Date.now();
    for (let i = 0; i < 5; i++) {
      process.kill(pid!, 'SIGSTOP');
      await sleep(200);
      process.kill(pid!, 'SIGCONT');
      await sleep(1300);
    }
    await sleep(2000);
    const after = results.filter((r) => r.t >= from);
    // ~9 s of probes, all lost, one a second, none missing, each known soon after its send.
    expect(after.length).toBeGreaterThanOrEqual(8);
    expect(after.every((r) => r.rtt === null)).toBe(true);
    const gaps = after.slice(1).map((r, i) => r.t - after[i]!.t);
    expect(Math.max(...gaps)).toBeLessThan(1300);
    const lateness = after.map((r) => r.at - r.t);
    expect(Math.max(...lateness)).toBeLessThan(1500);
  }, 30_000);
});
