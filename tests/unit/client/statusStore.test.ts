import { describe, expect, it } from 'vitest';
import { StatusStore } from '../../../client/src/lib/statusStore';
import { status } from './fixtures';

function counter(): { n: number; fn: () => void } {
  const c = { n: 0, fn: () => void (c.n += 1) };
  return c;
}

describe('StatusStore (external store for tiles)', () => {
  it('points without a status count as unknown; statuses of other meetings are ignored', () => {
    const s = new StatusStore();
    s.reset(['A', 'B', 'C'], [status('A', 'up'), status('B', 'down'), status('X', 'up')]);
    expect(s.counts()).toEqual({ up: 1, degraded: 0, severe: 0, down: 1, unknown: 1 });
    expect(s.get('X')).toBeUndefined();
    expect(s.stateOf('C')).toBe('unknown');
  });

  it('a delta notifies only the listeners of the points it changes', () => {
    const s = new StatusStore();
    s.reset(['A', 'B'], [status('A', 'up'), status('B', 'up')]);
    const a = counter();
    const b = counter();
    s.subscribe('A', a.fn);
    s.subscribe('B', b.fn);
    expect(s.apply([status('A', 'up', 12)])).toEqual(['A']);
    expect([a.n, b.n]).toEqual([1, 0]);
  });

  it('an identical status keeps its identity and notifies nobody', () => {
    const s = new StatusStore();
    s.reset(['A'], [status('A', 'up', 5)]);
    const before = s.get('A');
    const a = counter();
    s.subscribe('A', a.fn);
    expect(s.apply([status('A', 'up', 5)])).toEqual([]);
    expect(s.get('A')).toBe(before);
    expect(a.n).toBe(0);
  });

  it('counts follow state changes; figure-only changes leave the summary alone', () => {
    const s = new StatusStore();
    s.reset(['A', 'B'], [status('A', 'up'), status('B', 'up')]);
    const summary = counter();
    s.subscribeSummary(summary.fn);
    const counts = s.counts();
    const version = s.stateVersion();
    s.apply([status('A', 'up', 99)]);
    expect(summary.n).toBe(0);
    expect(s.counts()).toBe(counts);
    s.apply([status('A', 'down', null, 100), status('B', 'degraded')]);
    expect(summary.n).toBe(1);
    expect(s.counts()).toEqual({ up: 0, degraded: 1, severe: 0, down: 1, unknown: 0 });
    expect(s.stateVersion()).toBe(version + 1);
  });

  it('the states view changes identity exactly when a state changes', () => {
    const s = new StatusStore();
    s.reset(['A'], [status('A', 'up')]);
    const v1 = s.statesView();
    expect(s.statesView()).toBe(v1);
    s.apply([status('A', 'up', 50)]);
    expect(s.statesView()).toBe(v1);
    s.apply([status('A', 'severe')]);
    const v2 = s.statesView();
    expect(v2).not.toBe(v1);
    expect(v2.stateOf('A')).toBe('severe');
  });

  it('[TG5] an endpoint going down behind an unchanged line reaches its tile and the wall order', () => {
    const s = new StatusStore();
    s.reset(['A', 'B'], [{ ...status('A', 'up', 5), endpoint: 'up' }, status('B', 'up', 5)]);
    const a = counter();
    const summary = counter();
    s.subscribe('A', a.fn);
    s.subscribeSummary(summary.fn);
    const view = s.statesView();
    // Only the endpoint changes: same line state and figures.
    expect(s.apply([{ ...status('A', 'up', 5), endpoint: 'down' }])).toEqual(['A']);
    expect(a.n).toBe(1);
    expect(summary.n).toBe(1);
    expect(s.statesView()).not.toBe(view);
    expect(s.statesView().endpointDown('A')).toBe(true);
    expect(s.endpointDownCount()).toBe(1);
    expect(s.counts().up).toBe(2);
    // inCall alone is a change too; behind a cut line the endpoint is not "down" on its own.
    expect(s.apply([{ ...status('A', 'up', 5), endpoint: 'down', inCall: false }])).toEqual(['A']);
    s.apply([{ ...status('A', 'down', 5), endpoint: 'down' }]);
    expect(s.statesView().endpointDown('A')).toBe(false);
    expect(s.endpointDownCount()).toBe(0);
  });

  it('reset notifies every subscribed point; unsubscribing removes the listener', () => {
    const s = new StatusStore();
    s.reset(['A'], []);
    const a = counter();
    const off = s.subscribe('A', a.fn);
    s.reset(['A'], [status('A', 'up')]);
    expect(a.n).toBe(1);
    off();
    expect(s.listenerCount()).toBe(0);
    s.apply([status('A', 'down')]);
    expect(a.n).toBe(1);
  });

  it('counts stay equal to a recount after many random updates', () => {
    const s = new StatusStore();
    const codes = Array.from({ length: 200 }, (_, i) => `P${i}`);
    s.reset(codes, []);
    const states = ['up', 'degraded', 'severe', 'down', 'unknown'] as const;
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const batch = Array.from({ length: 20 }, () => status(codes[rnd(codes.length)]!, states[rnd(states.length)]!));
      s.apply(batch);
    }
    const recount = { up: 0, degraded: 0, severe: 0, down: 0, unknown: 0 };
    for (const c of codes) recount[s.stateOf(c)] += 1;
    expect(s.counts()).toEqual(recount);
  });
});
