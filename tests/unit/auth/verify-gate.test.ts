// The password-check gate: a global cap, a cap per key, a bounded queue served in arrival order.
import { describe, expect, it } from 'vitest';
import { GateBusyError, VerifyGate } from '../../../server/auth/verify-gate';

/** A job that runs until the test lets it finish, recording when it started. */
function held(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return {
    job: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('verify gate', () => {
  it('runs at most maxInFlight at once, one per key, the rest in arrival order', async () => {
    const gate = new VerifyGate({ maxInFlight: 2, maxPerKey: 1, maxQueued: 10 });
    const log: string[] = [];
    const a1 = held(log, 'a1');
    const a2 = held(log, 'a2');
    const b1 = held(log, 'b1');
    const c1 = held(log, 'c1');
    const runs = [
      gate.run(['ip:a'], a1.job),
      gate.run(['ip:a'], a2.job), // same key as a1: waits although a slot is free
      gate.run(['ip:b'], b1.job),
      gate.run(['ip:c'], c1.job), // both slots taken: waits
    ];
    await tick();
    expect(log).toEqual(['a1', 'b1']);
    expect(gate.load).toEqual({ running: 2, queued: 2 });
    // a1 ends: a2 is still first in line and its key is now free.
    a1.finish();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2']);
    b1.finish();
    await tick();
    expect(log).toEqual(['a1', 'b1', 'a2', 'c1']);
    a2.finish();
    c1.finish();
    expect(await Promise.all(runs)).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(gate.load).toEqual({ running: 0, queued: 0 });
  });

  it('refuses at once when the queue is full, and frees the slot when a job throws', async () => {
    const gate = new VerifyGate({ maxInFlight: 1, maxQueued: 1 });
    const log: string[] = [];
    const first = held(log, 'first');
    const running = gate.run(['k1'], first.job);
    const waiting = gate.run(['k2'], async () => {
      throw new Error('boom');
    });
    await expect(gate.run(['k3'], async () => 'never')).rejects.toBeInstanceOf(GateBusyError);
    first.finish();
    await running;
    await expect(waiting).rejects.toThrow('boom');
    expect(gate.load).toEqual({ running: 0, queued: 0 });
    expect(await gate.run(['k3'], async () => 'ran')).toBe('ran');
  });
});
