// SIMULATED PROBING for the national bench: a ProbeEngine that probes nothing and makes up each target's
// answers, once a second per target, spread over the second in 20 slots as fping's are. Two cores
// cannot run 40,000 real probes a second and the centre besides, so the agents' engines are this; every
// other part of the agents (scheduler, router, outbox, batch codec, link, acks) is the real code.
//
// What it makes up, per host (seeded by the host, so every run is the same): a baseline RTT of 8–68 ms
// with ±2 ms of noise (up); 1 % of hosts lose one probe in 40 (3.3 % over the 30 s loss window:
// degraded, then up again, so the overview's problem list keeps moving); 0.5 % of hosts sit at
// 110–150 ms (degraded throughout); and the script's outages: every probe of a host lost between `from`
// and `to` (down after 3 losses, an outage written, up again after 3 replies). Losses never come two in a
// row otherwise, so no outage but the scripted ones should appear at the centre.
import { LOSS_KNOWN_MS } from '../../server/status/types';
import type { EngineOptions, ProbeEngine, ProbeResult, ProbeTarget } from '../../server/probe/types';

/** Scripted outages: absolute times (ms since epoch), set when the bench says go. */
export interface ProbingScript {
  downs: { host: string; from: number; to: number }[];
}

interface Line {
  base: number;
  /** Loses its n-th probe when (n + phase) % 40 === 0; -1: never. */
  lossPhase: number;
}

/** FNV-1a of the host: the line's character, the same at every run. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function lineOf(host: string): Line {
  const h = hash(host);
  const kind = h % 1000;
  const slow = kind < 5;
  return {
    base: slow ? 110 + ((h >>> 10) % 40) : 8 + ((h >>> 10) % 60),
    lossPhase: kind >= 5 && kind < 15 ? (h >>> 16) % 40 : -1,
  };
}

const SLOTS = 20;
/** A lost probe is said lost this long after its send, as fping at 1 Hz does (timeout 750 ms + its grace). */
const TIMEOUT_MS = LOSS_KNOWN_MS;

/** An engine factory for `Agent`'s `icmp` option; all engines made by it follow `script`. */
export function simulatedProbing(script: ProbingScript): (opts: EngineOptions) => ProbeEngine {
  const down = (host: string, now: number): boolean =>
    script.downs.some((d) => d.host === host && now >= d.from && now < d.to);
  return (opts) => {
    let hosts: { host: string; line: Line; n: number }[] = [];
    let tick = 0;
    const timer = setInterval(() => {
      const slot = tick++ % SLOTS;
      const now = opts.clock.now();
      for (let i = slot; i < hosts.length; i += SLOTS) {
        const h = hosts[i]!;
        const { host, line } = h;
        const lost = down(host, now) || (line.lossPhase >= 0 && (h.n++ + line.lossPhase) % 40 === 0);
        const rtt = line.base + (Math.random() - 0.5) * 4;
        const r: ProbeResult = lost ? { host, t: now - TIMEOUT_MS, rtt: null } : { host, t: now - rtt, rtt };
        opts.onResult(r);
      }
    }, 1000 / SLOTS);
    return {
      name: 'fping',
      setTargets(targets: readonly ProbeTarget[]) {
        hosts = [...new Set(targets.map((t) => t.host))].map((host) => ({ host, line: lineOf(host), n: 0 }));
      },
      async probeOnce(host) {
        const now = opts.clock.now();
        return down(host, now) ? { host, t: now - TIMEOUT_MS, rtt: null } : { host, t: now, rtt: lineOf(host).base };
      },
      async close() {
        clearInterval(timer);
      },
    };
  };
}
