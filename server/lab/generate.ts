// A seeded random scenario: the same options and seed always give the same lab and timeline, so a
// failing accuracy run can be replayed exactly.
import type { LabHostSpec, LabHubSpec, Scenario, TimelineEntry } from './scenario';
import { LAB_PROVINCE, communeName, districtName } from './names';

export interface GenerateOptions {
  seed: number;
  /** Hosts in total, spread evenly over the hubs. */
  hosts: number;
  /** Default: one hub per 6 hosts. */
  hubs?: number;
  /** Line cuts (a hub's link) and power cuts (one host) of 3–60 s each. */
  outages?: number;
  /** Hosts with 5 % seeded random ICMP loss for the whole run and no outage of their own. */
  lossy?: number;
  /** Hosts answering 40 ± 15 ms later (alternating profile), with no outage of their own. */
  delayed?: number;
  /** Links or hosts bouncing every 4–8 s for 2–3 cycles. */
  flapping?: number;
  /** Share of the hosts (0–1) that get a room endpoint (SIPp), drawn from a stream of its own. */
  endpoints?: number;
  /** Default 120 s. */
  durationS?: number;
  name?: string;
}

export const GENERATED_LOSS_PERCENT = 5;
/** Alternating: its successive differences (~24 ms) are jitter the monitor flags amber (docs/LAB.md). */
export const GENERATED_DELAY = { ms: 40, jitterMs: 15, profile: 'alternating' } as const;
const MIN_OUTAGE_S = 3;
const MAX_OUTAGE_S = 60;
/** Quiet time around each fault of one host, so separate faults stay separate outages. */
const GUARD_S = 10;
/** No fault in the first and last seconds: the monitor needs to see the hosts up first. */
const EDGE_S = 5;
const LINK_SHARE = 0.3;

/** mulberry32: tiny, fast and good enough for test data; Math.random cannot be seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, total: number): string => String(n).padStart(Math.max(2, String(total).length), '0');

export function generateScenario(opts: GenerateOptions): Scenario {
  const rnd = seededRandom(opts.seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const durationS = opts.durationS ?? 120;
  const hubCount = opts.hubs ?? Math.max(1, Math.ceil(opts.hosts / 6));
  const [lossy, delayed, outages, flapping] = [
    opts.lossy ?? 0,
    opts.delayed ?? 0,
    opts.outages ?? 0,
    opts.flapping ?? 0,
  ];
  if (!Number.isInteger(opts.hosts) || opts.hosts < hubCount) throw new RangeError('need at least one host per hub');
  if (hubCount > 256 || Math.ceil(opts.hosts / hubCount) > 254) throw new RangeError('at most 256 hubs of 254 hosts');
  if (lossy + delayed > opts.hosts) throw new RangeError('lossy + delayed exceeds the number of hosts');

  const hubs: LabHubSpec[] = [];
  const all: { host: LabHostSpec; hub: number }[] = [];
  for (let i = 0; i < hubCount; i++) {
    const size = Math.floor(opts.hosts / hubCount) + (i < opts.hosts % hubCount ? 1 : 0);
    const hub: LabHubSpec = { id: `h${pad(i + 1, hubCount)}`, name: districtName(i), hosts: [] };
    for (let j = 0; j < size; j++) {
      const host: LabHostSpec = {
        id: `${hub.id}-${pad(j + 1, size)}`,
        name: communeName(all.length),
        lossPercent: 0,
        delay: null,
      };
      hub.hosts.push(host);
      all.push({ host, hub: i });
    }
    hubs.push(hub);
  }

  // Fisher–Yates over host indexes: the first ones become lossy, the next delayed, the rest plain.
  const order = all.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.slice(0, lossy).forEach((i) => (all[i]!.host.lossPercent = GENERATED_LOSS_PERCENT));
  order.slice(lossy, lossy + delayed).forEach((i) => (all[i]!.host.delay = { ...GENERATED_DELAY }));
  const plain = order.slice(lossy + delayed);

  // Busy windows per host, so two faults never overlap or follow each other too closely.
  const busy: [number, number][][] = all.map(() => []);
  const free = (hosts: number[], s: number, e: number): boolean =>
    hosts.every((h) => busy[h]!.every(([bs, be]) => e + GUARD_S <= bs || s >= be + GUARD_S));
  const hubHosts = (hub: number): number[] => all.flatMap((x, i) => (x.hub === hub ? [i] : []));
  const timeline: TimelineEntry[] = [];

  const place = (what: string, pick: () => { hosts: number[]; len: number; add: (at: number) => void }): void => {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { hosts, len, add } = pick();
      const latest = durationS - EDGE_S - len;
      if (hosts.length === 0 || latest < EDGE_S) continue;
      const at = int(EDGE_S, latest);
      if (!free(hosts, at, at + len)) continue;
      hosts.forEach((h) => busy[h]!.push([at, at + len]));
      add(at);
      return;
    }
    throw new RangeError(`cannot fit ${what} into ${durationS} s: lengthen durationS or ask for fewer faults`);
  };
  const subject = (): { hub?: string; host?: string; hosts: number[] } => {
    if (plain.length === 0 || rnd() < LINK_SHARE) {
      const hub = int(0, hubCount - 1);
      return { hub: hubs[hub]!.id, hosts: hubHosts(hub) };
    }
    const h = plain[int(0, plain.length - 1)]!;
    return { host: all[h]!.host.id, hosts: [h] };
  };

  for (let n = 0; n < outages; n++) {
    place('the outages', () => {
      const s = subject();
      const len = int(MIN_OUTAGE_S, Math.min(MAX_OUTAGE_S, durationS - 2 * EDGE_S));
      const add = (at: number): void => {
        if (s.hub !== undefined) {
          timeline.push({ at, action: 'link-down', hub: s.hub }, { at: at + len, action: 'link-up', hub: s.hub });
        } else {
          timeline.push({ at, action: 'host-down', host: s.host! }, { at: at + len, action: 'host-up', host: s.host! });
        }
      };
      return { hosts: s.hosts, len, add };
    });
  }
  for (let n = 0; n < flapping; n++) {
    place('the flaps', () => {
      const s = subject();
      const everyS = int(4, 8);
      const forS = everyS * 2 * int(2, 3);
      const target = s.hub !== undefined ? { hub: s.hub } : { host: s.host! };
      return { hosts: s.hosts, len: forS, add: (at) => timeline.push({ at, action: 'flap', ...target, everyS, forS }) };
    });
  }
  timeline.sort((a, b) => a.at - b.at);
  pickEndpoints(
    opts.seed,
    all.map((x) => x.host),
    opts.endpoints ?? 0,
  );
  return { name: opts.name ?? `gen-${opts.seed}`, durationS, province: { ...LAB_PROVINCE }, hubs, timeline };
}

/**
 * Gives round(share × hosts) of the hosts an endpoint. Its own random stream: adding endpoints to a
 * pinned scenario keeps its hosts, faults and drop patterns as they were.
 */
function pickEndpoints(seed: number, hosts: readonly LabHostSpec[], share: number): void {
  if (!(share >= 0 && share <= 1)) throw new RangeError('endpoints is a share of the hosts, 0–1');
  const rnd = seededRandom(seed ^ 0x5e1d);
  const order = hosts.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const i of order.slice(0, Math.round(share * hosts.length))) hosts[i]!.endpoint = true;
}
