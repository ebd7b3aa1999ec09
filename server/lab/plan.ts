// Names and addresses of everything a lab creates, worked out before anything is created, so that
// `lab down` and `lab status` can find it all again from the prefixes alone.
//
// Hub i (0-based) with base b:  hosts 198.18.(b+i).1…254 (/32 each), routed as 198.18.(b+i).0/24;
// uplink 198.19.(b+i).0/30 (.1 root side, .2 hub side); link to its delayed hosts' namespace
// 198.19.(b+i).4/30 (.5 hub side, .6 delayed side).
import { LINK_PREFIX, LabError, NETNS_PREFIX } from './sys';
import type { LabDelay, Scenario } from './scenario';

export const LAB_NAME = /^[a-z0-9]{1,6}$/;

export interface HostPlan {
  id: string;
  name: string;
  hub: string;
  address: string;
  /** Seeded loss, made by the responder. */
  lossPercent: number;
  delay: LabDelay | null;
  /** The namespace holding the address: the hub's, or its responder namespace. */
  netns: string;
  /** Runs a room endpoint (SIPp) at address:5060/udp. */
  endpoint: boolean;
  /** Its index in the lab (0-based): keeps each endpoint's SIPp control port apart. */
  index: number;
}

export interface HubPlan {
  id: string;
  name: string;
  index: number;
  netns: string;
  /**
   * Namespace of the hub's hosts answered by the responder (delayed or lossy; the kernel there ignores
   * echo requests), if any. Called "delayed" for history: it holds seeded-loss hosts as well.
   */
  delayedNetns: string | null;
  /** Routed in the root namespace via the uplink. */
  prefix: string;
  /** Root side of the uplink (`…a`) and hub side (`…b`, the one `link-down` takes down). */
  rootLink: string;
  hubLink: string;
  /** Hub side (`…c`) and delayed side (`…d`) of the link to the delayed namespace. */
  innerLink: string;
  delayedLink: string;
  rootAddress: string;
  hubAddress: string;
  innerAddress: string;
  delayedAddress: string;
  /** kamailio's address (the hub side of the uplink), or null when the hub has no registrar. */
  registrar: string | null;
  hosts: HostPlan[];
}

export interface LabPlan {
  name: string;
  base: number;
  hubs: HubPlan[];
  hosts: HostPlan[];
}

export const labNetnsPrefix = (name?: string): string => (name ? `${NETNS_PREFIX}${name}-` : NETNS_PREFIX);
export const labLinkPrefix = (name?: string): string => (name ? `${LINK_PREFIX}${name}-` : LINK_PREFIX);

/** Hosts with a delay or seeded loss are answered by the user-space responder, not the kernel. */
export const byResponder = (h: { delay: LabDelay | null; lossPercent: number }): boolean =>
  h.delay !== null || h.lossPercent > 0;

export function planLab(scenario: Scenario, opts: { name: string; base: number }): LabPlan {
  const { name, base } = opts;
  if (!LAB_NAME.test(name)) throw new LabError(`lab name "${name}": use 1–6 lowercase letters or digits`);
  if (!Number.isInteger(base) || base < 0 || base + scenario.hubs.length > 256) {
    throw new LabError(`base ${base}: need 0 ≤ base and base + hubs (${scenario.hubs.length}) ≤ 256`);
  }
  let hostIndex = 0;
  const hubs = scenario.hubs.map((hub, index): HubPlan => {
    const octet = base + index;
    const netns = `${labNetnsPrefix(name)}${index}`;
    const hasDelayed = hub.hosts.some(byResponder);
    const delayedNetns = hasDelayed ? `${netns}d` : null;
    const link = (k: string): string => `${labLinkPrefix(name)}${index}${k}`;
    return {
      id: hub.id,
      name: hub.name,
      index,
      netns,
      delayedNetns,
      prefix: `198.18.${octet}.0/24`,
      rootLink: link('a'),
      hubLink: link('b'),
      innerLink: link('c'),
      delayedLink: link('d'),
      rootAddress: `198.19.${octet}.1`,
      hubAddress: `198.19.${octet}.2`,
      innerAddress: `198.19.${octet}.5`,
      delayedAddress: `198.19.${octet}.6`,
      registrar: hub.registrar === true ? `198.19.${octet}.2` : null,
      hosts: hub.hosts.map((h, j) => ({
        id: h.id,
        name: h.name,
        hub: hub.id,
        address: `198.18.${octet}.${j + 1}`,
        lossPercent: h.lossPercent,
        delay: h.delay,
        netns: byResponder(h) && delayedNetns ? delayedNetns : netns,
        endpoint: h.endpoint === true,
        index: hostIndex++,
      })),
    };
  });
  return { name, base, hubs, hosts: hubs.flatMap((h) => h.hosts) };
}

/** IPv4 CIDR as an inclusive [first, last] range of 32-bit numbers. */
export function cidrRange(cidr: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(cidr);
  if (!m) return null;
  const len = m[5] === undefined ? 32 : Number(m[5]);
  const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - len);
  const first = addr - (addr % size);
  return [first, first + size - 1];
}

export const overlaps = (a: [number, number], b: [number, number]): boolean => a[0] <= b[1] && b[0] <= a[1];

/** The address ranges a lab occupies in the root namespace (hosts and link nets). */
export function planRanges(plan: LabPlan): string[] {
  return plan.hubs.flatMap((h) => [h.prefix, `${h.rootAddress.replace(/\.1$/, '.0')}/29`]);
}
