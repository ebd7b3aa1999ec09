// A probe engine that makes every target answer once a second with an RTT that moves (5–200 ms, a
// few probes lost), for the dashboard benchmark: loopback RTTs hardly move, so a real engine would
// leave a dashboard of 10,000 points nearly still. Results are spread over the second in 20 batches,
// as fping's are. Only the source of the numbers is synthetic; the app and the browser are real.
import type { EngineOptions, ProbeEngine, ProbeResult, ProbeTarget } from '../../server/probe/types';

export function syntheticEngine(opts: EngineOptions): ProbeEngine {
  let hosts: string[] = [];
  let tick = 0;
  const rtt = new Map<string, number>();
  const timer = setInterval(() => {
    const slot = tick++ % 20;
    const now = opts.clock.now();
    for (let i = slot; i < hosts.length; i += 20) {
      const host = hosts[i]!;
      // A random walk, so a point drifts between bands (up ↔ degraded) as a real line does.
      const next = Math.min(200, Math.max(5, (rtt.get(host) ?? 20 + (i % 50)) + (Math.random() - 0.5) * 30));
      rtt.set(host, next);
      const r: ProbeResult = { host, t: now - next, rtt: Math.random() < 0.002 ? null : next };
      opts.onResult(r);
    }
  }, 50);
  return {
    name: 'fping',
    setTargets(targets: readonly ProbeTarget[]) {
      hosts = [...new Set(targets.map((t) => t.host))];
    },
    async probeOnce(host) {
      return { host, t: opts.clock.now(), rtt: 1 };
    },
    async close() {
      clearInterval(timer);
    },
  };
}
