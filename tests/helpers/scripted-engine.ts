// An ICMP engine whose replies are scripted: every target answers at its interval with a 2 ms RTT, the
// hosts in `cut` never do. Only the source of the replies is made up; the status board, the hub, the
// sockets and the browser behind it are the real ones. For views of thousands of points, where real
// pings would be the test's whole cost (tests/e2e/national.test.ts, tests/unit/client/overviewLive.test.ts).
import type { EngineFactory } from '../../server/monitor';
import type { ProbeTarget } from '../../server/probe/types';

export function scriptedEngine(cut: ReadonlySet<string>): EngineFactory {
  return (o) => {
    let targets: readonly ProbeTarget[] = [];
    const due = new Map<string, number>();
    const timer = setInterval(() => {
      const now = o.clock.now();
      for (const t of targets) {
        if ((due.get(t.host) ?? 0) > now) continue;
        due.set(t.host, now + t.intervalMs);
        o.onResult({ host: t.host, t: now, rtt: cut.has(t.host) ? null : 2 });
      }
    }, 100);
    return {
      name: 'fping',
      setTargets(next) {
        targets = [...next];
      },
      async probeOnce(host) {
        return { host, t: o.clock.now(), rtt: cut.has(host) ? null : 2 };
      },
      async close() {
        clearInterval(timer);
      },
    };
  };
}
