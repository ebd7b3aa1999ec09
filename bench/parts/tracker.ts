// The tracker part: the status machine alone, 10,000 targets for a minute at 1 Hz (600,000 results),
// CPU per result. Moved here from the unit tests: a timing bound in a test fails on a busy machine.
import { performance } from 'node:perf_hooks';
import { TargetTracker } from '../../server/status/tracker';
import type { BenchPart } from '../lib/types';

export const trackerPart: BenchPart = {
  name: 'tracker',
  description: 'Status machine alone: 10,000 targets × 60 s at 1 Hz (~2 % loss, RTT 5–155 ms), CPU and wall time.',
  async run(ctx) {
    const n = ctx.quick ? 1_000 : 10_000;
    const trackers = Array.from({ length: n }, (_, i) => new TargetTracker(`127.1.${i >> 8}.${i & 255}`));
    // A fixed pseudo-random pattern, the same every run.
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const t0 = Date.parse('2026-03-06T07:00:00+07:00');
    let transitions = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < n; i++) {
        const r = rand();
        if (trackers[i]!.observe(t0 + s * 1000 + i / 10, r < 0.02 ? null : 5 + r * 150)) transitions++;
      }
    }
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const results = n * 60;
    ctx.log(`${results.toLocaleString('en-US')} results, ${transitions.toLocaleString('en-US')} transitions`);
    return [
      { name: `tracker: ${n.toLocaleString('en-US')} targets × 60 s, CPU`, value: Math.round(cpuMs), unit: 'ms' },
      { name: 'tracker: wall time', value: Math.round(wallMs), unit: 'ms' },
      {
        name: 'tracker: CPU per 1,000 results',
        value: Math.round((cpuMs / results) * 1000 * 100) / 100,
        unit: 'ms',
        target: '< 5 ms',
        ok: (cpuMs / results) * 1000 < 5,
      },
    ];
  },
};
