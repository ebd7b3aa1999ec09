// The per-job grid of server/probe/spread.ts and the socket error mapping of the tcp/http engines.
import { describe, expect, it } from 'vitest';
import type { ProbeJob } from '../../../server/probe/kinds';
import { nextOnGrid, phaseOf, Spreader } from '../../../server/probe/spread';
import { socketFailure } from '../../../server/probe/tcp';

describe('spread', () => {
  it('[TCP6] phases of similar ids spread evenly over the interval and do not move', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `tcp:10.0.${i >> 8}.${i & 255}:1720`);
    const buckets = Array.from({ length: 10 }, () => 0);
    for (const id of ids) {
      const p = phaseOf(id, 1000);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(1000);
      expect(phaseOf(id, 1000)).toBe(p);
      buckets[Math.floor(p / 100)]!++;
    }
    // 100 expected per tenth of the interval; a clumping hash puts hundreds in one.
    for (const b of buckets) expect(b).toBeGreaterThan(60);
    for (const b of buckets) expect(b).toBeLessThan(140);
  });

  it('[TCP6] the next instant on a grid is strictly later and on the phase', () => {
    expect(nextOnGrid(10_000, 250, 1000)).toBe(10_250);
    expect(nextOnGrid(10_250, 250, 1000)).toBe(11_250);
    expect(nextOnGrid(10_251, 250, 1000)).toBe(11_250);
    expect(nextOnGrid(10_249, 250, 1000)).toBe(10_250);
  });
});

const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('Spreader', () => {
  it('[TCP6] each job runs once per interval, never twice for one slot', async () => {
    const runs = new Map<string, number[]>();
    const spreader = new Spreader({
      run: async (job) => void runs.set(job.id, [...(runs.get(job.id) ?? []), Date.now()]),
    });
    const jobs = Array.from({ length: 50 }, (_, i): ProbeJob => ({
      id: `j${i}`,
      target: { kind: 'tcp', host: '127.0.0.1', port: 1, role: 'endpoint' },
      intervalMs: 20,
      timeoutMs: 20,
    }));
    try {
      spreader.setJobs(jobs);
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      const elapsed = Date.now() - t0;
      for (const j of jobs) {
        const ts = runs.get(j.id) ?? [];
        expect(ts.length).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 1);
        expect(ts.length).toBeGreaterThan(elapsed / 20 / 2);
      }
    } finally {
      spreader.close();
    }
  });
});

describe('socket failures', () => {
  it('[TCP2][TCP4] errno codes map to stable reasons, the errno kept as detail', () => {
    expect(socketFailure(err('ECONNREFUSED'))).toEqual({ reason: 'refused', detail: 'ECONNREFUSED' });
    expect(socketFailure(err('EHOSTUNREACH'))).toEqual({ reason: 'unreachable', detail: 'EHOSTUNREACH' });
    expect(socketFailure(err('ENETUNREACH'))).toEqual({ reason: 'unreachable', detail: 'ENETUNREACH' });
    expect(socketFailure(err('ENOTFOUND'))).toEqual({ reason: 'dns', detail: 'ENOTFOUND' });
    expect(socketFailure(err('EAI_AGAIN'))).toEqual({ reason: 'dns', detail: 'EAI_AGAIN' });
    expect(socketFailure(err('ECONNRESET'))).toEqual({ reason: 'reset', detail: 'ECONNRESET' });
    expect(socketFailure(new Error('odd'))).toEqual({ reason: 'error', detail: 'odd' });
    expect(socketFailure('text')).toEqual({ reason: 'error', detail: 'text' });
    // Happy eyeballs: one error per address tried.
    const agg = Object.assign(new AggregateError([err('ECONNREFUSED'), err('ECONNREFUSED')]), { code: undefined });
    expect(socketFailure(agg).reason).toBe('refused');
  });
});
