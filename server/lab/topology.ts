// Creates a planned lab: namespaces, veth pairs, addresses, routes, nftables tables and responders.
// Nothing is created outside the names and ranges of the plan; a clash is refused before the first
// change, and a failure half-way is cleaned up by the caller (Lab.up calls labDown).
import type { Logger } from 'pino';
import { ensureBlackhole, isLabBlackhole, type JsonRoute } from './blackhole';
import { tableScript } from './nft';
import { cidrRange, labLinkPrefix, labNetnsPrefix, overlaps, planRanges, type HubPlan, type LabPlan } from './plan';
import { startResponder } from './responder';
import { LabError, ip, ipIn, ipJson, nftIn, run } from './sys';

interface JsonLink {
  ifname: string;
  address?: string;
}
interface JsonAddr {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

export async function listLabNetns(name?: string): Promise<string[]> {
  const list = await ipJson<{ name: string }>(['netns', 'list']);
  return list.map((n) => n.name).filter((n) => n.startsWith(labNetnsPrefix(name)));
}

export async function listLabLinks(name?: string): Promise<string[]> {
  const links = await ipJson<JsonLink>(['link', 'show']);
  return links.map((l) => l.ifname).filter((n) => n.startsWith(labLinkPrefix(name)));
}

/** Refuses to build over an existing lab of that name, or over addresses someone else routes. */
export async function preflight(plan: LabPlan): Promise<void> {
  const [netns, links] = await Promise.all([listLabNetns(plan.name), listLabLinks(plan.name)]);
  if (netns.length > 0 || links.length > 0) {
    throw new LabError(
      `Lab "${plan.name}" đang tồn tại (${[...netns, ...links].join(', ')}): chạy \`diemcau lab down\` trước. ` +
        '(A lab with this name is already up.)',
    );
  }
  const ours = planRanges(plan).map((r) => [r, cidrRange(r)!] as const);
  const taken: string[] = [];
  for (const route of await ipJson<JsonRoute>(['route', 'show'])) {
    const range = cidrRange(route.dst);
    if (isLabBlackhole(route) || route.dst === 'default') continue;
    if (range && ours.some(([, r]) => overlaps(r, range))) taken.push(`route ${route.dst}`);
  }
  for (const link of await ipJson<JsonAddr>(['addr', 'show'])) {
    for (const a of link.addr_info ?? []) {
      const range = a.family === 'inet' ? cidrRange(a.local) : null;
      if (range && ours.some(([, r]) => overlaps(r, range))) taken.push(`address ${a.local} on ${link.ifname}`);
    }
  }
  if (taken.length > 0) {
    throw new LabError(
      `Dải địa chỉ của lab đã được dùng: ${taken.join(', ')}. Chọn --base khác. ` +
        `(Address ranges ${ours.map(([r]) => r).join(' ')} are in use; pick another base.)`,
    );
  }
}

/** `ip -batch` runs many changes in one process: a 250-host hub comes up in one call, not 250. */
const batchIn = (netns: string, lines: string[]): Promise<unknown> =>
  run('ip', ['-n', netns, '-batch', '-'], lines.join('\n') + '\n');
const sysctlIn = (netns: string, setting: string): Promise<unknown> =>
  run('ip', ['netns', 'exec', netns, 'sysctl', '-qw', setting]);

export interface BuildOptions {
  seed: number;
  logger?: Logger;
  /** The truth file: responders append a `probe` line for every request to a lossy host. */
  truthFile?: string | null;
}

async function buildHub(plan: LabPlan, hub: HubPlan, opts: BuildOptions): Promise<void> {
  const alias = `diemcau lab ${plan.name} hub ${hub.id}`;
  await ip('netns', 'add', hub.netns);
  await ip('link', 'add', hub.rootLink, 'type', 'veth', 'peer', 'name', hub.hubLink, 'netns', hub.netns);
  const local = hub.hosts.filter((h) => h.netns === hub.netns);
  const delayed = hub.hosts.filter((h) => h.netns !== hub.netns);
  await batchIn(hub.netns, [
    'link set lo up',
    `addr add ${hub.hubAddress}/30 dev ${hub.hubLink}`,
    `link set ${hub.hubLink} alias "${alias}"`,
    `link set ${hub.hubLink} up`,
    ...local.map((h) => `addr add ${h.address}/32 dev lo`),
    `route add default via ${hub.rootAddress} dev ${hub.hubLink}`,
  ]);
  // Kernel-random loss comes only from `loss` actions; a host's own lossPercent is the responder's.
  await nftIn(hub.netns, tableScript(new Map()));

  // A permanent neighbour entry: with the line cut, packets are silently lost on the veth (as on a
  // real cut line) instead of the root namespace answering "host unreachable" once ARP gives up.
  const [peer] = await ipJson<JsonLink>(['-n', hub.netns, 'link', 'show', 'dev', hub.hubLink]);
  if (!peer?.address) throw new LabError(`no MAC address on ${hub.hubLink}`);
  await ip('addr', 'add', `${hub.rootAddress}/30`, 'dev', hub.rootLink);
  await ip('link', 'set', hub.rootLink, 'alias', alias, 'up');
  await ip('neigh', 'replace', hub.hubAddress, 'lladdr', peer.address, 'dev', hub.rootLink, 'nud', 'permanent');
  await ip('route', 'add', hub.prefix, 'via', hub.hubAddress, 'dev', hub.rootLink);

  if (!hub.delayedNetns || delayed.length === 0) return;
  // Delayed and lossy hosts sit behind the hub (so a cut of the hub's line cuts them too) in a
  // namespace whose kernel ignores echo requests; the responder answers for them instead.
  await sysctlIn(hub.netns, 'net.ipv4.ip_forward=1');
  await ip('netns', 'add', hub.delayedNetns);
  await sysctlIn(hub.delayedNetns, 'net.ipv4.icmp_echo_ignore_all=1');
  await ipIn(
    hub.netns,
    'link',
    'add',
    hub.innerLink,
    'type',
    'veth',
    'peer',
    'name',
    hub.delayedLink,
    'netns',
    hub.delayedNetns,
  );
  await batchIn(hub.delayedNetns, [
    'link set lo up',
    `addr add ${hub.delayedAddress}/30 dev ${hub.delayedLink}`,
    `link set ${hub.delayedLink} alias "${alias} delayed"`,
    `link set ${hub.delayedLink} up`,
    ...delayed.map((h) => `addr add ${h.address}/32 dev lo`),
    `route add default via ${hub.innerAddress} dev ${hub.delayedLink}`,
  ]);
  await batchIn(hub.netns, [
    `addr add ${hub.innerAddress}/30 dev ${hub.innerLink}`,
    `link set ${hub.innerLink} up`,
    ...delayed.map((h) => `route add ${h.address}/32 via ${hub.delayedAddress} dev ${hub.innerLink}`),
  ]);
  await startResponder(
    hub.delayedNetns,
    delayed.map((h) => ({
      id: h.id,
      address: h.address,
      ms: h.delay?.ms ?? 0,
      jitterMs: h.delay?.jitterMs ?? 0,
      profile: h.delay?.profile ?? 'alternating',
      lossPercent: h.lossPercent,
    })),
    // Per-host streams inside are keyed by address too: the same seed gives the same drops per host.
    { seed: opts.seed, log: opts.truthFile ?? null },
  );
}

export async function buildTopology(plan: LabPlan, opts: BuildOptions): Promise<void> {
  // First of all, so no probe to the lab range can leave by the default route while hubs come up;
  // again at the end in case another lab's `down` removed it meanwhile (it keeps it while labs exist).
  await ensureBlackhole();
  for (const hub of plan.hubs) {
    await buildHub(plan, hub, opts);
    opts.logger?.debug({ hub: hub.id, netns: hub.netns, prefix: hub.prefix }, 'lab hub up');
  }
  await ensureBlackhole();
}
